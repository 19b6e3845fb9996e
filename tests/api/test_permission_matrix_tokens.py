"""Who may see, make and revoke API tokens on the web page: every role × own/other token ×
view × method, from the rules (a signed-in person sees, makes and revokes their own tokens
only; someone else's token does not exist for them)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.api.models import ApiToken
from stplan.api.services import create_token
from tests.matrix import (
    ANONYMOUS,
    Cell,
    Expect,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
    url_names,
)

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
    "bureau_admin",
    ANONYMOUS,
)


def expect(cell: Cell) -> Expect:
    if cell.actor == ANONYMOUS:
        return Expect(302)
    if cell.view == "tokens":
        return Expect(200, cell.method == "POST")
    if cell.method == "GET":
        return Expect(405)
    return Expect(302, True) if cell.obj == "own" else Expect(404)


def cells():
    for actor in ACTORS:
        yield Cell("tokens", "GET", actor)
        yield Cell("tokens", "POST", actor, None, "create")
        for obj in ("other",) if actor == ANONYMOUS else ("own", "other"):
            yield Cell("revoke", "POST", actor, obj)
            yield Cell("revoke", "GET", actor, obj)


@dataclass
class World:
    sessions: dict
    users: dict  # actor → their user's pk
    tokens: dict  # actor → the pk of their token


def _build():
    actors = make_actors()
    tokens = {
        name: create_token(user=user, name=f"令牌-{name}", scopes=["read"], days=30)[0].pk
        for name, user in actors.items()
    }
    return World(sessions_of(actors), {name: user.pk for name, user in actors.items()}, tokens)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _token(world, cell) -> int:
    """The actor's own token, or someone else's: leader_other's for leader_own, leader_own's
    for everyone else."""
    if cell.obj == "own":
        return world.tokens[cell.actor]
    return world.tokens["leader_other" if cell.actor == "leader_own" else "leader_own"]


def _state():
    return sorted(ApiToken.objects.values_list("pk", "user_id", "revoked_at"))


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_token_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    login(client, world.sessions, cell.actor)
    before = _state()
    if cell.view == "revoke":
        url = reverse("api:revoke", args=[_token(world, cell)])
    else:
        url = reverse("api:tokens")

    if cell.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {"name": "新令牌", "scopes": ["read"], "days": "90"})

    assert response.status_code == expected.status
    after = _state()
    assert (after != before) == expected.changed
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
        return
    if expected.changed:
        # Only the actor's own tokens changed: one made, or theirs revoked.
        assert {user for _pk, user, _at in set(after) ^ set(before)} == {world.users[cell.actor]}
    if cell.view == "revoke" and expected.changed:
        assert response["Location"] == reverse("api:tokens")
        assert ApiToken.objects.get(pk=world.tokens[cell.actor]).revoked_at is not None
    if cell.view == "tokens":
        html = response.content.decode()
        shown = {name for name in world.tokens if f"<td>令牌-{name}</td>" in html}
        assert shown == {cell.actor}
        assert ("<td>新令牌</td>" in html) == (cell.method == "POST")
        assert ('id="new-token"' in html) == (cell.method == "POST")


COVERED_URL_NAMES = {f"api:{c.view}" for c in cells()}


def test_token_matrix_covers_every_url_name():
    assert url_names("api") == COVERED_URL_NAMES
