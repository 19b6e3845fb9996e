import re
from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from stplan.applications import services
from stplan.funding import services as funding
from stplan.projects.services import decide_acceptance, submit_acceptance, submit_report
from stplan.review import selectors as review_selectors
from stplan.review import services as review
from stplan.review.models import Assignment, ReviewRound
from stplan.statistics import selectors
from stplan.statistics.selectors import breakdown, drill_down
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    UnitAdminFactory,
    draft_25,
    open_guide,
    passed_25,
    recommended_6,
    review_round,
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


def _signed(project, staff):
    from stplan.projects import services as projects

    projects.advance_contract(project=project, actor=project.application.leader, action="confirm")
    projects.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )
    projects.advance_contract(project=project, actor=staff, action="approve")
    project.refresh_from_db()
    return project


@pytest.fixture
def projects(programme):
    """The two 方向25 projects of `programme`, signed (in progress)."""
    funded, _rejected = programme
    staff = BureauAdminFactory()
    return [_signed(a.project, staff) for a in sorted(funded, key=lambda a: a.number)], staff


def test_breakdown_sums_the_amount_requested(programme):
    rows = {r["value"]: r for r in breakdown(BureauAdminFactory(), "direction")}

    assert rows["25"]["requested_amount"] == 2 * 50_000
    assert rows["6"]["requested_amount"] == 300_000


def test_projects_by_dimension_counts_each_state(projects):
    rows = selectors.projects_by_dimension(BureauAdminFactory(), "direction")

    assert [(r["value"], r["in_progress"], r["contracting"]) for r in rows] == [("25", 2, 0)]


def test_overdue_reports_counts_years_ended_without_a_report(projects):
    (first, second), _staff = projects
    today = first.starts_on + timedelta(days=366)
    submit_report(
        project=second,
        actor=second.application.leader,
        year=1,
        progress={},
        narrative="进展",
        spent=0,
        today=today,
    )
    admin = BureauAdminFactory()

    (row,) = selectors.overdue_reports(admin, "direction", today=today)

    assert (row["value"], row["projects"], row["owing"], row["missing"]) == ("25", 2, 1, 1)
    assert [a.pk for a in drill_down(admin, "direction", "25", "overdue", today=today)] == [
        first.application_id
    ]
    assert (
        selectors.overdue_reports(admin, "direction", today=first.starts_on + timedelta(days=300))[0][
            "missing"
        ]
        == 0
    )


def test_acceptance_outcomes_and_input_output_ratio(projects):
    (first, second), _staff = projects
    officer = OfficerFactory(section=first.application.direction.section)
    for project, output, decision in ((first, 600_000, "passed"), (second, 100_000, "failed")):
        submit_acceptance(
            project=project,
            actor=project.application.leader,
            achieved={},
            total_investment=200_000,
            new_output=output,
            summary="总结",
            today=project.ends_on,
        )
        decide_acceptance(project=project, actor=officer, decision=decision, reason="结论")

    (row,) = selectors.acceptance_outcomes(BureauAdminFactory(), "direction")

    assert (row["passed"], row["failed"], row["closed"], row["submitted"]) == (1, 1, 0, 0)
    assert (row["new_output"], row["total_investment"], row["concluded_amount"]) == (600_000, 200_000, 50_000)
    assert row["roi"] == 3.0
    assert row["funding_yield"] == 12.0
    assert [a.pk for a in drill_down(BureauAdminFactory(), "direction", "25", "acceptance:failed")] == [
        second.application_id
    ]


def test_expert_workload_counts_tasks_and_late_submissions(programme):
    _funded, _rejected = programme
    rows = selectors.expert_workload(BureauAdminFactory(), now=timezone.now())

    assert sum(r["tasks"] for r in rows) == 4
    assert sum(r["submitted"] for r in rows) == 4
    assert sum(r["late"] for r in rows) == 0  # the round had no due time
    busiest = rows[0]
    listed = drill_down(BureauAdminFactory(), "direction", "", f"expert:{busiest['value']}")
    assert listed.count() == busiest["tasks"]


