"""Who may read and do what through the API: every role × own/other application × endpoint ×
method, each caller with a token holding every scope.

The expectations are the web matrix's hand-written tables (tests/applications/test_permission_matrix.py:
who sees which application, who edits it), so the API and the web pages answer to one
truth; the matrix also asserts that no answer names an application its caller may not see.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from stplan.api.services import create_token
from stplan.applications.models import Application
from stplan.applications.services import draft_revision
from stplan.demo.builders import MINIMAL_PDF
from tests.api.builders import direction_25_draft
from tests.applications.test_permission_matrix import (
    ACTORS,
    ANONYMOUS,
    EDITS,
    LEADERS,
    OTHER_APPS,
    OWN_APPS,
    VISIBLE,
    _build_world,
    _state,
)

APPS = OWN_APPS + OTHER_APPS
# The web table covers unit A's applications; unit B's draft is its own leader's to edit.
EDITS_ALL = EDITS | {("leader_other", "other_draft")}
# The leader submits a complete draft, or resubmits a returned one; other states refuse.
SUBMITS = {("leader_own", "draft"), ("leader_own", "returned"), ("leader_other", "other_draft")}
NUMBER = re.compile(r"GL\d{4}-\d{2}-\d{5,}")


@dataclass(frozen=True)
class Cell:
    endpoint: str
    method: str
    actor: str
    app: str | None = None

    @property
    def id(self):
        return "-".join(p for p in (self.endpoint, self.method, self.actor, self.app) if p)


def expect(cell: Cell) -> tuple[int, bool]:
    """(status, whether the application changed)."""
    if cell.actor == ANONYMOUS:
        return 401, False
    if cell.endpoint == "list":
        return 200, False
    if cell.endpoint == "create":
        return (201, False) if cell.actor in LEADERS else (422, False)
    if cell.app not in VISIBLE[cell.actor]:
        return 404, False
    edits = (cell.actor, cell.app) in EDITS_ALL
    match cell.endpoint:
        case "detail":
            return 200, False
        case "update":
            return (200, True) if edits else (422, False)
        case "upload":
            return (201, True) if edits else (422, False)
        case "submit":
            return (200, True) if (cell.actor, cell.app) in SUBMITS else (422, False)
    raise AssertionError(cell)


# Each endpoint's operation (method, path template as the OpenAPI document writes it): the
# requests below are made to it, and tests/api/test_matrix_coverage.py checks every operation
# of the API is some matrix's.
OPERATIONS = {
    "list": ("GET", "/api/v1/applications"),
    "create": ("POST", "/api/v1/applications"),
    "detail": ("GET", "/api/v1/applications/{pk}"),
    "update": ("PUT", "/api/v1/applications/{pk}"),
    "upload": ("POST", "/api/v1/applications/{pk}/attachments"),
    "submit": ("POST", "/api/v1/applications/{pk}/submit"),
}


def cells():
    for actor in ACTORS:
        for endpoint, (method, _path) in OPERATIONS.items():
            if endpoint in ("list", "create"):
                yield Cell(endpoint, method, actor)
            else:
                for app in APPS:
                    yield Cell(endpoint, method, actor, app)


ALL_CELLS = list(cells())
COVERED = {OPERATIONS[c.endpoint] for c in ALL_CELLS}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("api-matrix-media")
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        STPLAN_API_RATE="100000/min",
    ):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
        try:
            with django_db_blocker.unblock():
                built = _build_world(media)
                tokens = {
                    name: create_token(user=user, name="矩阵", scopes=["read", "write", "submit"], days=30)[1]
                    for name, user in built.actors.items()
                }
            yield built, tokens
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)


def _headers(tokens, actor, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens[actor]}", **extra} if actor != ANONYMOUS else extra


def _body(world, actor):
    user = world.actors.get(actor) or world.actors["leader_own"]
    lead = user if user.unit_id else world.actors["leader_own"]
    return direction_25_draft(leader=lead, recommender=world.apps["draft"].recommender)


def _request(world, tokens, cell: Cell):
    application = world.apps.get(cell.app)
    headers = _headers(tokens, cell.actor)
    method, path = OPERATIONS[cell.endpoint]
    url = path.format(pk=application.pk) if application else path
    send = getattr(Client(), method.lower())
    match cell.endpoint:
        case "list":
            return send(f"{url}?size=200", **headers)
        case "create":
            return send(url, json.dumps(_body(world, cell.actor)), content_type="application/json", **headers)
        case "update":
            current = Application.objects.get(pk=application.pk)
            return send(
                url,
                json.dumps(_body(world, cell.actor)),
                content_type="application/json",
                **headers,
                HTTP_IF_MATCH=f'"{draft_revision(current)}"',
            )
        case "upload":
            upload = SimpleUploadedFile("补充材料.pdf", MINIMAL_PDF, content_type="application/pdf")
            return send(url, {"code": "other", "file": upload}, **headers)
        case "detail" | "submit":
            return send(url, **headers)
    raise AssertionError(cell)


@pytest.mark.parametrize("cell", ALL_CELLS, ids=[c.id for c in ALL_CELLS])
def test_api_permission(world, cell):
    world, tokens = world
    application = world.apps.get(cell.app)
    before = _state(application) if application else None
    status, changes = expect(cell)

    response = _request(world, tokens, cell)

    assert response.status_code == status, response.content.decode()
    if application is not None:
        assert (_state(application) != before) is changes
    visible_numbers = {world.apps[name].number for name in VISIBLE.get(cell.actor, set())}
    named = set(NUMBER.findall(response.content.decode()))
    created = {response.json()["number"]} if status == 201 and cell.endpoint == "create" else set()
    assert named <= visible_numbers | created
    if cell.endpoint == "list" and status == 200:
        world_numbers = {a.number for a in world.apps.values()}
        assert {a["number"] for a in response.json()["results"]} & world_numbers == visible_numbers
