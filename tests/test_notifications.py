import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from celery.signals import task_retry
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem

from stplan.applications import services
from stplan.celery import app
from stplan.notifications import MAIL_RETRIES, MAIL_RETRY_SECONDS, deliver, notify, subject_line
from tests.world import draft_25, open_guide


def test_notify_puts_the_page_as_an_absolute_link_under_the_body(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=["a@b.cn"], subject="标题", body="正文\n", link="/workspace/")
    assert mail.outbox[0].body == f"正文\n\n登录系统查看或办理：{settings.STPLAN_SITE_URL}/workspace/"
    assert mail.outbox[0].subject == subject_line("标题")


def test_submission_mail_links_to_the_application(db, django_capture_on_commit_callbacks):
    draft = draft_25(guide=open_guide())
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application=draft, action="submit", actor=draft.leader)
    (sent,) = mail.outbox
    assert sent.body.endswith(f"登录系统查看或办理：{settings.STPLAN_SITE_URL}/applications/{draft.pk}/")


class FlakySMTP(locmem.EmailBackend):
    """An SMTP server that drops the connection the first `failures` times it is asked;
    like Django's SMTP backend, a failure raises unless the caller said fail_silently."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            if self.fail_silently:
                return 0
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingSMTP(locmem.EmailBackend):
    """An SMTP server that refuses every recipient (550: no such mailbox)."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise smtplib.SMTPRecipientsRefused({"nobody@b.cn": (550, b"5.1.1 User unknown")})


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.FlakySMTP"
    FlakySMTP.attempts = 0
    return FlakySMTP


@pytest.fixture
def queued(settings):
    """A configured queue whose tasks run here and now, retries included (Celery's eager mode
    ignores the pauses between them)."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/11"
    # Set on the Celery app itself: once its configuration has been read (by any earlier test),
    # it no longer looks at Django's settings.
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _mail(**fields):
    return {"subject": "主题", "body": "正文", "recipients": ["a@b.cn"], **fields}


def test_notify_hands_the_mail_to_the_queue_which_retries_until_the_server_takes_it(
    db, flaky, queued, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=["a@b.cn", "c@d.cn"], subject="标题", body="正文")
    assert flaky.attempts == 3
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to) == (subject_line("标题"), "正文", ["a@b.cn", "c@d.cn"])


def test_notify_without_a_queue_sends_in_the_request_once(
    db, flaky, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""
    flaky.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=["a@b.cn"], subject="标题", body="正文")
    # The embedded default: the request's mail is tried once and a failure does not stop it.
    assert flaky.attempts == 1
    assert mail.outbox == []


def test_mail_task_retries_with_growing_pauses(flaky):
    flaky.failures = 3
    pauses = []

    def retried(request, reason, einfo, **kwargs):
        # reason: the Retry, with the failure it answers and the pause before the next try.
        pauses.append((type(reason.exc).__name__, reason.when))

    task_retry.connect(retried, sender=deliver, weak=False)
    try:
        result = deliver.apply(kwargs=_mail())
    finally:
        task_retry.disconnect(retried, sender=deliver)
    assert result.successful()
    assert [name for name, _ in pauses] == ["SMTPServerDisconnected"] * 3
    # Full jitter: the n-th pause is anywhere up to 30 s × 2ⁿ.
    assert all(0 <= when <= MAIL_RETRY_SECONDS * 2**n for n, (_, when) in enumerate(pauses))
    assert len(mail.outbox) == 1


def test_mail_task_gives_up_after_its_retries(flaky):
    flaky.failures = 100
    result = deliver.apply(kwargs=_mail())
    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert flaky.attempts == MAIL_RETRIES + 1
    assert mail.outbox == []


def test_mail_task_does_not_retry_an_address_the_server_refuses(settings):
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingSMTP"
    RefusingSMTP.attempts = 0
    result = deliver.apply(kwargs=_mail(recipients=["nobody@b.cn"]))
    assert result.failed()
    assert RefusingSMTP.attempts == 1


FALLBACK = """
import django
django.setup()
from django.core import mail
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
from stplan.notifications import notify
notify(recipients=["a@b.cn"], subject="标题", body="正文")
print(settings.CELERY_BROKER_URL, [m.to for m in mail.outbox])
"""


def test_notify_sends_in_the_request_when_the_queue_cannot_be_reached(tmp_path):
    # Its own process: the queue's connection pool, once made, stays with the process.
    root = Path(__file__).resolve().parents[1]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": "stplan.settings",
        "STPLAN_DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
    }
    done = subprocess.run(
        [sys.executable, "-c", FALLBACK], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "redis://127.0.0.1:1/0 [['a@b.cn']]"
    assert "mail queue unreachable, sending in the request" in done.stderr
