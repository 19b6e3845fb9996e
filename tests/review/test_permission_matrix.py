"""Who may open and do what in 专家评审: every role × view × round, from the tables below.

The tables are written by hand from the rules (a round is its 科室's when every 方向 is that
科室's, otherwise only the 局管理员's; the expert pool serves every 科室; a task is its
expert's alone); they do not ask stplan's predicates.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.review import services
from stplan.review.models import Assignment, AssignmentStatus, PairRule, ReviewRound, RoundEvent
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
from tests.world import ExpertFactory, direction, open_guide, review_round, scored_round

ACTORS = (
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",  # assigned to the task under test
    "expert_other",  # in the pool, not on that task
    "officer_own",  # 国外智力引进与人才科 (方向25)
    "officer_other",  # 农业农村科技科 (方向33)
    "bureau_admin",
    ANONYMOUS,
)

# The rounds: "proposed" and "published" are 方向25 only, "other" is 方向33 only, "mixed"
# is 方向25 + 方向33 (two 科室: the bureau's).
ROUNDS = ("proposed", "published", "mixed", "other")
ROUND_OF = {
    "officer_own": {"proposed", "published"},
    "officer_other": {"other"},
    "bureau_admin": set(ROUNDS),
}
# Beyond these, a fifth round "pending" (方向25, published, its tasks not yet submitted) holds
# the expert's open tasks; it is listed for the 方向25 科室 and the 局管理员.
LISTED = {
    actor: rounds | ({"pending"} if "published" in rounds else set()) for actor, rounds in ROUND_OF.items()
}
# Each action of a round page is its own URL, review:round_<action>.
ACTIONS = ("solve", "publish", "pin", "forbid", "clear", "extend", "conflict", "close")
# What each action changes on each round for one who may act: publish needs proposed
# pairs, close a published round; solve needs passed 方向25 applications (the other round has
# none); pin/forbid/clear are recorded on any round with applications. extend and conflict
# name the expert's submitted task of the published round (a task of no other round: 404
# there): a submitted task is not extended (refused, the form shown again), a conflict the
# bureau registers withdraws it.
WORKS_ON = {
    "proposed": {"solve", "publish", "pin", "forbid", "clear"},
    "published": {"solve", "pin", "forbid", "clear", "conflict", "close"},
    "mixed": {"solve", "pin", "forbid", "clear"},
    "other": set(),
}
POOL_VIEWS = ("experts", "expert_template", "expert_new", "expert")
# Each action of the task page is its own URL, review:task_<action>.
TASK_ACTIONS = ("confirm", "declare", "save", "submit")
# The expert's tasks: "task" is submitted; "unconfirmed" is published and waits for the
# pledge; "confirmed" is pledged, no review saved yet. What the expert's own POST changes:
# the pledge and a declared conflict on an open task, a draft (also a refused submission,
# which keeps what was typed) once pledged; nothing on a submitted task. A refused POST
# shows the page again (200) with the reason and what was typed.
TASKS = ("task", "unconfirmed", "confirmed")
TASK_WORKS = {
    "task": set(),
    "unconfirmed": {"confirm", "declare"},
    "confirmed": {"declare", "save", "submit"},
}
# Creating a round: the 方向 chosen. An officer creates rounds of their own 科室's 方向
# only; one of another 科室 or of two 科室 is refused with the reason, the form shown again.
NEW_ROUNDS = {"new_own": (25,), "new_other": (33,), "new_mixed": (25, 33)}
CREATES = {"officer_own": {"new_own"}, "officer_other": {"new_other"}, "bureau_admin": set(NEW_ROUNDS)}
REFUSED = "科室经办人只能为本科室管理的方向创建评审批次"


def expect(cell: Cell) -> Expect:
    view, method, actor, obj, action = cell.view, cell.method, cell.actor, cell.obj, cell.action
    if view.startswith("round_"):
        view, action = "round_action", view.removeprefix("round_")
    elif view.startswith("task_") and view != "task_attachment":
        view, action = "task_action", view.removeprefix("task_")
    if actor == ANONYMOUS:
        return Expect(302)
    staff = actor in BUREAU_STAFF
    match view:
        case "experts" | "expert_template" | "expert_new" | "expert":
            return Expect(200 if staff else 403)
        case "rounds":
            if not staff:
                return Expect(403)
            if method == "GET":
                return Expect(200)
            return Expect(302, True) if obj in CREATES[actor] else Expect(200)
        case "round" | "ranking" | "round_action":
            if not staff:
                return Expect(403)
            if obj not in ROUND_OF[actor]:
                return Expect(404)
            if method == "GET":
                return Expect(200)
            if obj == "other" and action in ("pin", "forbid", "clear"):
                # The posted application is a 方向25 one, not of this 方向33 round.
                return Expect(404)
            if action in ("extend", "conflict") and obj != "published":
                return Expect(404)
            if action == "extend":
                return Expect(200)
            return Expect(302, action in WORKS_ON[obj])
        case "mine":
            # Only a person with an expert record has a task list.
            return Expect(200 if actor in ("expert", "expert_other") else 403)
        case "task" | "task_action":
            # A task is the assigned expert's; everyone else, bureau staff included (they
            # follow a task on the round page), is told it does not exist.
            if actor != "expert":
                return Expect(404)
            if method == "GET":
                return Expect(200)
            if obj == "confirmed" and action == "submit":
                # Refused (no scores), the typed comment kept as a draft.
                return Expect(200, True)
            return Expect(302, True) if action in TASK_WORKS[obj] else Expect(200)
        case "task_attachment":
            # The application's files are the assigned expert's once they confirmed no conflict.
            return Expect(200 if actor == "expert" and obj != "unconfirmed" else 404)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        for view in (*POOL_VIEWS, "rounds", "mine"):
            yield Cell(view, "GET", actor)
        for obj in ROUNDS:
            yield Cell("round", "GET", actor, obj)
            yield Cell("ranking", "GET", actor, obj)
            for action in ACTIONS:
                yield Cell(f"round_{action}", "POST", actor, obj)
        for obj in NEW_ROUNDS:
            yield Cell("rounds", "POST", actor, obj)
        for obj in TASKS:
            yield Cell("task", "GET", actor, obj)
            yield Cell("task_attachment", "GET", actor, obj)
            for action in TASK_ACTIONS:
                yield Cell(f"task_{action}", "POST", actor, obj)


@dataclass
class World:
    actors: dict
    sessions: dict
    rounds: dict
    application: object
    tasks: dict
    pool_expert: object
    directions: dict
    # Each application's first file an expert is given (not the 身份证复印件), by application pk.
    attachments: dict


def _build():
    guide = open_guide()
    assert direction(guide, 25).section == "国外智力引进与人才科"
    assert direction(guide, 33).section == "农业农村科技科"
    published, applications, staff = scored_round(guide, [90, 80])
    task = Assignment.objects.filter(round=published).order_by("pk").first()
    for _ in range(2):
        ExpertFactory(load_cap=10)
    # The expert's open tasks, in a round solved before expert_other joins the pool.
    pending = review_round(guide, name="矩阵待评批次")
    for application in applications:
        services.set_pair_rule(
            review_round=pending, actor=staff, application=application, expert=task.expert, kind="pin"
        )
    services.propose_assignment(review_round=pending, actor=staff)
    services.publish(review_round=pending, actor=staff)
    unconfirmed, confirmed = Assignment.objects.filter(round=pending, expert=task.expert).order_by("pk")
    confirmed = services.confirm_no_conflict(
        assignment=confirmed, actor=task.expert.user, pledge=True, no_conflict=True
    )
    tasks = {"task": task, "unconfirmed": unconfirmed, "confirmed": confirmed}
    actors = make_actors(expert=task.expert)
    proposed = review_round(guide, name="矩阵本科室批次")
    services.propose_assignment(review_round=proposed, actor=staff)
    assert Assignment.objects.filter(round=proposed, status=AssignmentStatus.PROPOSED).exists()
    published.name = "矩阵已发布批次"
    published.save(update_fields=["name"])
    rounds = {
        "proposed": proposed,
        "published": published,
        "mixed": review_round(guide, directions=(25, 33), name="矩阵跨科室批次"),
        "other": review_round(guide, directions=(33,), name="矩阵农业批次"),
    }
    directions = {k: [direction(guide, n).pk for n in ns] for k, ns in NEW_ROUNDS.items()}
    attachments = {
        a.pk: a.attachments.exclude(code="id_card").order_by("pk").first().pk
        for a in {t.application for t in tasks.values()}
    }
    return World(
        actors, sessions_of(actors), rounds, applications[0], tasks, task.expert, directions, attachments
    )


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _round_state(review_round):
    row = ReviewRound.objects.filter(pk=review_round.pk).values("status", "solver_report").get()
    return {
        **row,
        "events": list(RoundEvent.objects.filter(review_round=review_round).values_list("pk", flat=True)),
        "assignments": list(
            Assignment.objects.filter(round=review_round).order_by("pk").values_list("pk", "status")
        ),
        "rules": list(PairRule.objects.filter(round=review_round).values_list("pk", "kind")),
    }


def _task_state(world):
    """Every task of the expert (a declared conflict reaches them all) and the rounds' count."""
    tasks = Assignment.objects.filter(expert=world.pool_expert).order_by("pk")
    return {
        "tasks": list(tasks.values_list("pk", "status", "pledged_at", "review__scores", "review__status")),
        "rounds": list(ReviewRound.objects.order_by("pk").values_list("pk", "name")),
    }


