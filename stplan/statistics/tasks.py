"""The statistics' Celery task: the figures of a scope computed anew by a worker."""

from celery import shared_task

from stplan.accounts.models import User
from stplan.statistics import selectors, tables


@shared_task(name="stplan.statistics.refresh")
def refresh(user_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is not None and selectors.may_see_statistics(user):
        tables.store(user)
