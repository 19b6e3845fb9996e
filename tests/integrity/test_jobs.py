"""查重 as a background job: run in-process without a worker, its outcome a summary with a
link to the report, a batch that no longer exists a failure with a Chinese reason."""

import pytest

from stplan.integrity.jobs import SCAN
from stplan.jobs import services as jobs
from stplan.jobs.models import JobStatus
from tests.integrity.test_services import CONTENT, SUMMARY
from tests.world import BureauAdminFactory, open_guide, submitted_25

pytestmark = pytest.mark.django_db


def test_scan_job_finishes_with_the_run_summary_and_the_report_link():
    guide = open_guide()
    for title in ("罗汉果甜苷绿色提取关键技术研究", "罗汉果甜苷提取纯化技术集成与示范"):
        submitted_25(guide=guide, title=title, summary=SUMMARY, research_content=CONTENT)

    job = jobs.start(kind=SCAN, owner=BureauAdminFactory(), params={"guide": guide.pk})

    assert (job.status, job.result_url) == (JobStatus.DONE, f"/integrity/?guide={guide.pk}")
    assert job.summary.startswith("查重完成：比对2份文本，发现1对疑似重复，用时")


def test_scan_job_of_a_missing_batch_fails_with_the_reason():
    job = jobs.start(kind=SCAN, owner=BureauAdminFactory(), params={"guide": 999_999})

    assert (job.status, job.error) == (JobStatus.FAILED, "该申报批次不存在。")
