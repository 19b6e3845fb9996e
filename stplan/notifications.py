"""Email to the people a change concerns, sent once the change is committed.

The backend is Django's (console by default: STPLAN_EMAIL_BACKEND selects another), so a
rolled-back transaction never mails anyone.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify(*, recipients: Iterable[str], subject: str, body: str) -> None:
    addresses = sorted({a for a in recipients if a})
    if not addresses:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject=f"【科技计划项目管理系统】{subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=addresses,
            fail_silently=True,
        )
    )
