"""Real Celery workers on Redis against the test database: a worker killed with SIGKILL in
the middle of a job, and what the next worker does with it. PostgreSQL only: the worker is
another process and must see the test's committed rows."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from stplan.celery import app
from stplan.jobs import services
from stplan.jobs.models import Job, JobStatus
from tests.jobs.slow import SLOW, STEPS
from tests.world import OfficerFactory

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/11"
STALE_SECONDS = 2


@pytest.fixture
def broker(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL")
    redis = pytest.importorskip("redis")
    try:
        client = redis.Redis.from_url(BROKER)
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.flushdb()  # messages of an earlier, interrupted run
    settings.CELERY_BROKER_URL = BROKER
    # The Celery app reads Django's settings once, under whatever an earlier test in this
    # process had set, and keeps the connections it made then: point it at this broker.
    earlier = app.conf.broker_url
    connect_celery_to(BROKER)
    yield BROKER
    connect_celery_to(earlier)


def connect_celery_to(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    del app.amqp  # a cached property holding the producers of the earlier broker


def worker(tmp_path, name: str) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "REDIS_URL": BROKER,
        "STPLAN_JOB_STALE_SECONDS": str(STALE_SECONDS),
        "STPLAN_MEDIA_ROOT": str(tmp_path / "media"),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "stplan",
            "worker",
            "--pool",
            "solo",
            "-I",
            "tests.jobs.slow",
            "-n",
            f"{name}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / f"{name}.log", "w"),
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def killed_mid_way(tmp_path, **start) -> Job:
    first = worker(tmp_path, "first")
    try:
        job = services.start(kind=SLOW, owner=OfficerFactory(), params={}, **start)
        wait_for(lambda: Job.objects.get(pk=job.pk).done >= 5, 60, "the first worker to make progress")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert 5 <= job.done < STEPS
    assert not job.result
    # Long enough without progress for the next worker to know this one is dead.
    time.sleep(STALE_SECONDS + 0.5)
    return job


@pytest.mark.django_db(transaction=True)
def test_job_of_a_killed_worker_is_retried_by_the_next_worker_to_a_whole_result(broker, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = killed_mid_way(tmp_path)
    second = worker(tmp_path, "second")
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).finished, 90, "the second worker to finish the job")
    finally:
        second.terminate()
        second.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert job.result.read() == b"complete\n" * STEPS
    assert [e.action for e in job.events.order_by("pk")] == ["start", "retry", "start", "finish"]


@pytest.mark.django_db(transaction=True)
def test_job_of_a_killed_worker_is_marked_failed_with_the_reason_when_no_attempt_is_left(
    broker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = killed_mid_way(tmp_path, max_attempts=1)
    second = worker(tmp_path, "second")
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).finished, 90, "the second worker to give the job up")
    finally:
        second.terminate()
        second.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "执行中断（工作进程停止响应），已尝试1次，不再重试。请重新发起。"
    assert not job.result
    assert [e.action for e in job.events.order_by("pk")] == ["start", "fail"]
