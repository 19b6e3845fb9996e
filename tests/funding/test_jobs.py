"""重新优化 as a background job: without a worker it runs in the request and the plan page
says what it did; a job for a plan its owner no longer manages fails with the reason."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from stplan.funding import services
from stplan.funding.jobs import OPTIMISE
from stplan.jobs import services as jobs
from stplan.jobs.models import Job, JobStatus
from tests.world import LeaderFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


def test_optimise_without_a_worker_runs_in_the_request_and_reports_on_the_plan_page(client):
    current, (first, _second), staff = scored_round(open_guide(), [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    client.force_login(staff)
    item = plan.items.get(application=first)
    client.post(
        reverse("funding:plan_item_change", args=[plan.pk, item.pk]), {"selected": "out"}, follow=True
    )

    response = client.post(reverse("funding:plan_optimise", args=[plan.pk]))

    assert response["Location"] == reverse("funding:plan", args=[plan.pk])
    job = Job.objects.get(kind=OPTIMISE)
    assert (job.status, job.owner, job.params) == (JobStatus.DONE, staff, {"plan": plan.pk})
    selected = plan.items.filter(selected=True).count()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"已按当前金额和指定重新优化，拟立项{selected}项。"
    ]
    assert job.result_url == reverse("funding:plan", args=[plan.pk])


def test_optimise_job_of_a_plan_its_owner_does_not_manage_fails_with_the_reason():
    current, _applications, staff = scored_round(open_guide(), [90])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)

    job = jobs.start(kind=OPTIMISE, owner=LeaderFactory(), params={"plan": plan.pk})

    assert (job.status, job.error) == (JobStatus.FAILED, "该立项方案不存在或不由您办理。")
    assert plan.events.filter(action="optimise").count() == 1
