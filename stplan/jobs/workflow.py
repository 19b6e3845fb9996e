"""后台任务: queued → running → done or failed; a running job whose worker died goes back
to the queue while attempts remain. Workers act for nobody: no permission is asked."""

from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.jobs.models import Job, JobEvent, JobStatus

JOB = workflow.register(
    workflow.Workflow(
        model=Job,
        event_model=JobEvent,
        subject="job",
        transitions={
            "start": workflow.transition(_("开始执行"), [JobStatus.QUEUED], JobStatus.RUNNING, None),
            "finish": workflow.transition(_("完成"), [JobStatus.RUNNING], JobStatus.DONE, None),
            "retry": workflow.transition(
                _("重新排队"), [JobStatus.RUNNING], JobStatus.QUEUED, None, reason_required=True
            ),
            "fail": workflow.transition(
                _("失败"), [JobStatus.QUEUED, JobStatus.RUNNING], JobStatus.FAILED, None, reason_required=True
            ),
        },
    )
)
