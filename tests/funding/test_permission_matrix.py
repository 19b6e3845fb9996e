"""Who may open and do what with 立项方案: every role × view × plan × action, from the tables
below, written by hand from the rules (a plan is its round's: the 科室 whose every 方向 the
round covers, and the 局管理员; 公示 is public while it lasts and after). They do not ask
stplan's predicates.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.urls import reverse

from stplan.funding import services
from stplan.funding.models import FundingPlan, Objection, PlanEvent
from tests.matrix import (
    ANONYMOUS,
    BUREAU_STAFF,
    Cell,
    Expect,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)
from tests.world import open_guide, review_round, scored_round

ACTORS = (
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "officer_own",  # 国外智力引进与人才科 (方向25)
    "officer_other",  # 农业农村科技科
    "bureau_admin",
    ANONYMOUS,
)
# "draft" and "publicized" are plans of a 方向25 round; "mixed" of a 方向25 + 方向33 round.
PLANS = ("draft", "publicized", "mixed")
PLANS_OF = {
    "officer_own": {"draft", "publicized"},
    "officer_other": set(),
    "bureau_admin": set(PLANS),
}
# Each action its own URL, posted to (a GET of it is refused with 405 once signed in).
ACTIONS = {
    "optimise": "plan_optimise",
    "change": "plan_item_change",
    "publicize": "plan_publicize",
    "handle": "objection_handle",
    "finalize": "plan_finalize",
}
ACTION_OF_VIEW = {view: action for action, view in ACTIONS.items()}
# What each action changes for one who may act: a draft is optimised, changed and put to
# 公示; an objection is handled on a publicized plan. finalize waits for 公示 to end, which
# no plan here has reached (the period is a week from the world's building): it changes
# nothing for anyone, and the matrix checks that only the managers get that far. Likewise
# publicize: one plan of the guide is already in 公示, and a second is refused while it lasts.
# Making a plan from a round (the 立项方案 list's form): "own" is the 方向25 round, "mixed"
# the 方向25 + 方向33 one, "other" a 方向33 round. Only a round the person runs is offered;
# any other is as if none was chosen: the list is shown again with that message, no plan made.
ROUNDS_OF = {"officer_own": {"own"}, "officer_other": {"other"}, "bureau_admin": {"own", "mixed", "other"}}
NO_ROUND = "请选择评审批次"
WORKS_ON = {
    "draft": {"optimise", "change"},
    "publicized": {"handle"},
    "mixed": {"optimise", "change"},
}


# Setting where objections go (funding:publicity_contact): for whoever runs the plan, on a
# plan not yet final; the draft's and the publicized plan's contact change.
def expect(cell: Cell) -> Expect:
    view, method, actor, obj, action = cell.view, cell.method, cell.actor, cell.obj, cell.action
    if view == "publicity_list":
        return Expect(200)
    if view == "publicity":
        return Expect(200 if obj == "publicized" else 404)
    if view == "objection":
        # Anyone objects while 公示 runs: the objection is recorded and they go back to the list.
        if obj != "publicized":
            return Expect(404)
        return Expect(200) if method == "GET" else Expect(302, True)
    if actor == ANONYMOUS:
        return Expect(302)
    if view in ACTION_OF_VIEW and method == "GET":
        return Expect(405)
    if actor not in BUREAU_STAFF:
        return Expect(403)
    match view:
        case "plans":
            if method == "POST" and obj in ROUNDS_OF[actor]:
                return Expect(302, True)
            return Expect(200)
        case "compare":
            return Expect(200 if {"draft", obj} <= PLANS_OF[actor] else 404)
        case "publicity_contact":
            if obj not in PLANS_OF[actor]:
                return Expect(404)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "plan":
            return Expect(200 if obj in PLANS_OF[actor] else 404)
        case _ if view in ACTION_OF_VIEW:
            if obj not in PLANS_OF[actor]:
                return Expect(404)
            if action == "handle" and obj != "publicized":
                return Expect(404)  # the objection is not this plan's
            return Expect(302, action in WORKS_ON[obj])
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        yield Cell("plans", "GET", actor)
        for obj in ("own", "mixed", "other"):
            yield Cell("plans", "POST", actor, obj)
        for obj in PLANS:
            yield Cell("plan", "GET", actor, obj)
            for action, view in ACTIONS.items():
                yield Cell(view, "POST", actor, obj, action)
                yield Cell(view, "GET", actor, obj, action)
            yield Cell("compare", "GET", actor, obj)
            yield Cell("publicity", "GET", actor, obj)
            for method in ("GET", "POST"):
                yield Cell("objection", method, actor, obj)
                yield Cell("publicity_contact", method, actor, obj)
        yield Cell("publicity_list", "GET", actor)


@dataclass
class World:
    actors: dict
    sessions: dict
    plans: dict
    objection: Objection
    rounds: dict


def _build():
    guide = open_guide()
    current, (funded, _), staff = scored_round(guide, [90, 80])
    actors = make_actors(leader_own=funded.leader)
    mixed_round = review_round(guide, directions=(25, 33), name="跨科室")

    def plan(name, on=current):
        return services.create_plan(actor=staff, review_round=on, name=name, total_budget=50_000)

    publicized = services.publicize(plan=plan("矩阵公示方案"), actor=staff)
    objection = services.record_objection(plan=publicized, name="李四", contact="139", content="经费偏高")
    plans = {
        "draft": plan("矩阵草稿方案"),
        "publicized": publicized,
        "mixed": plan("矩阵跨科室方案", mixed_round),
    }
    rounds = {
        "own": current,
        "mixed": mixed_round,
        "other": review_round(guide, directions=(33,), name="农业"),
    }
    return World(actors, sessions_of(actors), plans, objection, rounds)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _state(world):
    """Everything a request could change about the plans."""
    return {
        "plans": list(
            FundingPlan.objects.order_by("pk").values_list(
                "pk", "status", "publicity_ends", "objection_office", "objection_phone"
            )
        ),
        "items": sorted(
            (i.plan_id, i.application_id, i.selected, i.amount)
            for p in world.plans.values()
            for i in p.items.all()
        ),
        "events": PlanEvent.objects.count(),
        "objections": list(Objection.objects.order_by("pk").values_list("pk", "handling", "content")),
    }


def _url(world, cell):
    plan = world.plans.get(cell.obj) if cell.view != "plans" else None
    match cell.view:
        case "plans" | "publicity_list":
            return reverse(f"funding:{cell.view}")
        case (
            "plan"
            | "publicity"
            | "objection"
            | "publicity_contact"
            | "plan_optimise"
            | "plan_publicize"
            | "plan_finalize"
        ):
            return reverse(f"funding:{cell.view}", args=[plan.pk])
        case "plan_item_change":
            return reverse("funding:plan_item_change", args=[plan.pk, plan.items.order_by("pk").first().pk])
        case "objection_handle":
            return reverse("funding:objection_handle", args=[plan.pk, world.objection.pk])
        case "compare":
            return reverse("funding:compare") + f"?left={world.plans['draft'].pk}&right={plan.pk}"
    raise AssertionError(cell)


def _post_data(world, cell):
    if cell.view == "plans":
        return {
            "review_round": world.rounds[cell.obj].pk,
            "name": f"矩阵新方案{cell.obj}",
            "total_budget": 50_000,
        }
    if cell.view == "objection":
        return {"name": "王五", "contact": "13900000000", "content": f"矩阵异议（{cell.actor}）"}
    if cell.view == "publicity_contact":
        return {"objection_office": "桂林市科学技术局 张科长", "objection_phone": f"0773-{cell.actor}"}
    return {"selected": "out", "days": 7, "handling": "已核实，维持原方案。"}


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_funding_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    cache.clear()  # the objection form's rate limit counts per address; each cell starts afresh
    login(client, world.sessions, cell.actor)
    url = _url(world, cell)
    before = _state(world)

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    if cell.view == "objection" and expected.status == 302:
        assert response["Location"] == reverse("funding:publicity", args=[world.plans[cell.obj].pk])
    elif expected.status == 302 and cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert (_state(world) != before) == expected.changed
    if cell.view == "plans" and cell.method == "POST" and cell.actor in BUREAU_STAFF:
        made = FundingPlan.objects.filter(name=f"矩阵新方案{cell.obj}").first()
        if expected.changed:
            assert made.review_round_id == world.rounds[cell.obj].pk
            assert response["Location"] == reverse("funding:plan", args=[made.pk])
        else:
            assert made is None and NO_ROUND in response.content.decode()
    if cell.view == "plans" and expected.status == 200:
        # No leaks: the list names exactly the person's plans.
        html = response.content.decode()
        names = {"draft": "矩阵草稿方案", "publicized": "矩阵公示方案", "mixed": "矩阵跨科室方案"}
        assert {k for k, n in names.items() if n in html} == PLANS_OF[cell.actor]


COVERED_URL_NAMES = {f"funding:{c.view}" for c in cells()}


def test_funding_matrix_covers_every_url_name():
    assert url_names("funding") == COVERED_URL_NAMES
