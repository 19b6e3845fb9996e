"""The system's own 立项 records, as the repeat-funding rules are given them."""

from datetime import timedelta

import pytest

from stplan.applications.selectors import latest_content, system_records
from stplan.eligibility.rules import Funded
from stplan.funding import services as funding
from tests.world import open_guide, scored_round

pytestmark = pytest.mark.django_db


def test_system_records_list_what_a_final_plan_funded():
    guide = open_guide()
    current, (funded, _second), staff = scored_round(guide, [90, 80])
    assert system_records().funded == ()
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))

    [record] = system_records().funded

    unit = funded.lead_unit
    assert record == Funded(
        number=funded.number,
        year=2022,
        policy="青年创新人才科研专项",
        unit=unit.credit_code,
        county=f"{unit.province}/{unit.county}",
        leader=latest_content(funded).leader.id_number,
    )
    assert len(record.leader) == 18