def _url(world, cell):
    match cell.view:
        case "experts" | "expert_template" | "expert_new" | "rounds" | "mine":
            return reverse(f"review:{cell.view}")
        case "expert":
            return reverse("review:expert", args=[world.pool_expert.pk])
        case "task_attachment":
            task = world.tasks[cell.obj]
            return reverse("review:task_attachment", args=[task.pk, world.attachments[task.application_id]])
        case view if view in ("round", "ranking") or view.startswith("round_"):
            return reverse(f"review:{cell.view}", args=[world.rounds[cell.obj].pk])
        case view if view == "task" or view.startswith("task_"):
            return reverse(f"review:{cell.view}", args=[world.tasks[cell.obj].pk])
    raise AssertionError(cell)


def _post_data(world, cell):
    if cell.view == "rounds":
        return {"name": f"矩阵新建{cell.obj}", "directions": world.directions[cell.obj],
                "experts_per_application": 2, "field_bonus": 0.2, "aggregation": "mean",
                "disagreement_threshold": 10}  # fmt: skip
    if cell.view.startswith("round_"):
        return {
            "application": world.application.pk,
            "expert": world.pool_expert.pk,
            "assignment": world.tasks["task"].pk,
            "due_at": "2099-01-31T18:00",
            "kind": "other",
            "reason": "矩阵测试",
        }
    return {
        "pledge": "on",
        "no_conflict": "on",
        "kind": "other",
        "reason": "矩阵测试",
        "overall_comment": "矩阵测试",
    }


