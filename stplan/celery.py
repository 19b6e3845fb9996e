"""The Celery application: `celery -A stplan worker` (scripts/worker.sh) runs long jobs and
sends the mail (stplan.notifications)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

app = Celery("stplan", include=["stplan.notifications"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["stplan.jobs", "stplan.statistics"])
