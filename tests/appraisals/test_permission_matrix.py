"""Who may run and score a 专家论证: every role × view × action, from the table below,
written by hand from the rules (a panel is its 方向's 科室's and the 局管理员's; a task is
its expert's only). The world's panel is open, with a task of "expert" waiting and another expert's on the
same need submitted."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.appraisals import services
from stplan.appraisals.models import Panel, PanelOpinion, PanelTask
from tests.matrix import ANONYMOUS, Cell, Expect, login, module_world, savepoint_db, sessions_of, url_names
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    UnitFactory,
    appraisal_panel,
    open_guide,
)

ACTORS = (
    "enterprise_admin",
    "leader",
    "recommender",
    "expert",  # holds the world's task
    "expert_other",  # has scored the same need
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)
MANAGERS = {"officer_own", "bureau_admin"}
STAFF = MANAGERS | {"officer_other"}
EXPERTS = {"expert", "expert_other"}


def expect(cell: Cell) -> Expect:
    view, method, actor, action = cell.view, cell.method, cell.actor, cell.action
    if actor == ANONYMOUS:
        return Expect(302)
    match view:
        case "panels":
            if actor not in STAFF:
                return Expect(403)
            if method == "GET" or actor not in MANAGERS:
                return Expect(200)  # another 科室's call is not among the choices
            return Expect(302, True)
        case "panel":
            if actor not in MANAGERS:
                return Expect(404)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "panel_action":
            return Expect(302, action == "close") if actor in MANAGERS else Expect(404)
        case "mine":
            return Expect(200 if actor in EXPERTS else 403)
        case "task":
            if actor != "expert":
                return Expect(404)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "task_decline":
            return Expect(302, True) if actor == "expert" else Expect(404)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        yield Cell("panels", "GET", actor)
        yield Cell("panels", "POST", actor)
        yield Cell("panel", "GET", actor)
        yield Cell("panel", "POST", actor)
        for action in ("publish", "close"):
            yield Cell("panel_action", "POST", actor, None, action)
        yield Cell("mine", "GET", actor)
        yield Cell("task", "GET", actor)
        yield Cell("task", "POST", actor)
        yield Cell("task_decline", "POST", actor)


@dataclass
class World:
    sessions: dict
    panel: Panel
    task: PanelTask


def _build():
    guide = open_guide()
    officer = OfficerFactory(section="发展规划与科技监督科")
    panel = appraisal_panel(guide, needs=2, experts=2, officer=officer)
    task = panel.tasks.order_by("pk").first()
    other = panel.tasks.filter(need=task.need).exclude(expert=task.expert).first()
    services.submit_task(
        task=other, actor=other.expert.user, importance=70, feasibility=60, comment="可行", recommend=True
    )
    # Another accepted need of the same call, so a new panel can be organised.
    from stplan.challenges.services import transition_need
    from tests.world import submitted_need

    transition_need(need=submitted_need(panel.call), action="accept", actor=officer)
    actors = {
        "enterprise_admin": UnitAdminFactory(unit=UnitFactory(kind="enterprise")),
        "leader": LeaderFactory(),
        "recommender": RecommenderFactory(),
        "expert": task.expert.user,
        "expert_other": other.expert.user,
        "officer_own": officer,
        "officer_other": OfficerFactory(section="高新技术科"),
        "bureau_admin": BureauAdminFactory(),
    }
    return World(sessions_of(actors), panel, task)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _url(world, cell):
    match cell.view:
        case "panels" | "mine":
            return reverse(f"appraisals:{cell.view}")
        case "panel":
            return reverse("appraisals:panel", args=[world.panel.pk])
        case "panel_action":
            return reverse("appraisals:panel_action", args=[world.panel.pk, cell.action])
    return reverse(f"appraisals:{cell.view}", args=[world.task.pk])


def _post_data(world, cell):
    return {
        "call": world.panel.call_id,
        "name": "矩阵论证",
        "experts_per_need": 1,
        "due_at": "2099-01-01T09:00",
        "need": world.task.need_id,
        "recommended": "on",
        "opinion": "矩阵意见",
        "importance": 80,
        "feasibility": 70,
        "comment": "矩阵",
        "recommend": "yes",
        "reason": "矩阵回避",
    }


def _state():
    return (
        list(Panel.objects.order_by("pk").values_list("pk", "status")),
        list(PanelTask.objects.order_by("pk").values_list("pk", "status")),
        list(PanelOpinion.objects.order_by("pk").values_list("pk", "opinion")),
    )


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_appraisal_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    before = _state()
    url = _url(world, cell)

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert (_state() != before) == expected.changed


COVERED_URL_NAMES = {f"appraisals:{c.view}" for c in cells()}


def test_every_appraisal_view_is_in_the_matrix():
    assert url_names("appraisals") == COVERED_URL_NAMES
