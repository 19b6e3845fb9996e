"""查重 and findings through the API: the pairs of an application and of a batch, and the
desk's findings, for the 科室 of the 方向 and the 局管理员 only."""

import pytest
from django.test import Client

from stplan.api.services import create_token
from stplan.integrity import services
from tests.integrity.test_services import CONTENT, OTHER_CONTENT, OTHER_SUMMARY, OWN_SECTION, SUMMARY
from tests.world import BureauAdminFactory, OfficerFactory, open_guide, submitted_25

pytestmark = pytest.mark.django_db


@pytest.fixture
def scanned():
    guide = open_guide()
    first = submitted_25(
        guide=guide, title="罗汉果甜苷绿色提取关键技术研究", summary=SUMMARY, research_content=CONTENT
    )
    copy = submitted_25(
        guide=guide, title="罗汉果甜苷提取纯化技术集成与示范", summary=SUMMARY, research_content=CONTENT
    )
    other = submitted_25(
        guide=guide, title="桂花精油超临界萃取技术研究", summary=OTHER_SUMMARY, research_content=OTHER_CONTENT
    )
    services.scan(guide=guide, actor=BureauAdminFactory())
    return guide, first, copy, other


def _get(user, url):
    token = create_token(user=user, name="查重", scopes=["read"], days=30)[1]
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_application_pairs_for_its_section(scanned):
    _guide, first, copy, other = scanned
    officer = OfficerFactory(section=OWN_SECTION)

    body = _get(officer, f"/api/v1/applications/{copy.pk}/integrity").json()

    assert body["application"] == copy.number
    assert [(p["application"], p["other_application"], p["status"]) for p in body["pairs"]] == [
        (copy.number, first.number, "pending")
    ]
    assert _get(officer, f"/api/v1/applications/{other.pk}/integrity").json()["pairs"] == []


def test_application_pairs_hidden_from_another_section_and_refused_to_its_leader(scanned):
    _guide, _first, copy, _other = scanned

    assert (
        _get(OfficerFactory(section="农村科技科"), f"/api/v1/applications/{copy.pk}/integrity").status_code
        == 404
    )
    refused = _get(copy.leader, f"/api/v1/applications/{copy.pk}/integrity")
    assert refused.status_code == 403
    assert refused.json()["message"] == "您没有权限进行此操作。"


def test_batch_pairs_filtered_by_status_and_direction(scanned):
    guide, _first, copy, _other = scanned
    admin = BureauAdminFactory()

    everything = _get(admin, f"/api/v1/integrity/pairs?guide={guide.slug}").json()
    duplicates = _get(admin, f"/api/v1/integrity/pairs?guide={guide.slug}&status=duplicate").json()
    elsewhere = _get(admin, f"/api/v1/integrity/pairs?guide={guide.slug}&direction=6").json()

    assert [p["application"] for p in everything["results"]] == [copy.number]
    assert duplicates["results"] == elsewhere["results"] == []
    assert _get(admin, "/api/v1/integrity/pairs?guide=nope").status_code == 404


def test_findings_are_the_desks_recheck(scanned):
    _guide, first, _copy, _other = scanned

    body = _get(OfficerFactory(section=OWN_SECTION), f"/api/v1/applications/{first.pk}/findings").json()

    assert body["application"] == first.number
    assert body["version"] == 1
    assert body["verdict"] == "eligible"
    assert all(set(f) == {"rule", "severity", "message", "clause"} for f in body["findings"])
    assert body["overrides"] == []
