from datetime import timedelta

import pytest
from django.core.cache import cache

from stplan.applications import services
from stplan.celery import app
from stplan.statistics import tables
from tests.world import BureauAdminFactory, OfficerFactory, direction, open_guide, recommended_6

pytestmark = pytest.mark.django_db


def rejected_in_6(found: dict) -> int:
    return next(row["rejected"] for row in found["breakdown"] if row["value"] == "6")


@pytest.fixture
def admin():
    cache.clear()
    guide = open_guide()
    admin = BureauAdminFactory()
    services.transition(
        application=recommended_6(guide), action="formal_reject", actor=admin, reason="不符合"
    )
    return admin, guide


def reject_another(admin, guide) -> None:
    services.transition(
        application=recommended_6(guide), action="formal_reject", actor=admin, reason="不符合"
    )


@pytest.fixture
def worker(settings):
    """A queue configured, its tasks run by a worker as soon as they are sent."""
    settings.CELERY_BROKER_URL = "memory://"
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_numbers_younger_than_the_cache_time_are_shown_as_they_are(admin):
    user, guide = admin
    first = tables.numbers(user, "direction")
    reject_another(user, guide)

    again = tables.numbers(user, "direction", now=first["computed_at"] + timedelta(seconds=59))

    assert (again["computed_at"], rejected_in_6(again), again["refreshing"]) == (
        first["computed_at"],
        1,
        False,
    )


def test_stale_numbers_without_a_queue_are_computed_in_the_request(admin):
    user, guide = admin
    first = tables.numbers(user, "direction")
    reject_another(user, guide)

    again = tables.numbers(user, "county", now=first["computed_at"] + timedelta(seconds=61))

    assert again["computed_at"] > first["computed_at"]
    assert (rejected_in_6(tables.numbers(user, "direction")), again["refreshing"]) == (2, False)


def test_stale_numbers_with_a_queue_are_shown_while_a_worker_refreshes_them(
    admin, worker, django_capture_on_commit_callbacks
):
    user, guide = admin
    first = tables.numbers(user, "direction")
    reject_another(user, guide)

    with django_capture_on_commit_callbacks(execute=True) as sent:
        shown = tables.numbers(user, "direction", now=first["computed_at"] + timedelta(seconds=61))

    assert (shown["computed_at"], rejected_in_6(shown), shown["refreshing"], len(sent)) == (
        first["computed_at"],
        1,
        True,
        1,
    )
    refreshed = tables.numbers(user, "direction")
    assert (rejected_in_6(refreshed), refreshed["refreshing"]) == (2, False)
    assert refreshed["computed_at"] > first["computed_at"]


def test_stale_numbers_are_refreshed_once_for_everyone_who_asks_meanwhile(
    admin, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "memory://"
    user, _ = admin
    first = tables.numbers(user, "direction")
    later = first["computed_at"] + timedelta(seconds=61)

    with django_capture_on_commit_callbacks() as sent:
        for by in ("direction", "county", "year"):
            assert tables.numbers(user, by, now=later)["refreshing"] is True

    assert len(sent) == 1


def test_numbers_older_than_the_stale_limit_are_computed_even_with_a_queue(admin, worker):
    user, guide = admin
    first = tables.numbers(user, "direction")
    reject_another(user, guide)

    late = first["computed_at"] + timedelta(seconds=tables.STALE_SECONDS + 1)
    again = tables.numbers(user, "direction", now=late)

    assert (rejected_in_6(again), again["refreshing"]) == (2, False)


def test_figures_of_one_scope_serve_every_dimension_with_the_same_totals(admin):
    user, guide = admin
    reject_another(user, guide)
    totals = {
        by: sum(row["applications"] for row in tables.numbers(user, by)["breakdown"])
        for by in ("year", "programme", "direction", "section", "county", "unit_kind", "batch")
    }

    assert set(totals.values()) == {2}


def test_periodic_refresh_computes_the_figures_of_the_bureau_and_of_every_section(admin):
    user, guide = admin
    section = direction(guide, 6).section
    OfficerFactory(section=section)
    OfficerFactory(section=section)
    OfficerFactory(section="其他科室")
    first = tables.numbers(user, "direction")
    reject_another(user, guide)

    tables.refresh_every_scope()

    later = first["computed_at"] + timedelta(seconds=59)
    assert rejected_in_6(tables.numbers(user, "direction", now=later)) == 2
    scopes = ("all", f"section:{section}", "section:其他科室", "section:")
    assert [cache.get(f"statistics:v2:{scope}") is not None for scope in scopes] == [True, True, True, False]
