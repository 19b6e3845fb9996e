"""Two officers taking the plan's last place at once, on PostgreSQL where they really race."""

import threading

import pytest
from django.db import connection, connections

from stplan.errors import ServiceError
from stplan.funding import services
from tests.world import OfficerFactory, open_guide, scored_round

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="并发竞争只在 PostgreSQL 上可测"),
]


def test_two_officers_taking_the_last_place_at_once_one_wins():
    current, (_a, b, c), staff = scored_round(open_guide(), [90, 80, 70])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    services.change_item(plan=plan, actor=staff, application=b, selected=False)
    officers = [OfficerFactory(), OfficerFactory()]
    barrier = threading.Barrier(2)
    outcomes = {}

    def take(officer, application):
        try:
            barrier.wait()
            services.change_item(plan=plan, actor=officer, application=application, selected=True)
            outcomes[application.pk] = "won"
        except ServiceError as refusal:
            outcomes[application.pk] = str(refusal)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=args) for args in zip(officers, (b, c), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "won" for o in outcomes.values()) == [False, True]
    (refusal,) = [o for o in outcomes.values() if o != "won"]
    assert refusal == "修改后超出限额：资助总额150,000元超出总预算100,000元"
    assert plan.items.filter(selected=True).count() == 2
