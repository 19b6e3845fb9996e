"""Liveness and readiness for the process manager and the load balancer.

/healthz answers as long as the process serves requests at all; /readyz also reaches every
service a request may need (database, cache, job queue when one is configured) and answers
503 naming what failed, so a balancer sends no traffic to a process that would fail it.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("cache did not return what was stored")
    finally:
        cache.delete(key)


def _queue() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1)


@require_safe
@never_cache
def readyz(request):
    checks = {"database": _database, "cache": _cache}
    if settings.CELERY_BROKER_URL:
        checks["queue"] = _queue
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # any failure means not ready; its kind is the answer
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **results}, status=200 if ready else 503)
