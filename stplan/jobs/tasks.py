"""The Celery tasks: a job's attempt, the recovery sweep and the periodic reminders."""

from celery import shared_task
from celery.signals import worker_ready
from django.core.management import call_command

from stplan.jobs import services


@shared_task(name="stplan.jobs.run")
def run_job(job_id: int) -> None:
    services.run(job_id=job_id)


@shared_task(name="stplan.jobs.recover")
def recover_jobs() -> int:
    return len(services.recover())


@shared_task(name="stplan.reminders")
def send_reminders(command: str) -> None:
    if command in ("send_review_reminders", "send_project_reminders"):
        call_command(command)


@worker_ready.connect
def _recover_on_start(**kwargs) -> None:
    # A worker starting after a crash picks up what the crashed one left running.
    services.recover()
