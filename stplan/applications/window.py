"""The call window: until when an application may still be changed and submitted, by the
申报批次 that takes its 方向 (stplan.guides.calls)."""

from datetime import timedelta

from django.utils import timezone

from stplan.applications.models import Application, Status
from stplan.guides import calls
from stplan.guides.models import CallBatch


def application_batch(application: Application, now=None) -> CallBatch | None:
    """The batch open for the application's 方向 now; a returned application, when none is
    open, keeps the batch it was submitted in (the last to have closed)."""
    now = now or timezone.now()
    guide, number = application.guide, application.direction.number
    batch = calls.current_batch(guide, number, now)
    if batch is not None and calls.status_of(batch, now).is_open:
        return batch
    if application.status == Status.RETURNED:
        closed = [b for b in calls.batches_taking(guide, number) if b.closes_at and b.closes_at < now]
        if closed:
            return max(closed, key=lambda b: b.closes_at)
    return batch


def submission_deadline(application: Application, now=None):
    """The batch's deadline; a returned application keeps the revision days from its return
    when those end later. None while the batch has no deadline (not set, or 常年受理)."""
    batch = application_batch(application, now)
    if batch is None or batch.closes_at is None:
        return None
    guide = application.guide
    if application.status == Status.RETURNED and application.returned_at:
        return max(batch.closes_at, application.returned_at + timedelta(days=guide.revision_days))
    return batch.closes_at


def window_problem(application: Application, now=None) -> str | None:
    """Why the application can be neither changed nor submitted any more, or None."""
    now = now or timezone.now()
    deadline = submission_deadline(application, now)
    if deadline is None or now <= deadline:
        return None
    if application.status == Status.RETURNED and application.returned_at:
        return f"本批次申报已截止，退回修改的申报须在{timezone.localtime(deadline):%Y-%m-%d %H:%M}前重新提交，已超过期限。"
    return f"本批次申报已于{timezone.localtime(deadline):%Y-%m-%d %H:%M}截止，不能再提交。"


def submission_window_problem(application: Application, now) -> str | None:
    batch = application_batch(application, now)
    if (
        batch is None
        or (batch.opens_at is None and not batch.year_round)
        or (batch.opens_at and now < batch.opens_at)
    ):
        return "本批次申报尚未开始，暂不能提交。"
    return window_problem(application, now)
