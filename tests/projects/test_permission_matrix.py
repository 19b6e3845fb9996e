"""Who may open and do what with a funded project: every role × view × action × project,
from the tables below, written by hand from the rules (a project is its 负责人's, its unit's
and its 方向's 科室's, and the 局管理员's; 方向40's awards are the 农业农村科技科's and the
局管理员's). They do not ask stplan's predicates.

Two projects of the same plan: "fresh" (任务书 待负责人确认) and "running" (任务书 approved,
in progress, its first 年度报告 and a 预算调整 waiting for the 科室, the signing tranche
released), both reached through stplan's services. "leader_own" and "unit_admin_own" are,
for each project, its own 负责人 and its unit's administrator.
"""

from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from stplan.demo.builders import MINIMAL_PDF
from stplan.funding import services as funding
from stplan.projects import services
from stplan.projects.models import CountyAward, Project
from stplan.projects.selectors import projects_of_plan
from tests.matrix import (
    ANONYMOUS,
    BUREAU_STAFF,
    MANAGERS,
    OTHER_SECTION,
    OWN_SECTION,
    Cell,
    Expect,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)
from tests.projects.test_acceptance_matrix import cells as acceptance_cells
from tests.world import BureauAdminFactory, OfficerFactory, UnitAdminFactory, open_guide, scored_round

ACTORS = (
    "leader_own",  # the project's 负责人
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "officer_own",  # 国外智力引进与人才科 (方向25)
    "officer_other",  # 农业农村科技科, which also manages the award 方向40
    "bureau_admin",
    ANONYMOUS,
)
PROJECTS = ("fresh", "running")
SEES_PROJECT = {"leader_own", "unit_admin_own", "officer_own", "bureau_admin"}
# Each action on a project is its own URL, named after the action; GET on any is 405.
LEADER_ACTIONS = ("report", "change", "acceptance", "evidence", "confirm_contract")
UNIT_ACTIONS = ("unit_approve_contract",)
MANAGER_ACTIONS = (
    "approve_contract", "pay", "verify", "accept_report", "return_report", "approve_change",
    "reject_change", "terminate", "decide_acceptance", "allow_early",
)  # fmt: skip
MAY = {
    **{a: {"leader_own"} for a in LEADER_ACTIONS},
    **{a: {"unit_admin_own"} for a in UNIT_ACTIONS},
    **{a: MANAGERS for a in MANAGER_ACTIONS},
}
# What each action changes on each project for one who may take it (one who may not is
# refused with 403 before anything is read; one who may, but whom the rules refuse, gets
# the page again, 200, with the form as typed):
# - fresh: the 负责人 confirms the 任务书, asks for a change (allowed while contracting) and
#   uploads evidence; a manager may terminate. Nothing else is due yet.
# - running: the 任务书 is through, so its steps change nothing; the signing tranche can be
#   paid, the report accepted or returned, the change approved or rejected, the project
#   terminated, an early filing allowed; the 负责人 files the 2nd 年度报告 (allowed early in
#   the world), asks for another change and uploads evidence. 验收 is not yet due (nobody
#   allowed it early) and 方向25 is not 先实施后补助 (verify), so those change nothing.
WORKS_ON = {
    "fresh": {"confirm_contract", "change", "evidence", "terminate"},
    "running": {
        "pay", "accept_report", "return_report", "approve_change", "reject_change", "terminate",
        "allow_early", "report", "change", "evidence",
    },
}  # fmt: skip
# These name a 年度报告 or 变更申请 of the running project in their URL: the fresh project
# has none, so it is 404 there for all who see it.
NEEDS_PART = {"accept_report", "return_report", "approve_change", "reject_change"}
AWARDS = {"officer_other", "bureau_admin"}
PRINTED = {"leader_own", "officer_other"}  # the PDF takes a second: one allowed, one refused
# The ledger export: bureau staff see the projects of their 科室 (both are 方向25's).
LEDGER_OF = {"officer_own": set(PROJECTS), "officer_other": set(), "bureau_admin": set(PROJECTS)}


