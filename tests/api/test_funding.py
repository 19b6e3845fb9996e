from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from stplan.funding import services as funding
from stplan.projects.selectors import projects_of_plan
from tests.api.builders import bearer, token_for
from tests.world import LeaderFactory, OfficerFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_plan():
    guide = open_guide()
    current, applications, staff = scored_round(guide, [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    plan.refresh_from_db()
    return plan, applications, staff


def test_publicity_is_public_and_lists_the_selected(final_plan):
    plan, applications, _staff = final_plan
    client = Client()

    listed = client.get("/api/v1/funding/publicity").json()
    shown = client.get(f"/api/v1/funding/publicity/{plan.pk}").json()

    assert [p["id"] for p in listed["results"]] == [plan.pk]
    assert sorted(i["application_number"] for i in shown["items"]) == sorted(a.number for a in applications)
    assert {i["amount"] for i in shown["items"]} == {50000}


def test_draft_plans_are_not_public():
    guide = open_guide()
    current, _applications, staff = scored_round(guide, [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="草稿", total_budget=50_000)

    assert Client().get(f"/api/v1/funding/publicity/{plan.pk}").status_code == 404


def test_funded_projects_export_in_json_and_xlsx(final_plan):
    plan, _applications, staff = final_plan
    token = token_for(staff)
    client = Client()
    projects = {p.number: p for p in projects_of_plan(plan)}

    rows = client.get(f"/api/v1/funding/plans/{plan.pk}/funded-projects", **bearer(token)).json()
    workbook = client.get(f"/api/v1/funding/plans/{plan.pk}/funded-projects.xlsx", **bearer(token))

    assert sorted(r["number"] for r in rows) == sorted(projects)
    first = rows[0]
    project = projects[first["number"]]
    assert first["credit_code"] == project.application.lead_unit.credit_code
    assert first["amount"] == project.amount == 50000
    assert first["funding_mode_label"] == "前资助"
    assert first["indicators"] == [
        {
            "metric": "new_technology_or_funding",
            "label": first["indicators"][0]["label"],
            "unit": first["indicators"][0]["unit"],
            "count": 1,
        }
    ]
    sheet = load_workbook(BytesIO(workbook.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("项目编号", "项目名称", "承担单位", "统一社会信用代码")
    assert [row[0] for row in table[1:]] == [r["number"] for r in rows]
    assert table[1][7] == first["amount"]


def test_plans_are_for_those_who_manage_them(final_plan):
    plan, _applications, _staff = final_plan
    client = Client()

    other_section = client.get(
        f"/api/v1/funding/plans/{plan.pk}", **bearer(token_for(OfficerFactory(section="农业农村科技科")))
    )
    leader = client.get("/api/v1/funding/plans", **bearer(token_for(LeaderFactory())))
    export = client.get(
        f"/api/v1/funding/plans/{plan.pk}/funded-projects", **bearer(token_for(LeaderFactory()))
    )

    assert other_section.status_code == 404
    assert leader.status_code == 403
    assert export.status_code == 403


def test_projects_are_seen_by_their_unit_and_the_bureau(final_plan):
    plan, _applications, staff = final_plan
    client = Client()
    project = projects_of_plan(plan)[0]
    leader = project.application.leader

    own = client.get("/api/v1/projects", **bearer(token_for(leader))).json()
    detail = client.get(f"/api/v1/projects/{project.pk}", **bearer(token_for(leader))).json()
    stranger = client.get(f"/api/v1/projects/{project.pk}", **bearer(token_for(LeaderFactory())))
    bureau = client.get("/api/v1/projects", **bearer(token_for(staff))).json()

    assert [p["id"] for p in own["results"]] == [project.pk]
    assert sum(t["planned_amount"] for t in detail["tranches"]) == project.amount
    assert stranger.status_code == 404
    assert len(bureau["results"]) == 2
