"""Who may open, confirm and print a 军令状: every role × view × action, from the table
below, written by hand from the rules (a 军令状 is its project's: the 首席专家, the lead
unit's administrator, the 方向's 科室 and the 局管理员; the 首席专家 confirms first). The
world's 军令状 waits for the 首席专家."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.pledges.models import Pledge
from tests.matrix import ANONYMOUS, Cell, Expect, login, module_world, savepoint_db, sessions_of, url_names
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    challenge_project,
    open_guide,
)

ACTORS = (
    "leader_own",  # the 首席专家
    "leader_other",  # the 首席专家 of the team that lost
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)
SEES = {"leader_own", "unit_admin_own", "officer_own", "bureau_admin"}
CHANGES = {("leader_confirm", "leader_own")}
PRINTED = {"leader_own", "officer_other", ANONYMOUS}


def expect(cell: Cell) -> Expect:
    if cell.actor == ANONYMOUS:
        return Expect(302)
    if cell.actor not in SEES:
        return Expect(404)
    if cell.method == "GET":
        return Expect(200)
    return Expect(302, (cell.action, cell.actor) in CHANGES)


def cells():
    for actor in ACTORS:
        yield Cell("detail", "GET", actor)
        if actor in PRINTED:
            yield Cell("pdf", "GET", actor)
        for action in ("leader_confirm", "unit_confirm", "fulfil"):
            yield Cell("confirm", "POST", actor, None, action)


@dataclass
class World:
    sessions: dict
    pledge: Pledge


def _build():
    project, _, teams = challenge_project(open_guide())
    actors = {
        "leader_own": project.application.leader,
        "leader_other": teams[1].leader,
        "unit_admin_own": UnitAdminFactory(unit=project.application.lead_unit),
        "unit_admin_other": UnitAdminFactory(unit=teams[1].lead_unit),
        "recommender": RecommenderFactory(),
        "expert": ExpertFactory().user,
        "officer_own": OfficerFactory(section="发展规划与科技监督科"),
        "officer_other": OfficerFactory(section="高新技术科"),
        "bureau_admin": BureauAdminFactory(),
    }
    return World(sessions_of(actors), project.pledge)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _url(world, cell):
    if cell.view == "confirm":
        return reverse("pledges:confirm", args=[world.pledge.pk, cell.action])
    return reverse(f"pledges:{cell.view}", args=[world.pledge.pk])


def _state(world):
    pledge = Pledge.objects.get(pk=world.pledge.pk)
    return pledge.status, pledge.events.count()


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_pledge_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    before = _state(world)

    response = client.get(_url(world, cell)) if cell.method == "GET" else client.post(_url(world, cell))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    if cell.view == "pdf" and expected.status == 200:
        assert response.content[:5] == b"%PDF-"
    assert (_state(world) != before) == expected.changed


COVERED_URL_NAMES = {f"pledges:{c.view}" for c in cells()}


def test_every_pledge_view_is_in_the_matrix():
    assert url_names("pledges") == COVERED_URL_NAMES
