"""The call window: until when an application may still be changed and submitted."""

from datetime import timedelta

from django.utils import timezone

from stplan.applications.models import Application, Status


def submission_deadline(application: Application):
    """The call's deadline; a returned application keeps the revision days from its return
    when those end later. None while the bureau has set no deadline."""
    guide = application.guide
    if guide.closes_at is None:
        return None
    if application.status == Status.RETURNED and application.returned_at:
        return max(guide.closes_at, application.returned_at + timedelta(days=guide.revision_days))
    return guide.closes_at


def window_problem(application: Application, now=None) -> str | None:
    """Why the application can be neither changed nor submitted any more, or None."""
    now = now or timezone.now()
    deadline = submission_deadline(application)
    if deadline is None or now <= deadline:
        return None
    if application.status == Status.RETURNED and application.returned_at:
        return f"本批次申报已截止，退回修改的申报须在{timezone.localtime(deadline):%Y-%m-%d %H:%M}前重新提交，已超过期限。"
    return f"本批次申报已于{timezone.localtime(deadline):%Y-%m-%d %H:%M}截止，不能再提交。"


def submission_window_problem(application: Application, now) -> str | None:
    guide = application.guide
    if guide.opens_at is None or now < guide.opens_at:
        return "本批次申报尚未开始，暂不能提交。"
    return window_problem(application, now)
