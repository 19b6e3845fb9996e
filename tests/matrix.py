"""Shared machinery of the permission matrices of review, funding and projects.

Each matrix builds its world once for the module inside a transaction rolled back at the
end; each test runs in a savepoint of it (see tests/applications/test_permission_matrix.py,
whose fixtures these are). The expectation tables live in each matrix file, written by hand.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver

from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
)

ANONYMOUS = "anonymous"
OWN_SECTION = "国外智力引进与人才科"  # manages 方向25
OTHER_SECTION = "农业农村科技科"  # manages 方向33 and the award 方向40
APPLICANTS = {"leader_own", "leader_other", "unit_admin_own", "unit_admin_other"}
OUTSIDERS = APPLICANTS | {"recommender", "expert", "expert_other"}
BUREAU_STAFF = {"officer_own", "officer_other", "bureau_admin"}
MANAGERS = {"officer_own", "bureau_admin"}


@dataclass(frozen=True)
class Expect:
    status: int
    changed: bool = False


@dataclass(frozen=True)
class Cell:
    view: str
    method: str
    actor: str
    obj: str | None = None
    action: str | None = None

    @property
    def id(self):
        return "-".join(p for p in (self.view, self.action, self.method, self.actor, self.obj) if p)


def make_actors(*, leader_own=None, unit_own=None, expert=None):
    """The people every matrix runs as; `leader_own` leads the object under test."""
    leader_own = leader_own or LeaderFactory()
    unit_own = unit_own or leader_own.unit
    leader_other = LeaderFactory()
    return {
        "leader_own": leader_own,
        "leader_other": leader_other,
        "unit_admin_own": UnitAdminFactory(unit=unit_own),
        "unit_admin_other": UnitAdminFactory(unit=leader_other.unit),
        "recommender": RecommenderFactory(),
        "expert": expert.user if expert else ExpertFactory().user,
        "expert_other": ExpertFactory().user,
        "officer_own": OfficerFactory(section=OWN_SECTION),
        "officer_other": OfficerFactory(section=OTHER_SECTION),
        "bureau_admin": BureauAdminFactory(),
    }


def sessions_of(actors):
    sessions = {}
    for name, user in actors.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return sessions


def login(client, sessions, actor):
    if actor != ANONYMOUS:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = sessions[actor]


def module_world(build):
    """A module-scoped fixture building the world with `build()` in a rolled-back transaction."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("matrix-media")
        with override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ):
            with django_db_blocker.unblock():
                outer = transaction.atomic()
                outer.__enter__()
            try:
                with django_db_blocker.unblock():
                    built = build()
                yield built
            finally:
                with django_db_blocker.unblock():
                    transaction.set_rollback(True)
                    outer.__exit__(None, None, None)

    return world


def savepoint_db(world, django_db_blocker):
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)


def url_names(namespace):
    resolver = get_resolver().namespace_dict[namespace][1]
    return {f"{namespace}:{p.name}" for p in resolver.url_patterns if p.name}
