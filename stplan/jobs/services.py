import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.jobs.kinds import KINDS, Outcome, label_of
from stplan.jobs.models import Job, JobStatus
from stplan.notifications import notify
from stplan.workflow import perform

log = logging.getLogger("stplan.jobs")


def start(*, kind: str, owner, params: dict, max_attempts: int = 2) -> Job:
    """Record the job and have it run: by a worker when a queue is configured (once this
    transaction has committed, so the worker finds the row), otherwise here and now, in
    this process (the embedded default); the job is returned as it then stands."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, owner=owner, params=params, max_attempts=max_attempts)
    _dispatch(job.pk)
    job.refresh_from_db()
    return job


def _dispatch(job_id: int) -> None:
    if settings.CELERY_BROKER_URL:
        from stplan.celery import app

        transaction.on_commit(lambda: app.send_task("stplan.jobs.run", args=[job_id]))
    else:
        run(job_id=job_id)


def run(*, job_id: int) -> None:
    """One attempt at the job; a job that is not waiting (finished, or taken by another
    worker) is left alone."""
    job = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).first()
    if job is None:
        return

    def begin(locked: Job) -> dict:
        now = timezone.now()
        locked.attempts += 1
        locked.started_at = locked.heartbeat_at = now
        locked.done = 0
        return {"attempt": locked.attempts}

    try:
        job = perform(job, "start", actor=None, apply=begin)
    except ServiceError:
        return  # another worker started it first
    try:
        outcome = KINDS[job.kind].run(job, lambda done, total: progress(job=job, done=done, total=total))
    except ServiceError as error:
        _fail(job, str(error))
    except Exception:
        log.exception("job %s failed", job.pk)
        _fail(job, "执行时发生内部错误，已记录；请稍后重试或联系管理员。")
    else:
        _finish(job, outcome)


def progress(*, job: Job, done: int, total: int) -> None:
    # No status moves: how far the job got and that its worker is alive.
    Job.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=timezone.now())


def _finish(job: Job, outcome: Outcome) -> None:
    def complete(locked: Job) -> dict:
        if outcome.file is not None:
            name, content = outcome.file
            # The whole file is stored before the job says it is done: a download never
            # finds half of one.
            locked.result.save(name, ContentFile(content), save=False)
            locked.result_name = name
        locked.result_url = outcome.url
        locked.summary = outcome.summary
        locked.finished_at = timezone.now()
        locked.done = locked.total
        return {"summary": outcome.summary} if outcome.summary else {}

    job = perform(job, "finish", actor=None, apply=complete)
    notify(
        recipients=[job.owner.email],
        subject=f"后台任务已完成：{label_of(job.kind)}",
        body=f"{label_of(job.kind)}已完成。{job.summary}\n请登录系统，在“后台任务”中查看结果。",
    )


def _fail(job: Job, reason: str) -> None:
    def stop(locked: Job) -> dict:
        locked.error = reason
        locked.finished_at = timezone.now()
        return {}

    perform(job, "fail", actor=None, reason=reason, apply=stop)


def recover(*, now=None, stale_after: timedelta | None = None) -> list[Job]:
    """Jobs whose worker stopped reporting (killed, out of memory, machine restarted): back
    in the queue while attempts remain, failed with the reason after that."""
    now = now or timezone.now()
    stale_after = stale_after or timedelta(seconds=settings.STPLAN_JOB_STALE_SECONDS)
    recovered = []
    for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - stale_after):
        try:
            if job.attempts < job.max_attempts:
                job = perform(
                    job,
                    "retry",
                    actor=None,
                    reason=f"第{job.attempts}次执行中断（工作进程停止响应），自动重试",
                )
                _dispatch(job.pk)
            else:
                _fail(job, f"执行中断（工作进程停止响应），已尝试{job.attempts}次，不再重试。请重新发起。")
        except ServiceError:
            continue  # it moved meanwhile
        recovered.append(job)
    return recovered
