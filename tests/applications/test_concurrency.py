"""Racing submissions for the places under 每个单位限报5项, on PostgreSQL where two
transactions really run at once (SQLite serialises writers, so the race cannot happen)."""

import threading

import pytest
from django.db import connection, connections

from stplan.applications import services
from stplan.applications.models import LimitSlot, Status
from tests.world import LeaderFactory, UnitFactory, draft_25, open_guide, submitted_25

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="并发竞争只在 PostgreSQL 上可测"),
]


def _race(applications):
    barrier = threading.Barrier(len(applications))
    outcomes = {}

    def submit(application):
        try:
            barrier.wait()
            services.transition(application=application, action="submit", actor=application.leader)
            outcomes[application.pk] = "won"
        except services.SubmissionRefused as refusal:
            outcomes[application.pk] = str(refusal.findings[0].message if refusal.findings else refusal)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_submissions_racing_for_the_fifth_place_one_wins():
    guide = open_guide()
    unit = UnitFactory()
    for _ in range(4):
        submitted_25(guide=guide, leader=LeaderFactory(unit=unit))
    racers = [draft_25(guide=guide, leader=LeaderFactory(unit=unit)) for _ in range(2)]
    outcomes = _race(racers)
    assert sorted(o == "won" for o in outcomes.values()) == [False, True]
    (loser,) = [message for message in outcomes.values() if message != "won"]
    assert loser.startswith("每个单位限报5项")
    assert LimitSlot.objects.filter(key=unit.credit_code).count() == 5
    statuses = sorted(a.status for a in type(racers[0]).objects.filter(pk__in=[r.pk for r in racers]))
    assert statuses == [Status.DRAFT, Status.SUBMITTED]


def test_eight_submissions_racing_for_five_places_exactly_five_win():
    guide = open_guide()
    unit = UnitFactory()
    racers = [draft_25(guide=guide, leader=LeaderFactory(unit=unit)) for _ in range(8)]
    outcomes = _race(racers)
    assert sum(o == "won" for o in outcomes.values()) == 5
    assert sorted(LimitSlot.objects.filter(key=unit.credit_code).values_list("slot", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