def expect(cell: Cell) -> Expect:
    view, method, actor, obj = cell.view, cell.method, cell.actor, cell.obj
    if actor == ANONYMOUS:
        return Expect(302)
    match view:
        case "list":
            return Expect(200)
        case "dashboard":
            return Expect(200 if actor in BUREAU_STAFF else 403)
        case "awards":
            if actor not in AWARDS:
                return Expect(403)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "revoke_award":
            if method == "GET":
                return Expect(405)
            return Expect(302, True) if actor in AWARDS else Expect(403)
        case "detail" | "contract_pdf":
            if method == "POST":
                return Expect(405)  # the page's actions post to their own URLs
            return Expect(200 if actor in SEES_PROJECT else 404)
        case _ if view in MAY:
            if method == "GET":
                return Expect(405)
            if actor not in SEES_PROJECT or (view in NEEDS_PART and obj == "fresh"):
                return Expect(404)
            if actor not in MAY[view]:
                return Expect(403)
            return Expect(302, True) if view in WORKS_ON[obj] else Expect(200)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        yield Cell("awards", "GET", actor)
        yield Cell("awards", "POST", actor)
        yield Cell("revoke_award", "GET", actor)
        yield Cell("revoke_award", "POST", actor)
        yield Cell("dashboard", "GET", actor)
        yield Cell("dashboard", "GET", actor, "xlsx")
        if actor in PRINTED or actor == ANONYMOUS:
            yield Cell("contract_pdf", "GET", actor, "fresh")
        for obj in PROJECTS:
            yield Cell("list", "GET", actor, obj)  # as that project's people, for the own ones
            yield Cell("detail", "GET", actor, obj)
            yield Cell("detail", "POST", actor, obj)
            for action in MAY:
                yield Cell(action, "POST", actor, obj)
        for action in MAY:
            yield Cell(action, "GET", actor, "running")


@dataclass
class World:
    actors: dict
    sessions: dict
    # The sessions that stand for "leader_own"/"unit_admin_own" on the running project.
    running_sessions: dict
    projects: dict
    report: object
    change: object
    award: CountyAward


def _running(project, officer):
    """Take `project` through its 任务书 to 实施中, with a first 年度报告 and a 预算调整
    waiting for the 科室, and the 2nd report allowed early."""
    leader = project.application.leader
    unit_admin = UnitAdminFactory(unit=project.application.lead_unit)
    services.advance_contract(project=project, actor=leader, action="confirm")
    services.advance_contract(project=project, actor=unit_admin, action="unit_approve")
    services.advance_contract(project=project, actor=officer, action="approve")
    project.refresh_from_db()
    for year in (1, 2):
        services.allow_early(project=project, actor=officer, what=f"report:{year}", reason="矩阵准备")
    report = services.submit_report(
        project=project, actor=leader, year=1, progress={}, narrative="第一年进展", spent=10_000
    )
    change = services.request_change(
        project=project, actor=leader, kind="budget", details={"description": "调整"}, reason="需要调整"
    )
    return {"leader_own": leader, "unit_admin_own": unit_admin}, report, change


