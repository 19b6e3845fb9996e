"""Who may open and do what in 揭榜挂帅: every role × view × action × object, from the
tables below, written by hand from the rules (a need is its enterprise's and, once put,
its 方向's 科室's and the 局管理员's; a 榜单 item is the 科室's and the 局管理员's; the
published 榜单 is everyone's). They do not ask stplan's predicates.

Objects: a "draft" and a "put" (submitted) need of one enterprise, and a "published" item of
方向1 (发展规划与科技监督科)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.challenges.models import ChallengeItem, ListVersion, Need
from stplan.challenges.services import save_need, transition_need
from tests.matrix import (
    ANONYMOUS,
    Cell,
    Expect,
    login,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    UnitFactory,
    need_call,
    need_fields,
    open_guide,
    published_item,
    submitted_need,
)

SECTION_1 = "发展规划与科技监督科"
ACTORS = (
    "enterprise_admin",  # the needs' own enterprise
    "enterprise_leader",  # a 项目负责人 of the same enterprise
    "enterprise_other",  # another enterprise's administrator
    "university_admin",
    "recommender",
    "expert",
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)
OWN = {"enterprise_admin", "enterprise_leader"}
ENTERPRISES = OWN | {"enterprise_other"}
MANAGERS = {"officer_own", "bureau_admin"}
STAFF = MANAGERS | {"officer_other"}
PUBLIC = {"board_index", "board", "board_xlsx", "board_pdf"}
NEED_ACTIONS = ("submit", "withdraw", "return", "accept", "decline")
UNIT_ACTIONS = {"submit", "withdraw"}
# What each action changes on each need for one who may take it.
WORKS_ON = {"draft": {"submit", "withdraw"}, "put": {"withdraw", "return", "accept", "decline"}}


def sees_need(actor, obj):
    return actor in OWN or (obj == "put" and actor in MANAGERS)


def expect(cell: Cell) -> Expect:
    view, method, actor, obj, action = cell.view, cell.method, cell.actor, cell.obj, cell.action
    if view in PUBLIC:
        return Expect(200)
    if actor == ANONYMOUS:
        return Expect(302)
    match view:
        case "needs":
            return Expect(200 if actor in ENTERPRISES | STAFF else 403)
        case "need_new":
            if actor not in ENTERPRISES:
                return Expect(403)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "need":
            if not sees_need(actor, obj):
                return Expect(404)
            if method == "GET":
                return Expect(200)
            return Expect(302, True) if actor in OWN and obj == "draft" else Expect(403)
        case "need_action":
            if not sees_need(actor, obj):
                return Expect(404)
            may = actor in OWN if action in UNIT_ACTIONS else actor in MANAGERS
            return Expect(302, may and action in WORKS_ON[obj])
        case "item_new":
            if not sees_need(actor, "put"):
                return Expect(404)
            if actor not in MANAGERS:
                return Expect(403)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "item":
            if actor not in MANAGERS:
                return Expect(404)
            return Expect(200) if method == "GET" else Expect(302, True)
        case "item_action":
            if actor not in MANAGERS:
                return Expect(404)
            return Expect(302, True)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        for view in sorted(PUBLIC):
            yield Cell(view, "GET", actor)
        yield Cell("needs", "GET", actor)
        yield Cell("need_new", "GET", actor)
        yield Cell("need_new", "POST", actor)
        for obj in ("draft", "put"):
            yield Cell("need", "GET", actor, obj)
            yield Cell("need", "POST", actor, obj)
            for action in NEED_ACTIONS:
                yield Cell("need_action", "POST", actor, obj, action)
        yield Cell("item_new", "GET", actor, "accepted")
        yield Cell("item_new", "POST", actor, "accepted")
        yield Cell("item", "GET", actor, "published")
        yield Cell("item", "POST", actor, "published")
        yield Cell("item_action", "POST", actor, "published", "withdraw")


@dataclass
class World:
    sessions: dict
    guide: object
    call: object
    needs: dict
    item: ChallengeItem


def _build():
    guide = open_guide()
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)
    call = need_call(guide)
    enterprise = UnitFactory(kind="enterprise")
    admin = UnitAdminFactory(unit=enterprise)
    draft = save_need(actor=admin, call=call, fields=need_fields(), targets={"new_product": 4})
    put = submitted_need(call, person=admin)
    accepted = transition_need(need=submitted_need(call, person=admin), action="accept", actor=officer)
    actors = {
        "enterprise_admin": admin,
        "enterprise_leader": LeaderFactory(unit=enterprise),
        "enterprise_other": UnitAdminFactory(unit=UnitFactory(kind="enterprise")),
        "university_admin": UnitAdminFactory(unit=UnitFactory(kind="university")),
        "recommender": RecommenderFactory(),
        "expert": ExpertFactory().user,
        "officer_own": officer,
        "officer_other": OfficerFactory(section="高新技术科"),
        "bureau_admin": BureauAdminFactory(),
    }
    return World(sessions_of(actors), guide, call, {"draft": draft, "put": put, "accepted": accepted}, item)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _url(world, cell):
    slug = world.guide.slug
    match cell.view:
        case "board_index":
            return reverse("challenges:board_index", args=[slug])
        case "board" | "board_xlsx" | "board_pdf":
            url = reverse("challenges:board", args=[slug, 1])
            return url + {"board": "", "board_xlsx": "?format=xlsx", "board_pdf": "?format=pdf"}[cell.view]
        case "needs":
            return reverse("challenges:needs")
        case "need_new":
            return reverse("challenges:need_new", args=[world.call.pk])
        case "need":
            return reverse("challenges:need", args=[world.needs[cell.obj].pk])
        case "need_action":
            return reverse("challenges:need_action", args=[world.needs[cell.obj].pk, cell.action])
        case "item_new":
            return reverse("challenges:item_new", args=[world.needs[cell.obj].pk])
        case "item":
            return reverse("challenges:item", args=[world.item.pk])
        case "item_action":
            return reverse("challenges:item_action", args=[world.item.pk, cell.action])
    raise AssertionError(cell)


def _post_data(cell):
    data = {**need_fields(title="矩阵需求"), "metric_new_product": 4, "reason": "矩阵测试理由"}
    if cell.view in ("item", "item_new"):
        data = {
            "title": "矩阵榜单",
            "problem": "矩阵难题",
            "target_text": "",
            "amount_max": 7_000_000,
            "winners": 1,
            "opens_at": "2020-01-01T09:00",
            "closes_at": "2099-01-01T09:00",
            "metric_new_product": 5,
            "reason": "矩阵修改",
        }
    return data


def _state():
    return (
        list(Need.objects.order_by("pk").values_list("pk", "status", "title")),
        list(ChallengeItem.objects.order_by("pk").values_list("pk", "status", "title", "amount_max")),
        ListVersion.objects.count(),
    )


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_challenge_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    url = _url(world, cell)
    before = _state()

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(cell))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS and expected.status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert (_state() != before) == expected.changed


COVERED_URL_NAMES = {f"challenges:{c.view}" for c in cells()} - {
    "challenges:board_xlsx",
    "challenges:board_pdf",
}


def test_every_challenge_view_is_in_the_matrix():
    assert url_names("challenges") == COVERED_URL_NAMES
