import json

import pytest
from django.test import Client

from stplan.review import services as review_services
from stplan.review.models import Assignment, AssignmentStatus
from tests.api.builders import bearer, token_for
from tests.world import BureauAdminFactory, ExpertFactory, LeaderFactory, open_guide, passed_25, review_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A published round over one passed application with two experts, identity hidden."""
    guide = open_guide()
    application = passed_25(guide)
    ExpertFactory()
    ExpertFactory()
    staff = BureauAdminFactory()
    current = review_round(guide, hide_applicant_identity=True)
    review_services.propose_assignment(review_round=current, actor=staff)
    review_services.publish(review_round=current, actor=staff)
    task = Assignment.objects.filter(application=application).first()
    return task, application


def _post(client, url, body, token):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(token))


def test_expert_reads_the_application_only_after_confirming_and_blind(published):
    task, application = published
    token = token_for(task.expert.user)
    client = Client()
    url = f"/api/v1/review/tasks/{task.pk}"

    before = client.get(url, **bearer(token)).json()
    refused = _post(client, f"{url}/confirm", {"pledge": True, "no_conflict": False}, token)
    confirmed = _post(client, f"{url}/confirm", {"pledge": True, "no_conflict": True}, token)

    assert before["sections"] is None
    assert refused.status_code == 422
    assert refused.json()["message"] == "请确认与本项目无利益冲突，并签署保密承诺。"
    assert confirmed.status_code == 200
    text = json.dumps(confirmed.json()["sections"], ensure_ascii=False)
    assert application.title in text
    assert application.lead_unit.name not in text
    assert application.leader.full_name not in text
    assert application.recommender.name not in text
    leader_id = application.versions.get().snapshot["facts"]["leader"]["id_number"]
    assert leader_id not in text


def test_expert_scores_through_the_service_rules(published):
    task, _application = published
    token = token_for(task.expert.user)
    client = Client()
    url = f"/api/v1/review/tasks/{task.pk}"
    criteria = _post(client, f"{url}/confirm", {"pledge": True, "no_conflict": True}, token).json()[
        "criteria"
    ]
    scores = {c["code"]: c["max"] for c in criteria}
    comments = {c["code"]: "意见" for c in criteria}

    draft = client.put(
        f"{url}/review", json.dumps({"scores": scores}), content_type="application/json", **bearer(token)
    )
    incomplete = _post(client, f"{url}/review/submit", {"scores": scores}, token)
    submitted = _post(
        client,
        f"{url}/review/submit",
        {"scores": scores, "comments": comments, "recommendation": "fund"},
        token,
    )

    assert draft.status_code == 200
    assert draft.json()["review"]["status"] == "draft"
    assert incomplete.status_code == 422
    assert incomplete.json()["message"].endswith("请选择推荐意见。")
    assert submitted.status_code == 200
    assert submitted.json()["review"]["total"] == sum(scores.values())
    task.refresh_from_db()
    assert task.status == AssignmentStatus.SUBMITTED


def test_submitting_scores_needs_the_submit_scope(published):
    task, _application = published
    token = token_for(task.expert.user, scopes=("read", "write"))

    response = _post(Client(), f"/api/v1/review/tasks/{task.pk}/review/submit", {}, token)

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_others_see_no_task(published):
    task, _application = published
    other_expert = ExpertFactory().user
    client = Client()

    assert client.get(f"/api/v1/review/tasks/{task.pk}", **bearer(token_for(other_expert))).status_code == 404
    assert (
        client.get(
            f"/api/v1/review/tasks/{task.pk}", **bearer(token_for(task.application.leader))
        ).status_code
        == 404
    )
    assert client.get("/api/v1/review/tasks", **bearer(token_for(LeaderFactory()))).status_code == 403
    mine = client.get("/api/v1/review/tasks", **bearer(token_for(other_expert))).json()
    assert mine == {"results": [], "next": None}


def test_expert_declares_a_conflict(published):
    task, _application = published
    token = token_for(task.expert.user)

    response = _post(
        Client(), f"/api/v1/review/tasks/{task.pk}/declare", {"kind": "relative", "reason": "亲属"}, token
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
