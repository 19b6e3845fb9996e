from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from stplan.applications.jobs import DESK_EXPORT
from stplan.jobs import services
from stplan.jobs.models import Job, JobStatus
from stplan.workflow import perform
from tests.applications.test_desk import _recommended
from tests.jobs.slow import SLOW, STEPS
from tests.world import LeaderFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_job_runs_in_process_when_no_queue_is_configured():
    first, second = _recommended(), _recommended()
    job = services.start(kind=DESK_EXPORT, owner=OfficerFactory(), params={"sort": "number"})
    assert job.status == JobStatus.DONE
    assert (job.done, job.total, job.percent) == (2, 2, 100)
    assert job.summary == "共导出2项申报。"
    rows = list(load_workbook(BytesIO(job.result.read())).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == sorted([first.number, second.number])
    assert [e.action for e in job.events.order_by("pk")] == ["start", "finish"]


def test_job_fails_with_the_reason_when_its_owner_may_not_do_it():
    job = services.start(kind=DESK_EXPORT, owner=LeaderFactory(), params={})
    assert job.status == JobStatus.FAILED
    assert job.error == "您没有导出申报列表的权限。"
    assert not job.result


def _stopped_mid_way(**fields):
    """A job a worker took an hour ago and then died on: started through the kernel, with
    its last sign of life then."""
    job = Job.objects.create(kind=SLOW, owner=OfficerFactory(), params={}, **fields)

    def begin(locked):
        locked.attempts += 1
        locked.heartbeat_at = timezone.now() - timedelta(hours=1)

    return perform(job, "start", actor=None, apply=begin)


def test_recover_puts_a_job_whose_worker_died_back_in_the_queue_and_it_runs_again():
    job = _stopped_mid_way()
    (recovered,) = services.recover()
    recovered.refresh_from_db()
    assert recovered.pk == job.pk
    assert recovered.status == JobStatus.DONE
    assert recovered.attempts == 2
    assert recovered.result.read() == b"complete\n" * STEPS
    assert [e.action for e in recovered.events.order_by("pk")] == ["start", "retry", "start", "finish"]
    assert recovered.events.get(action="retry").reason == "第1次执行中断（工作进程停止响应），自动重试"


def test_recover_marks_the_job_failed_once_its_attempts_are_spent():
    job = _stopped_mid_way(max_attempts=1)
    services.recover()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "执行中断（工作进程停止响应），已尝试1次，不再重试。请重新发起。"
    assert not job.result


def test_recover_leaves_a_job_that_still_reports_progress():
    job = _stopped_mid_way()
    services.progress(job=job, done=3, total=STEPS)
    assert services.recover() == []
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 3)