@pytest.fixture
def reviewing():
    """Two experts' tasks in one round of 方向25 whose due time was brought forward after
    the reviews came in, the clock at `now`: P reviewed on time (a1), after the round's due
    time within their own extension (a2), and has two tasks open past due, one unconfirmed
    (a3) and one confirmed (a4); Q reviewed on time (a5) and late (a6), has an extended task
    still open (a7) and withdrew from one (a8). A second round only proposes P for a5."""
    now = timezone.now()
    guide = open_guide()
    apps = [passed_25(guide) for _ in range(8)]
    p, q = ExpertFactory(), ExpertFactory()
    staff = BureauAdminFactory()
    officer = OfficerFactory(section="国外智力引进与人才科")
    current = review_round(guide, experts_per_application=1, due_at=now - timedelta(days=1))
    for expert, mine in ((p, apps[:4]), (q, apps[4:])):
        for application in mine:
            review.set_pair_rule(
                review_round=current, actor=staff, application=application, expert=expert, kind="pin"
            )
    review.propose_assignment(review_round=current, actor=staff)
    review.publish(review_round=current, actor=staff)
    task = {a: Assignment.objects.get(round=current, application=a) for a in apps}
    for application in (apps[1], apps[6]):
        review.extend_task(
            assignment=task[application], actor=officer, due_at=now + timedelta(days=2), reason="出差"
        )
    three_days_ago, two_days_ago = now - timedelta(days=3), now - timedelta(days=2)
    for application, at in (
        (apps[0], three_days_ago),
        (apps[4], three_days_ago),
        (apps[5], two_days_ago),
        # After the round's due time: only the extension lets it in.
        (apps[1], None),
    ):
        _review(task[application], now=at)
    _confirm(task[apps[3]], now=three_days_ago)
    review.declare_conflict(assignment=task[apps[7]], actor=q.user, kind="relative", reason="亲属")
    # The workflow refuses a submission past its due time, so a review is late only when the
    # due time moved before it afterwards (the Django admin keeps the round's editable).
    ReviewRound.objects.filter(pk=current.pk).update(due_at=now - timedelta(days=2, hours=12))
    later = review_round(guide, name="复评", experts_per_application=1)
    review.set_pair_rule(review_round=later, actor=staff, application=apps[4], expert=p, kind="pin")
    review.propose_assignment(review_round=later, actor=staff)
    return now, apps, p, q


def _confirm(task, *, now):
    return review.confirm_no_conflict(
        assignment=task, actor=task.expert.user, pledge=True, no_conflict=True, now=now
    )


def _review(task, *, now):
    sheet = review_selectors.sheet_for(task.round, task.application)
    review.save_review(
        assignment=_confirm(task, now=now),
        actor=task.expert.user,
        scores={c["code"]: c["max"] for c in sheet.criteria},
        comments={c["code"]: "意见" for c in sheet.criteria},
        overall_comment="",
        recommendation="fund",
        submit=True,
        now=now,
    )


def _workload(expert, **figures):
    return {"value": str(expert.pk), "label": expert.name, "unit": expert.unit_name, **figures}


def test_expert_workload_counts_late_and_overdue_against_each_tasks_own_due_time(reviewing):
    now, _apps, p, q = reviewing

    assert selectors.expert_workload(BureauAdminFactory(), now=now) == [
        _workload(p, tasks=4, submitted=2, late=0, overdue=2, withdrawn=0, late_rate=0.0),
        _workload(q, tasks=3, submitted=2, late=1, overdue=0, withdrawn=1, late_rate=50.0),
    ]
    # Past Q's extension their open task is overdue too.
    assert [
        r["overdue"] for r in selectors.expert_workload(BureauAdminFactory(), now=now + timedelta(days=3))
    ] == [2, 1]


def test_expert_workload_is_of_the_officers_own_section(reviewing):
    now, _apps, p, q = reviewing

    own = selectors.expert_workload(OfficerFactory(section="国外智力引进与人才科"), now=now)
    other = selectors.expert_workload(OfficerFactory(section="农业农村科技科"), now=now)

    assert [(r["value"], r["tasks"], r["late"]) for r in own] == [(str(p.pk), 4, 0), (str(q.pk), 3, 1)]
    assert other == []


