import json
import re

import pytest
from django.test import Client

from stplan.cli import main
from tests.factories import ApplicationData
from tests.world import open_guide

pytestmark = pytest.mark.django_db


def test_guide_lists_its_directions_to_anyone():
    open_guide()

    guide = Client().get("/api/v1/guides/guilin-2022").json()

    assert guide["year"] == 2022
    assert len(guide["directions"]) == 40
    assert guide["directions"][24]["number"] == 25
    assert guide["directions"][24]["amount_max"] == 50000


def test_direction_detail_lists_its_rules_with_clauses():
    open_guide()

    direction = Client().get("/api/v1/guides/guilin-2022/directions/25").json()

    assert direction["section"] == "国外智力引进与人才科"
    first = direction["rules"][0]
    assert (first["kind"], first["clause"], first["degrees"]) == ("leader_degree", "申报要求1", ["doctorate"])


def test_unknown_guide_is_a_structured_404():
    response = Client().get("/api/v1/guides/nope")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "未找到，或您无权查看。",
        "problems": [],
        "findings": [],
    }


def test_check_answers_what_stplan_check_answers(tmp_path, capsys):
    batch = [
        ApplicationData(id="A-1"),
        ApplicationData(id="A-2", funding={"requested": 10**9, "matching": 0}),
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    main(["check", str(path), "--json"])
    expected = json.loads(capsys.readouterr().out)

    response = Client().post("/api/v1/check", json.dumps(batch), content_type="application/json")

    assert response.status_code == 200
    assert response.json() == expected


def test_check_refuses_a_bad_document_with_the_cli_problems():
    response = Client().post("/api/v1/check", json.dumps([{"id": "A-017"}]), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_document"
    assert {"where": "", "message": "A-017: leader: 缺少必填项"} in response.json()["problems"]


def test_docs_page_loads_no_outside_assets():
    page = Client().get("/api/v1/docs").content.decode()

    assert "swagger-ui-bundle" in page
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []


def test_openapi_document_is_openapi_3():
    document = Client().get("/api/v1/openapi.json").json()

    assert document["openapi"].startswith("3.")
    assert "/api/v1/applications/{pk}/submit" in document["paths"]
