"""The Celery tasks as a worker has them: what the beat schedule names exists, and the
periodic reminders send their mail."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from stplan.accounts.models import User
from stplan.celery import app
from stplan.jobs.tasks import send_reminders
from tests.review.test_services import _published_task
from tests.world import BureauAdminFactory, open_guide


def test_every_periodic_task_and_the_mail_task_are_known_to_a_worker():
    # What a worker imports when it starts: the app's include list and autodiscovered tasks.
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "stplan.jobs.recover",
        "stplan.reminders",
        "stplan.statistics.refresh_every_scope",
    }
    assert scheduled | {"stplan.mail", "stplan.jobs.run"} <= set(app.tasks)


def test_reminders_are_scheduled_each_morning_in_shanghai_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    assert {name: entry["args"] for name, entry in schedule.items() if "args" in entry} == {
        "review-reminders": ("send_review_reminders",),
        "project-reminders": ("send_project_reminders",),
    }
    for name in ("review-reminders", "project-reminders"):
        assert schedule[name]["schedule"].hour == {8}


@pytest.mark.django_db
def test_periodic_review_reminder_mails_the_experts_whose_tasks_are_overdue(
    django_capture_on_commit_callbacks,
):
    task = _published_task(open_guide(), BureauAdminFactory(), due_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders("send_review_reminders")
    assert task.expert.user.email in [m.to[0] for m in mail.outbox]
    assert {m.subject for m in mail.outbox} == {"【科技计划项目管理系统】评审任务已逾期，请尽快完成"}


@pytest.mark.django_db
def test_reminder_task_runs_only_the_reminder_commands():
    # A message on the queue names a command; any other than the two reminders is ignored.
    staff = BureauAdminFactory()
    send_reminders("flush")
    assert User.objects.filter(pk=staff.pk).exists()
