"""Who may open and do what with 查重: every role × view × action, from the tables below,
written by hand from the rules (查重 is bureau staff's; a pair is decided by the 科室 of the
later application's 方向 and the 局管理员, and seen by whoever may see either application;
only the 局管理员 imports the registry and the 失信 lists). They do not ask stplan's predicates."""

from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stplan.integrity import exports, services
from stplan.integrity.models import FundedElsewhere, PairEvent, SanctionEntry, ScanRun, SimilarPair
from stplan.spreadsheets import append_row
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
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "officer_own",  # 国外智力引进与人才科 (方向25): the pair's 科室
    "officer_other",  # 农业农村科技科
    "bureau_admin",
    ANONYMOUS,
)
DECISIONS = ("mark_distinct", "mark_duplicate", "allow")
# The pair is pending: 不是重复 and 重复申报 move it; 准予立项 waits for a confirmed duplicate.
MOVES = {"mark_distinct", "mark_duplicate"}
IMPORTS = ("registry", "sanctions")
TEMPLATES = ("registry_template", "sanctions_template")


def expect(cell: Cell) -> Expect:
    view, method, actor, action = cell.view, cell.method, cell.actor, cell.action
    if actor == ANONYMOUS:
        return Expect(302)
    if actor not in BUREAU_STAFF:
        return Expect(403)
    match view:
        case "report" | "export" | "registry_template" | "sanctions_template":
            return Expect(200)
        case "scan":
            return Expect(302, True)
        case "registry" | "sanctions":
            if method == "GET":
                return Expect(200)
            return Expect(302, True) if actor == "bureau_admin" else Expect(403)
        case "pair" | "application_pairs":
            if actor not in MANAGERS:
                return Expect(404)
            if method == "GET":
                return Expect(200)
            return Expect(302, True) if action in MOVES else Expect(200)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        for view in ("report", "export", "application_pairs", *IMPORTS, *TEMPLATES):
            yield Cell(view, "GET", actor)
        yield Cell("scan", "POST", actor)
        for view in IMPORTS:
            yield Cell(view, "POST", actor)
        yield Cell("pair", "GET", actor)
        for action in DECISIONS:
            yield Cell("pair", "POST", actor, action=action)


@dataclass
class World:
    actors: dict
    sessions: dict
    guide: object
    pair: SimilarPair
    registry_file: bytes
    sanctions_file: bytes


def _filled(book, row) -> bytes:
    append_row(book.active, row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _build():
    guide = open_guide()
    _round, (first, _later), staff = scored_round(guide, [90, 80])
    actors = make_actors(leader_own=first.leader)
    services.scan(guide=guide, actor=staff)
    return World(
        actors,
        sessions_of(actors),
        guide,
        SimilarPair.objects.get(),
        _filled(
            exports.registry_template(),
            ["桂林某大学", "张三", "矩阵外部项目", "摘要", 2021, "自治区科技计划", 100000],
        ),
        _filled(
            exports.sanctions_template(),
            ["个人", "李四", "450305199001011231", "2022-03-01", "", "自治区科技厅", "科研失信行为"],
        ),
    )


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _state():
    return {
        "pairs": list(SimilarPair.objects.order_by("pk").values_list("pk", "status")),
        "events": PairEvent.objects.count(),
        "scans": ScanRun.objects.count(),
        "registry": FundedElsewhere.objects.count(),
        "sanctions": SanctionEntry.objects.count(),
    }


def _url(world, cell):
    match cell.view:
        case "pair":
            return reverse("integrity:pair", args=[world.pair.pk])
        case "application_pairs":
            return reverse("integrity:application_pairs", args=[world.pair.application_id])
        case "report" | "export" | "scan":
            return reverse(f"integrity:{cell.view}") + (
                f"?guide={world.guide.pk}" if cell.method == "GET" else ""
            )
    return reverse(f"integrity:{cell.view}")


def _post_data(world, cell):
    match cell.view:
        case "scan":
            return {"guide": world.guide.pk}
        case "registry":
            return {"file": SimpleUploadedFile("registry.xlsx", world.registry_file)}
        case "sanctions":
            return {"file": SimpleUploadedFile("sanctions.xlsx", world.sanctions_file)}
    return {"decision": cell.action, "reason": "矩阵核实"}


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_integrity_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    before = _state()

    url = _url(world, cell)
    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world, cell))

    assert response.status_code == expected.status
    if expected.status == 302 and cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert (_state() != before) == expected.changed
    if cell.view == "report" and expected.status == 200:
        # No leaks: an officer of another 科室 is not shown the pair.
        shown = world.pair.application.number in response.content.decode()
        assert shown == (cell.actor in MANAGERS)


COVERED_URL_NAMES = {f"integrity:{c.view}" for c in cells()}


def test_integrity_matrix_covers_every_url_name():
    assert url_names("integrity") == COVERED_URL_NAMES
