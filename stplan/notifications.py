"""Email to the people a change concerns, sent once the change is committed.

The backend is Django's (console by default: STPLAN_EMAIL_BACKEND selects another), so a
rolled-back transaction never mails anyone.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

SUBJECT_LENGTH = 200


def subject_line(subject: str) -> str:
    """The subject as one line of at most SUBJECT_LENGTH characters: any run of whitespace
    (a line break typed into a title among it) becomes one space. Django refuses a header
    with a line break in it, and with fail_silently the mail would simply not go."""
    line = " ".join(f"【科技计划项目管理系统】{subject}".split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1] + "…"


def site_link(path: str) -> str:
    """An absolute link for an e-mail: a path alone cannot be opened from a mail program."""
    return f"{settings.STPLAN_SITE_URL}{path}"


def notify(*, recipients: Iterable[str], subject: str, body: str, link: str = "") -> None:
    """`link`: the path of the page the mail is about, sent as an absolute link under the body."""
    addresses = sorted({a for a in recipients if a})
    if not addresses:
        return
    if link:
        body = f"{body.rstrip()}\n\n登录系统查看或办理：{site_link(link)}"
    transaction.on_commit(
        lambda: send_mail(
            subject=subject_line(subject),
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
            fail_silently=True,
        )
    )
