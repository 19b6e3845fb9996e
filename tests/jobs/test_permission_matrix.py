"""Who may follow and download a background job: every role × own/other job × view, from the
rule that a job is its owner's alone (someone else's does not exist for them). Each person of
the world asked for the 形审 desk's export; the bureau's staff got a file, the others' jobs
failed (the export is the bureau's)."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from stplan.applications.jobs import DESK_EXPORT
from stplan.jobs import services
from stplan.jobs.models import JobStatus
from tests.matrix import (
    ANONYMOUS,
    BUREAU_STAFF,
    Cell,
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
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)


def expect(cell: Cell) -> int:
    if cell.actor == ANONYMOUS:
        return 302
    if cell.view == "list":
        return 200
    if cell.obj != "own":
        return 404
    if cell.view == "download":
        return 200 if cell.actor in BUREAU_STAFF else 404
    return 200


def cells():
    for actor in ACTORS:
        yield Cell("list", "GET", actor)
        for view in ("detail", "progress", "download"):
            for obj in ("other",) if actor == ANONYMOUS else ("own", "other"):
                yield Cell(view, "GET", actor, obj)


@dataclass
class World:
    sessions: dict
    jobs: dict  # actor → their job's pk


def _build():
    actors = make_actors()
    jobs = {name: services.start(kind=DESK_EXPORT, owner=user, params={}) for name, user in actors.items()}
    assert {n for n, job in jobs.items() if job.status == JobStatus.DONE} == BUREAU_STAFF
    return World(sessions_of(actors), {name: job.pk for name, job in jobs.items()})


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _job(world, cell) -> int:
    """The actor's own job, or someone else's: leader_other's for leader_own, leader_own's
    for everyone else."""
    if cell.obj == "own":
        return world.jobs[cell.actor]
    return world.jobs["leader_other" if cell.actor == "leader_own" else "leader_own"]


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_job_cell_answers_as_the_rules_say(cell, world, client):
    login(client, world.sessions, cell.actor)
    args = [] if cell.view == "list" else [_job(world, cell)]

    response = client.get(reverse(f"jobs:{cell.view}", args=args))

    assert response.status_code == expect(cell)
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    if cell.view == "list" and response.status_code == 200:
        html = response.content.decode()
        linked = {name for name, pk in world.jobs.items() if reverse("jobs:detail", args=[pk]) in html}
        assert linked == {cell.actor}
    if cell.view == "download" and response.status_code == 200:
        assert b"".join(response.streaming_content)[:2] == b"PK"


COVERED_URL_NAMES = {f"jobs:{c.view}" for c in cells()}


def test_jobs_matrix_covers_every_url_name():
    assert url_names("jobs") == COVERED_URL_NAMES
