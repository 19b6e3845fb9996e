"""Two 查重 runs of one batch at once, on PostgreSQL where two transactions really run
together. The test holds the batch (the guide row) itself until both runs are waiting for it,
so they are sure to start together: each waits its turn, and the pair found is stored once,
with one 查重发现 in its history."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from stplan.guides.models import Guide
from stplan.integrity import services
from stplan.integrity.models import PairEvent, ScanRun, SimilarPair
from tests.integrity.test_services import CONTENT, SUMMARY
from tests.world import BureauAdminFactory, OfficerFactory, open_guide, submitted_25

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="并发竞争只在 PostgreSQL 上可测"),
]


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        # pg_locks is read live; pg_stat_activity would be a snapshot fixed for the transaction.
        cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def test_two_scans_of_one_batch_at_once_take_turns_and_store_the_pair_once():
    guide = open_guide()
    for title in ("罗汉果甜苷绿色提取关键技术研究", "罗汉果甜苷提取纯化技术集成与示范"):
        submitted_25(guide=guide, title=title, summary=SUMMARY, research_content=CONTENT)
    officers = [BureauAdminFactory(), OfficerFactory()]
    outcomes = []

    def run(officer):
        try:
            outcomes.append(services.scan(guide=guide, actor=officer).pairs)
        except Exception as error:  # the assertion below names whatever went wrong
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(officer,)) for officer in officers]
    with transaction.atomic():
        Guide.objects.select_for_update().get(pk=guide.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _waiting_for_a_lock() < len(threads) and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = _waiting_for_a_lock()
    for thread in threads:
        thread.join()

    assert waiting == 2
    assert outcomes == [1, 1]
    assert ScanRun.objects.count() == 2
    [pair] = SimilarPair.objects.all()
    assert list(PairEvent.objects.filter(pair=pair).values_list("action", flat=True)) == ["find"]