def test_page_shows_expert_lateness_and_drills_down_to_the_experts_applications(reviewing):
    _now, apps, p, q = reviewing
    client = Client()
    client.force_login(BureauAdminFactory())

    page = client.get("/statistics/")
    (experts,) = [t for t in page.context["tables"] if t.key == "experts"]
    html = page.content.decode()

    assert experts.rows == [
        _workload(p, tasks=4, submitted=2, late=0, overdue=2, withdrawn=0, late_rate=0.0),
        _workload(q, tasks=3, submitted=2, late=1, overdue=0, withdrawn=1, late_rate=50.0),
    ]
    row = re.search(rf'<tr><th scope="row"><a href="([^"]+)">{q.name}</a></th>(.*?)</tr>', html)
    assert re.findall(r'<td data-label="([^"]+)">([^<]*)</td>', row[2]) == [
        ("工作单位", q.unit_name),
        ("评审任务数", "3"),
        ("已提交", "2"),
        ("逾期提交", "1"),
        ("逾期提交率（%）", "50.0"),
        ("已过截止时间未提交", "0"),
        ("已回避", "1"),
    ]

    def listed(expert):
        link = re.search(rf'<a href="([^"]+)">{expert.name}</a></th>', html)[1]
        response = client.get(unescape(link))
        return [a.number for a in response.context["applications"]], response.context["subset_label"]

    # The second round's proposed pairing is not a task; the task Q withdrew from is in Q's row.
    assert listed(p) == ([a.number for a in apps[:4]], f"评审任务：{p.name}")
    assert listed(q) == ([a.number for a in apps[4:]], f"评审任务：{q.name}")


def test_time_series_has_one_point_per_batch(programme):
    (point,) = selectors.time_series(BureauAdminFactory())

    assert (point["applications"], point["passed"], point["funded"], point["funded_amount"]) == (
        3,
        2,
        2,
        100_000,
    )
    assert point["label"].startswith(f"{point['year']}年 ")
    assert drill_down(BureauAdminFactory(), "batch", point["value"], "funded").count() == 2


def test_every_table_exports_to_xlsx(projects):
    client = Client()
    client.force_login(BureauAdminFactory())
    for table in ("breakdown", "series", "projects", "overdue", "acceptance", "experts"):
        response = client.get("/statistics/", {"by": "county", "table": table, "format": "xlsx"})
        sheet = load_workbook(BytesIO(response.content)).active
        assert response.status_code == 200
        assert sheet.max_row >= 1
    sheet = load_workbook(
        BytesIO(
            client.get("/statistics/", {"by": "direction", "table": "projects", "format": "xlsx"}).content
        )
    ).active
    assert [c.value for c in sheet[1]][:3] == ["方向", "任务书签订中", "实施中"]
    assert [c.value for c in sheet[2]][:3] == ["方向25 青年创新人才科研专项", 0, 2]


def test_page_says_when_its_numbers_were_computed_and_caches_them(projects):
    client = Client()
    client.force_login(BureauAdminFactory())

    def rejected_in_6():
        response = client.get("/statistics/")
        (breakdown_table,) = [t for t in response.context["tables"] if t.key == "breakdown"]
        return response, next(r["rejected"] for r in breakdown_table.rows if r["value"] == "6")

    first, before = rejected_in_6()
    draft = recommended_6(open_guide())
    services.transition(
        application=draft, action="formal_reject", actor=BureauAdminFactory(), reason="不符合"
    )

    assert "数据更新于" in first.content.decode()
    assert rejected_in_6()[1] == before == 1
    cache.clear()
    assert rejected_in_6()[1] == 2


@pytest.mark.parametrize(
    "query",
    [
        {"subset": "nonsense"},
        {"subset": "expert:x"},
        {"subset": "project:nope"},
        {"by": "batch", "value": "99999999999"},
        {"by": "year", "value": "二〇二二"},
        {"subset": "overdue", "value": "25"},
    ],
)
def test_drill_down_survives_any_query(programme, query):
    client = Client()
    client.force_login(BureauAdminFactory())

    assert client.get("/statistics/applications/", query).status_code == 200
