"""Who may open the 统计分析 and what its numbers and drill-downs show: every role × own/other
科室 × view × format, from the table below, written by hand from the rules (the 局管理员 counts
every application, a 科室's officer those of the 方向 the 科室 manages, nobody else any; drafts
count for no one). "own" is a reviewed 方向25 application (国外智力引进与人才科), "other" a
recommended 方向6 one of another 科室."""

import re
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from stplan.applications.models import Application
from tests.matrix import (
    ANONYMOUS,
    OWN_SECTION,
    Cell,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)
from tests.world import OfficerFactory, direction, draft_25, open_guide, recommended_6, scored_round

ACTORS = (
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "expert_other",
    "officer_own",
    "officer_other",
    "officer_without_section",
    "bureau_admin",
    ANONYMOUS,
)
SEES = {"officer_own": {"own"}, "officer_other": {"other"}, "bureau_admin": {"own", "other"}}
NUMBER = re.compile(r"GL\d{4}-\d{2}-\d{5,}")


def expect(cell: Cell) -> int:
    if cell.actor == ANONYMOUS:
        return 302
    return 200 if cell.actor in SEES else 403


def cells():
    for actor in ACTORS:
        for fmt in (None, "xlsx"):
            yield Cell("overview", "GET", actor, None, fmt)
            for obj in ("own", "other"):
                yield Cell("applications", "GET", actor, obj, fmt)
        # The drill-down of the row of an expert who reviewed the own application.
        yield Cell("applications", "GET", actor, "own", "expert")


@dataclass
class World:
    sessions: dict
    apps: dict
    expert: int
    draft: Application


def _build():
    guide = open_guide()
    _round, (own,), _staff = scored_round(guide, [90])
    other = recommended_6(guide)
    assert (own.direction.section, other.direction.section != OWN_SECTION) == (OWN_SECTION, True)
    draft = draft_25(guide=guide, leader=own.leader)
    assert draft.number and draft.version == 0
    actors = make_actors(leader_own=own.leader)
    actors["officer_other"] = OfficerFactory(section=direction(guide, 6).section)
    actors["officer_without_section"] = OfficerFactory(section="")
    return World(
        sessions=sessions_of(actors),
        apps={"own": own, "other": other},
        expert=own.assignments.first().expert_id,
        draft=draft,
    )


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    # The page keeps its numbers in the shared cache per scope: each cell computes its own.
    cache.clear()
    yield from savepoint_db(world, django_db_blocker)


def _query(world, cell) -> dict:
    query = {"format": cell.action} if cell.action == "xlsx" else {}
    if cell.view == "overview":
        return {**query, "by": "direction"}
    if cell.action == "expert":
        return {"subset": f"expert:{world.expert}"}
    return {**query, "by": "direction", "value": str(world.apps[cell.obj].direction.number)}


def _sheet(response) -> list[tuple]:
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_statistics_cell_answers_as_the_rules_say(cell, world, client):
    login(client, world.sessions, cell.actor)
    seen = SEES.get(cell.actor, set())

    response = client.get(reverse(f"statistics:{cell.view}"), _query(world, cell))

    assert response.status_code == expect(cell)
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    if response.status_code != 200:
        return
    directions = {world.apps[o].direction.number for o in seen}
    if cell.view == "overview" and cell.action == "xlsx":
        assert {row[0] for row in _sheet(response)} == {
            f"方向{world.apps[o].direction.number} {world.apps[o].direction.title}" for o in seen
        }
    elif cell.view == "overview":
        tables = {t.key: t for t in response.context["tables"]}
        assert {int(r["value"]) for r in tables["breakdown"].rows} == directions
        assert sum(r["tasks"] for r in tables["experts"].rows) == (2 if "own" in seen else 0)
    else:
        listed = (
            {row[0] for row in _sheet(response)}
            if cell.action == "xlsx"
            else {a.number for a in response.context["applications"]}
        )
        assert listed == ({world.apps[cell.obj].number} if cell.obj in seen else set())
    if cell.action != "xlsx":
        visible = {world.apps[o].number for o in seen}
        assert set(NUMBER.findall(response.content.decode())) <= visible
        assert world.draft.number not in response.content.decode()


COVERED_URL_NAMES = {f"statistics:{c.view}" for c in cells()}


def test_statistics_matrix_covers_every_url_name():
    assert url_names("statistics") == COVERED_URL_NAMES
