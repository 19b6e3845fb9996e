"""Racing submissions: for the places under 每个单位限报5项, on PostgreSQL where two
transactions really run at once; and six presses of 提交 on one 申报书, on PostgreSQL and on a
file SQLite database, where writers queue for SQLite's lock."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from stplan.applications import services
from stplan.applications.models import LimitSlot, Status
from tests.applications.parallel_submits import PRESSES, race_submits
from tests.world import LeaderFactory, UnitFactory, draft_25, open_guide, submitted_25

pytestmark = pytest.mark.django_db(transaction=True)
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="并发竞争只在 PostgreSQL 上可测")


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


@postgresql
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


@postgresql
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


def _assert_one_success_and_polite_refusals(outcomes):
    assert sorted(status for status, _ in outcomes) == [200] * PRESSES
    successes = [shown for _, shown in outcomes if len(shown) == 1 and shown[0].startswith("已提交（第1版）")]
    # Refused by the save before it (the other press had submitted) or by the submit itself.
    polite = (["该申报书当前不可修改。"], ["项目申报当前状态为“已提交，待单位审核”，不能提交。"])
    refusals = [shown for _, shown in outcomes if shown in polite]
    assert (len(successes), len(refusals)) == (1, PRESSES - 1), outcomes


@postgresql
def test_six_presses_of_submit_on_one_application_give_one_version_and_polite_refusals():
    draft = draft_25(guide=open_guide())
    _assert_one_success_and_polite_refusals(race_submits(draft, draft.leader))
    draft.refresh_from_db()
    assert (draft.status, draft.versions.count()) == (Status.SUBMITTED, 1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite 自身的写锁只需在 SQLite 测试轮中验证一次")
def test_six_presses_of_submit_on_a_file_sqlite_wait_for_the_lock(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stplan.sqlite3'}",
        "STPLAN_MEDIA_ROOT": str(tmp_path / "media"),
        "STPLAN_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "stplan.settings",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.applications.parallel_submits"],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(run.stdout.splitlines()[-1])
    _assert_one_success_and_polite_refusals([(status, shown) for status, shown in result["outcomes"]])
    assert (result["status"], result["versions"]) == (Status.SUBMITTED, 1)
