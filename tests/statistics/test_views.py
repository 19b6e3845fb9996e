from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from stplan.applications import services
from stplan.funding import services as funding
from stplan.statistics.selectors import breakdown, drill_down
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    OfficerFactory,
    draft_25,
    open_guide,
    recommended_6,
    scored_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Two funded 方向25 applications (one 5万 each), a recommended 方向6 one, a 方向25 draft."""
    guide = open_guide()
    current, applications, staff = scored_round(guide, [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    other = recommended_6(guide)
    rejected = services.transition(
        application=other, action="formal_reject", actor=BureauAdminFactory(), reason="不符合"
    )
    draft_25(guide=guide)
    return applications, rejected


def test_breakdown_by_direction_counts_in_the_database(programme):
    rows = {r["value"]: r for r in breakdown(BureauAdminFactory(), "direction")}

    assert set(rows) == {"6", "25"}
    assert rows["25"]["applications"] == 2
    assert rows["25"]["passed"] == 2
    assert rows["25"]["funded"] == 2
    assert rows["25"]["funded_amount"] == 100_000
    assert rows["25"]["paid_amount"] == 0  # no tranche paid yet
    assert rows["25"]["pass_rate"] == 100.0
    assert rows["6"] == {
        **rows["6"],
        "applications": 1,
        "passed": 0,
        "rejected": 1,
        "pass_rate": 0.0,
        "funded": 0,
    }
    assert rows["25"]["label"] == "方向25 青年创新人才科研专项"


def test_drill_down_lists_the_applications_behind_a_row(programme):
    funded, rejected = programme
    admin = BureauAdminFactory()

    assert sorted(a.pk for a in drill_down(admin, "direction", "25")) == sorted(a.pk for a in funded)
    assert [a.pk for a in drill_down(admin, "unit_kind", "enterprise")] == [rejected.pk]
    assert list(drill_down(admin, "direction", "x")) == []


def test_officer_sees_only_their_sections_numbers(programme):
    rows = breakdown(OfficerFactory(section="国外智力引进与人才科"), "direction")

    assert [r["value"] for r in rows] == ["25"]


def test_page_is_for_the_bureau_only(programme):
    client = Client()
    assert client.get("/statistics/").status_code == 302
    client.force_login(LeaderFactory())
    assert client.get("/statistics/").status_code == 403
    client.force_login(BureauAdminFactory())
    page = client.get("/statistics/?by=section")
    assert page.status_code == 200
    assert "vendor/echarts-5.6.0/echarts.min.js" in page.content.decode()


def test_tables_export_to_xlsx(programme):
    client = Client()
    client.force_login(BureauAdminFactory())

    overview = load_workbook(BytesIO(client.get("/statistics/?by=direction&format=xlsx").content)).active
    detail = load_workbook(
        BytesIO(client.get("/statistics/applications/?by=direction&value=25&format=xlsx").content)
    ).active

    table = list(overview.iter_rows(values_only=True))
    assert table[0][:2] == ("方向", "申报数")
    assert [row[1] for row in table[1:]] == [1, 2]
    assert table[2][0] == "方向25 青年创新人才科研专项"
    assert len(list(detail.iter_rows(values_only=True))) == 3


def test_unknown_dimension_falls_back_to_direction(programme):
    client = Client()
    client.force_login(BureauAdminFactory())

    assert client.get("/statistics/?by=nonsense").context["by"] == "direction"
