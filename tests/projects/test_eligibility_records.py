"""What projects tell the 限项 and 失信 rules: projects led and not finished, and credit
records against the unit and the 负责人 once a project is terminated or fails 验收."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stplan.applications.selectors import latest_content, system_records
from stplan.eligibility.rules import Sanction
from stplan.funding import services as funding
from stplan.projects import selectors, services
from stplan.projects.selectors import projects_of_plan
from tests.world import open_guide, scored_round

pytestmark = pytest.mark.django_db


def _project():
    current, _applications, staff = scored_round(open_guide(), [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    return project, staff


def test_records_name_the_projects_a_leader_leads_then_the_credit_record():
    project, staff = _project()
    person = latest_content(project.application).leader.id_number

    records = selectors.eligibility_records()
    assert (records["leading"], records["overdue"], records["sanctions"]) == (
        {person: (project.number,)},
        {},
        (),
    )

    services.terminate(project=project, actor=staff, reason="负责人调离，单位申请终止")

    unit = project.application.lead_unit
    today = timezone.localdate()
    reason = f"{project.number}终止实施"
    assert system_records().sanctions == (
        Sanction(subject=unit.credit_code, name=unit.name, on=today, reason=reason),
        Sanction(subject=person, name=str(project.application.leader), on=today, reason=reason),
    )
    assert system_records().leading == {}
