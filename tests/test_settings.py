"""Production settings: what `manage.py` does under STPLAN_DEBUG=0, in a fresh process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "STPLAN_DEBUG": "0",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    run = manage("check", "--deploy", "--fail-level", "WARNING", STPLAN_SECRET_KEY=secrets.token_urlsafe(50))
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues" in run.stdout


def test_production_refuses_to_start_without_a_secret_key():
    run = manage("check")
    assert run.returncode == 1
    assert "STPLAN_DEBUG=0 时必须设置 STPLAN_SECRET_KEY" in run.stderr


def test_production_refuses_a_short_secret_key():
    run = manage("check", STPLAN_SECRET_KEY="short-and-guessable")
    assert run.returncode == 1
    assert "至少 50 个字符" in run.stderr


def test_production_refuses_the_demo_secret_key():
    run = manage("check", STPLAN_SECRET_KEY="stplan-insecure-demo-key-set-STPLAN_SECRET_KEY-in-production")
    assert run.returncode == 1
    assert "STPLAN_SECRET_KEY" in run.stderr


PRINT_SETTINGS = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "stplan.settings"
django.setup()
from django.conf import settings
print(settings.CACHES["default"]["BACKEND"], settings.CACHES["default"].get("LOCATION", ""),
      settings.SESSION_ENGINE, settings.CELERY_BROKER_URL, sep="|")
"""


def settings_seen(**env: str) -> list[str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip().split("|")


def test_redis_url_makes_redis_the_cache_the_sessions_and_the_broker():
    assert settings_seen(REDIS_URL="redis://127.0.0.1:6379/3") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "django.contrib.sessions.backends.cache",
        "redis://127.0.0.1:6379/3",
    ]


def test_the_older_stplan_redis_url_is_still_accepted():
    assert settings_seen(STPLAN_REDIS_URL="redis://127.0.0.1:6379/4")[1] == "redis://127.0.0.1:6379/4"


def test_redis_url_wins_over_the_older_name():
    seen = settings_seen(REDIS_URL="redis://127.0.0.1:6379/5", STPLAN_REDIS_URL="redis://127.0.0.1:6379/6")
    assert seen[1] == "redis://127.0.0.1:6379/5"


def test_embedded_default_has_no_redis_and_no_broker():
    assert settings_seen() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "",
        "django.contrib.sessions.backends.db",
        "",
    ]


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit_compilation():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT compilation is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