def _build():
    current, (funded, second), staff = scored_round(open_guide(), [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    by_leader = {p.application.leader_id: p for p in projects_of_plan(plan)}
    projects = {"fresh": by_leader[funded.leader_id], "running": by_leader[second.leader_id]}
    running_people, report, change = _running(projects["running"], OfficerFactory(section=OWN_SECTION))
    award = services.record_award(
        actor=BureauAdminFactory(),
        county="阳朔县",
        year=2022,
        amount=300_000,
        county_match=100_000,
        proof="证明",
    )
    actors = make_actors(leader_own=funded.leader)
    return World(actors, sessions_of(actors), sessions_of(running_people), projects, report, change, award)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _state(project):
    p = Project.objects.get(pk=project.pk)
    return {
        "status": p.status,
        "ends_on": p.ends_on,
        "contract": p.contract.status,
        "tranches": list(p.tranches.order_by("pk").values_list("pk", "status", "paid_amount")),
        "reports": list(p.reports.order_by("pk").values_list("pk", "status")),
        "changes": list(p.changes.order_by("pk").values_list("pk", "status")),
        "acceptance": getattr(p, "acceptance", None) is not None,
        "files": p.files.count(),
        "events": p.events.count(),
    }


def _awards():
    return list(CountyAward.objects.order_by("pk").values_list("pk", "county", "year", "status"))


def _post_data(world, cell):
    if cell.view in ("awards", "revoke_award"):
        return {"reason": "矩阵撤销", "county": "荔浦市", "year": 2023, "amount": 300_000,
                "county_match": 100_000, "proof": "证明"}  # fmt: skip
    data = {"voucher": "矩阵", "paid_on": timezone.localdate().isoformat(), "reason": "矩阵测试理由",
            "kind": "budget", "description": "矩阵", "year": 2, "narrative": "矩阵进展", "spent": 20_000,
            "decision": "pass", "what": "acceptance", "purpose": "acceptance", "note": "矩阵"}  # fmt: skip
    if cell.view == "evidence":
        data["file"] = SimpleUploadedFile("proof.pdf", MINIMAL_PDF, content_type="application/pdf")
    return data


PARTS = {
    "pay": lambda world, project: project.tranches.order_by("pk").first().pk,
    "accept_report": lambda world, project: world.report.pk,
    "return_report": lambda world, project: world.report.pk,
    "approve_change": lambda world, project: world.change.pk,
    "reject_change": lambda world, project: world.change.pk,
}


def _url(world, cell):
    if cell.view == "revoke_award":
        return reverse("projects:revoke_award", args=[world.award.pk])
    if cell.view in MAY or cell.view in ("detail", "contract_pdf"):
        project = world.projects[cell.obj]
        part = PARTS.get(cell.view)
        return reverse(f"projects:{cell.view}", args=[project.pk, *([part(world, project)] if part else [])])
    url = reverse(f"projects:{cell.view}")
    return url + "?format=xlsx" if cell.obj == "xlsx" else url


def _ledger_numbers(response):
    sheet = load_workbook(BytesIO(response.content)).active
    first = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    return {v for v in first if v not in ("合计", OWN_SECTION, OTHER_SECTION)}


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_project_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    sessions = world.sessions
    if cell.obj == "running" and cell.actor in world.running_sessions:
        sessions = {**sessions, **world.running_sessions}
    login(client, sessions, cell.actor)
    url = _url(world, cell)
    before = [_state(p) for p in world.projects.values()], _awards()

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    after = [_state(p) for p in world.projects.values()], _awards()
    assert (after != before) == expected.changed, (before, after)
    if expected.changed and cell.view in MAY:
        # Only the project posted to moved.
        other = next(k for k in PROJECTS if k != cell.obj)
        assert after[0][PROJECTS.index(other)] == before[0][PROJECTS.index(other)]
    if expected.status != 200:
        return
    if cell.view in ("list", "detail"):
        shown = {k for k, p in world.projects.items() if p.number in response.content.decode()}
        if cell.view == "list":
            own = {cell.obj} if cell.actor in ("leader_own", "unit_admin_own") else set()
            assert shown == (set(PROJECTS) if cell.actor in MANAGERS else own)
        else:
            assert cell.obj in shown
    if cell.view == "dashboard" and cell.obj == "xlsx":
        numbers = {world.projects[k].number for k in LEDGER_OF[cell.actor]}
        assert _ledger_numbers(response) == numbers


# The 验收专家组 and certificate URLs have their own matrix.
COVERED_URL_NAMES = {f"projects:{c.view}" for c in [*cells(), *acceptance_cells()]}


def test_projects_matrix_covers_every_url_name():
    assert url_names("projects") == COVERED_URL_NAMES
