"""Who may open and do what with a funded project: every role × view × action, from the
tables below, written by hand from the rules (a project is its 负责人's, its unit's and its
方向's 科室's, and the 局管理员's; 方向40's awards are the 农业农村科技科's and the 局管理员's).
They do not ask stplan's predicates.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse

from stplan.funding import services as funding
from stplan.projects.models import Project
from stplan.projects.selectors import projects_of_plan
from tests.matrix import (
    ANONYMOUS,
    BUREAU_STAFF,
    MANAGERS,
    Cell,
    Expect,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)
from tests.world import open_guide, scored_round

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
SEES_PROJECT = {"leader_own", "unit_admin_own", "officer_own", "bureau_admin"}
LEADER_ACTIONS = ("report", "change", "acceptance", "evidence", "confirm")
UNIT_ACTIONS = ("unit_approve",)
MANAGER_ACTIONS = (
    "approve", "pay", "verify", "accept_report", "return_report", "approve_change",
    "reject_change", "terminate", "decide_acceptance", "allow_early",
)  # fmt: skip
MAY = {
    **{a: {"leader_own"} for a in LEADER_ACTIONS},
    **{a: {"unit_admin_own"} for a in UNIT_ACTIONS},
    **{a: MANAGERS for a in MANAGER_ACTIONS},
}
# On the fresh project (任务书 待负责人确认) the 负责人's confirm is the one step that goes
# through; the others' effects depend on later states and are left to tests/projects.
CHANGES_NOW = {("confirm", "leader_own"), ("terminate", "officer_own"), ("terminate", "bureau_admin")}
# These name a 年度报告 or 变更申请, of which the fresh project has none: 404 for all who see it.
NEEDS_PART = {"accept_report", "return_report", "approve_change", "reject_change"}
AWARDS = {"officer_other", "bureau_admin"}
PRINTED = {"leader_own", "officer_other"}  # the PDF takes a second: one allowed, one refused


def expect(cell: Cell) -> Expect:
    view, method, actor, action = cell.view, cell.method, cell.actor, cell.action
    if actor == ANONYMOUS:
        return Expect(302)
    match view:
        case "list":
            return Expect(200)
        case "dashboard":
            return Expect(200 if actor in BUREAU_STAFF else 403)
        case "awards":
            return Expect(200 if actor in AWARDS else 403)
        case "detail" | "contract_pdf":
            if actor not in SEES_PROJECT:
                return Expect(404)
            if method == "GET":
                return Expect(200)
            if action in NEEDS_PART:
                return Expect(404)
            allowed = actor in MAY[action]
            return Expect(302, (action, actor) in CHANGES_NOW if allowed else False)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        for view in ("list", "dashboard", "awards", "detail"):
            yield Cell(view, "GET", actor)
        if actor in PRINTED or actor == ANONYMOUS:
            yield Cell("contract_pdf", "GET", actor)
        for action in MAY:
            yield Cell("detail", "POST", actor, None, action)


@dataclass
class World:
    actors: dict
    sessions: dict
    project: Project


def _build():
    current, (funded, _), staff = scored_round(open_guide(), [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    actors = make_actors(leader_own=funded.leader)
    return World(actors, sessions_of(actors), project)


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
        "contract": p.contract.status,
        "tranches": list(p.tranches.order_by("pk").values_list("pk", "status", "paid_amount")),
        "reports": p.reports.count(),
        "changes": p.changes.count(),
        "files": p.files.count(),
    }


def _post_data(world, cell):
    tranche = world.project.tranches.order_by("pk").first()
    return {"action": cell.action, "tranche": tranche.pk, "voucher": "矩阵", "reason": "矩阵测试理由",
            "kind": "other", "description": "矩阵", "year": 1, "decision": "pass", "what": "acceptance"}  # fmt: skip


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_project_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    project = world.project
    url = reverse(
        f"projects:{cell.view}", args=[project.pk] if cell.view in ("detail", "contract_pdf") else []
    )
    before = _state(project)

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    assert (_state(project) != before) == expected.changed
    if expected.status == 200 and cell.view in ("list", "detail"):
        shown = project.number in response.content.decode()
        assert shown == (cell.actor in SEES_PROJECT)


def test_projects_matrix_covers_every_url_name():
    assert {f"projects:{c.view}" for c in cells()} == url_names("projects")
