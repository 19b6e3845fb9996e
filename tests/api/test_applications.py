import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stplan.applications.dossier import Dossier
from stplan.applications.models import Application
from stplan.demo.builders import MINIMAL_PDF
from tests.api.builders import bearer, direction_25_draft, token_for
from tests.world import (
    DIRECTION_25_ATTACHMENTS,
    LeaderFactory,
    OfficerFactory,
    RecommenderUnitFactory,
    draft_25,
    open_guide,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return open_guide()


def _post(client, url, body, token, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token), **headers)


def _put(client, url, body, token, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **bearer(token), **headers)


def _upload_all(client, pk, token):
    for code in DIRECTION_25_ATTACHMENTS:
        upload = SimpleUploadedFile(f"{code}.pdf", MINIMAL_PDF, content_type="application/pdf")
        response = client.post(
            f"/api/v1/applications/{pk}/attachments", {"code": code, "file": upload}, **bearer(token)
        )
        assert response.status_code == 201, response.content


def test_draft_from_interchange_document_submits_like_a_web_draft(guide):
    leader = LeaderFactory()
    recommender = RecommenderUnitFactory()
    token = token_for(leader)
    client = Client()
    created = _post(
        client, "/api/v1/applications", direction_25_draft(leader=leader, recommender=recommender), token
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["problems"] == []
    assert body["facts"]["funding"] == {"requested": 50000, "matching": 50000}
    assert body["facts"]["recommended_by"] == recommender.name
    _upload_all(client, body["id"], token)

    submitted = client.post(f"/api/v1/applications/{body['id']}/submit", **bearer(token))

    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["application"]["status"] == "submitted"
    assert submitted.json()["version"]["number"] == 1
    # The same facts the engine sees for a 申报书 typed into the web form.
    api_made = Dossier.of(Application.objects.get(pk=body["id"])).facts()
    web_made = Dossier.of(
        draft_25(guide=guide, leader=LeaderFactory(unit=leader.unit), recommender=recommender)
    ).facts()
    ignore = {"id", "submitted_at", "leader", "team"}
    a, w = api_made.model_dump(exclude=ignore), web_made.model_dump(exclude=ignore)
    assert {k: (a[k], w[k]) for k in a if a[k] != w[k]} == {}


def test_submit_refusal_carries_the_web_message_and_findings(guide):
    leader = LeaderFactory()
    token = token_for(leader)
    client = Client()
    body = direction_25_draft(leader=leader, recommender=RecommenderUnitFactory())
    body["application"]["funding"] = {"requested": 60000, "matching": 40000}
    created = _post(client, "/api/v1/applications", body, token)
    _upload_all(client, created.json()["id"], token)

    refused = client.post(f"/api/v1/applications/{created.json()['id']}/submit", **bearer(token))

    assert refused.status_code == 422
    error = refused.json()
    assert error["code"] == "submission_refused"
    assert error["message"] == "申报书有不符合申报要求的错误项，修改后才能提交。"
    assert {f["clause"] for f in error["findings"]} == {"方向25 申报要求2", "方向25 资助金额"}


def test_incomplete_draft_lists_its_problems_and_cannot_be_submitted(guide):
    leader = LeaderFactory()
    token = token_for(leader)
    client = Client()
    body = direction_25_draft(leader=leader, recommender=RecommenderUnitFactory())
    body["budget"] = []
    created = _post(client, "/api/v1/applications", body, token)
    assert created.status_code == 201
    assert {
        "where": "经费预算",
        "message": "经费支出须按实施年限逐年填写：应为2年，现为0年。",
    } in created.json()["problems"]

    refused = client.post(f"/api/v1/applications/{created.json()['id']}/submit", **bearer(token))

    assert refused.status_code == 422
    assert refused.json()["message"] == "申报书尚未填写完整，不能提交。"


def test_document_errors_name_the_key_path_as_stplan_check_does(guide):
    leader = LeaderFactory()
    body = direction_25_draft(leader=leader, recommender=RecommenderUnitFactory())
    del body["application"]["leader"]["id_number"]

    response = _post(Client(), "/api/v1/applications", body, token_for(leader))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_document"
    assert response.json()["problems"] == [{"where": "", "message": "API: leader.id_number: 缺少必填项"}]
    assert not Application.objects.exists()


def test_draft_of_another_lead_unit_is_refused(guide):
    leader = LeaderFactory()
    other = LeaderFactory()
    body = direction_25_draft(leader=other, recommender=RecommenderUnitFactory())

    response = _post(Client(), "/api/v1/applications", body, token_for(leader))

    assert response.status_code == 422
    assert (
        response.json()["message"]
        == f"lead.credit_code：牵头单位须为您所在的单位（统一社会信用代码 {leader.unit.credit_code}）。"
    )
    assert not Application.objects.exists()


def test_only_leaders_create_drafts_with_the_service_message(guide):
    officer = OfficerFactory()
    body = direction_25_draft(leader=LeaderFactory(), recommender=RecommenderUnitFactory())

    response = _post(Client(), "/api/v1/applications", body, token_for(officer))

    assert response.status_code == 422
    assert response.json()["message"] == "只有注册审核通过的单位的项目负责人可以创建申报书。"


def test_update_needs_the_current_etag(guide):
    leader = LeaderFactory()
    token = token_for(leader)
    client = Client()
    body = direction_25_draft(leader=leader, recommender=RecommenderUnitFactory())
    created = _post(client, "/api/v1/applications", body, token)
    url = f"/api/v1/applications/{created.json()['id']}"
    etag = created["ETag"]
    assert client.get(url, **bearer(token))["ETag"] == etag

    missing = _put(client, url, body, token)
    body["application"]["title"] = "第一位编辑的名称"
    first = _put(client, url, body, token, HTTP_IF_MATCH=etag)
    body["application"]["title"] = "第二位编辑的名称"
    second = _put(client, url, body, token, HTTP_IF_MATCH=etag)

    assert missing.status_code == 428
    assert first.status_code == 200
    assert first["ETag"] != etag
    assert second.status_code == 412
    assert second.json()["code"] == "stale"
    assert Application.objects.get(pk=created.json()["id"]).title == "第一位编辑的名称"


def test_update_cannot_move_the_draft_to_another_direction(guide):
    leader = LeaderFactory()
    token = token_for(leader)
    client = Client()
    body = direction_25_draft(leader=leader, recommender=RecommenderUnitFactory())
    created = _post(client, "/api/v1/applications", body, token)
    body["application"]["direction"] = 26

    response = _put(
        client, f"/api/v1/applications/{created.json()['id']}", body, token, HTTP_IF_MATCH=created["ETag"]
    )

    assert response.status_code == 422
    assert response.json()["message"] == "direction：申报方向不能修改（本申报书为方向25）。"


def test_list_pages_with_a_cursor_and_filters(guide):
    leader = LeaderFactory()
    recommender = RecommenderUnitFactory()
    drafts = [draft_25(guide=guide, leader=leader, recommender=recommender) for _ in range(3)]
    draft_25(guide=guide, recommender=recommender)  # another leader's
    token = token_for(leader)
    client = Client()

    first = client.get("/api/v1/applications?size=2", **bearer(token)).json()
    second = client.get(f"/api/v1/applications?size=2&cursor={first['next']}", **bearer(token)).json()
    oldest = client.get("/api/v1/applications?ordering=id&size=1", **bearer(token)).json()
    submitted = client.get("/api/v1/applications?status=submitted", **bearer(token)).json()
    bad = client.get("/api/v1/applications?cursor=bm9uc2Vuc2U=", **bearer(token))

    assert [a["id"] for a in first["results"] + second["results"]] == [d.pk for d in reversed(drafts)]
    assert second["next"] is None
    assert [a["id"] for a in oldest["results"]] == [drafts[0].pk]
    assert submitted == {"results": [], "next": None}
    assert bad.status_code == 422
    assert bad.json()["message"] == "cursor 无效：请使用上一页回答中的 next。"
