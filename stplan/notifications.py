"""Email to the people a change concerns, sent once the change is committed.

The backend is Django's (console by default: STPLAN_EMAIL_BACKEND selects another), so a
rolled-back transaction never mails anyone. With a job queue configured the mail is handed
to a worker, which retries a failed delivery with growing pauses: publishing a review round
or an 验收 panel mails hundreds of people, and the request does not wait for an SMTP server
or lose the mails of a moment it is down. Without a queue (the embedded default) it is sent
in the request, once.
"""

import logging
from collections.abc import Iterable
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from kombu.exceptions import OperationalError

from stplan.celery import app

log = logging.getLogger("stplan.notifications")

SUBJECT_LENGTH = 200
# The n-th retry waits up to 30 s × 2ⁿ (random within that, so that a recovering server is
# not hit by every waiting mail at once), at most 30 min: 8 retries span about two hours.
# A retry waits in the worker as a Redis message not yet acknowledged, and Redis hands such a
# message to another worker after an hour, so no pause may come near that.
MAIL_RETRIES = 8
MAIL_RETRY_SECONDS = 30
MAIL_RETRY_MAX_SECONDS = 1800


def subject_line(subject: str) -> str:
    """The subject as one line of at most SUBJECT_LENGTH characters: any run of whitespace
    (a line break typed into a title among it) becomes one space. Django refuses a header
    with a line break in it, and with fail_silently the mail would simply not go."""
    line = " ".join(f"【科技计划项目管理系统】{subject}".split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1] + "…"


def site_link(path: str) -> str:
    """An absolute link for an e-mail: a path alone cannot be opened from a mail program."""
    return f"{settings.STPLAN_SITE_URL}{path}"


@app.task(
    name="stplan.mail",
    # An SMTP error, a refused or dropped connection, a timeout: all OSError. Only an address
    # the server refuses outright gets the same answer however often it is asked.
    autoretry_for=(OSError,),
    dont_autoretry_for=(SMTPRecipientsRefused,),
    max_retries=MAIL_RETRIES,
    retry_backoff=MAIL_RETRY_SECONDS,
    retry_backoff_max=MAIL_RETRY_MAX_SECONDS,
    retry_jitter=True,
)
def deliver(*, subject: str, body: str, recipients: list[str]) -> None:
    """One mail, sent by a worker: a failure raises, which is what makes it retry."""
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=False,
    )


def _send(*, subject: str, body: str, recipients: list[str]) -> None:
    if settings.CELERY_BROKER_URL:
        try:
            deliver.apply_async(kwargs={"subject": subject, "body": body, "recipients": recipients})
        except OperationalError:
            # The change is committed: its mail goes out now rather than not at all.
            log.exception("mail queue unreachable, sending in the request")
        else:
            return
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )


def notify(*, recipients: Iterable[str], subject: str, body: str, link: str = "") -> None:
    """`link`: the path of the page the mail is about, sent as an absolute link under the body."""
    addresses = sorted({a for a in recipients if a})
    if not addresses:
        return
    if link:
        body = f"{body.rstrip()}\n\n登录系统查看或办理：{site_link(link)}"
    line = subject_line(subject)
    transaction.on_commit(lambda: _send(subject=line, body=body, recipients=addresses))