ROUND_NAME = re.compile(r"矩阵\w+批次")
NAME_OF = {
    "proposed": "矩阵本科室批次",
    "published": "矩阵已发布批次",
    "mixed": "矩阵跨科室批次",
    "other": "矩阵农业批次",
    "pending": "矩阵待评批次",
}


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_review_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    url = _url(world, cell)
    watched = [world.rounds[cell.obj]] if cell.obj in ROUNDS else []
    before = [_round_state(r) for r in watched], _task_state(world)

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    after = [_round_state(r) for r in watched], _task_state(world)
    assert (after != before) == expected.changed, (before, after)
    html = response.content.decode() if response["Content-Type"].startswith("text/html") else ""
    if cell.view == "rounds" and cell.method == "POST":
        if expected.changed:
            created = ReviewRound.objects.get(name=f"矩阵新建{cell.obj}")
            assert response["Location"] == reverse("review:round", args=[created.pk])
            assert sorted(created.directions.values_list("pk", flat=True)) == sorted(
                world.directions[cell.obj]
            )
        elif expected.status == 200:
            assert REFUSED in html
    if expected.status != 200 or cell.method != "GET":
        return
    match cell.view:
        case "rounds":
            # No leaks: the list shows exactly the rounds the person runs.
            assert set(ROUND_NAME.findall(html)) == {NAME_OF[r] for r in LISTED[cell.actor]}
        case "round" | "ranking":
            assert NAME_OF[cell.obj] in html
        case "mine":
            shown = world.tasks["task"].application.number in html
            assert shown == (cell.actor == "expert")


COVERED_URL_NAMES = {f"review:{c.view}" for c in cells()}


def test_review_matrix_covers_every_url_name():
    assert url_names("review") == COVERED_URL_NAMES
