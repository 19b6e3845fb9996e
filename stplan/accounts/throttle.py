"""Login throttling that holds across names, addresses and server processes.

Failed attempts only are counted, in Django's cache (Redis when `STPLAN_REDIS_URL` is set, so
every worker sees the same counts), under the user name as Django's login form normalises it
(NFKC, surrounding spaces removed) and under the client's address. Past a threshold each
counter makes the next attempt wait, doubling with every further failure up to 15 minutes:
an exponential delay rather than a hard lock or a CAPTCHA, because a lock lets anyone shut the
real user out for as long as they keep trying, and a CAPTCHA needs an outside service or
images this offline system does not have. The tightest counter is the name *from one
address*, so a stranger guessing elsewhere does not delay the real user; the name from
anywhere (distributed guessing) and the address across names (spraying) have higher limits.
"""

import hashlib
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    failures: int  # tolerated before the delay starts
    window: int  # seconds a count is kept after its first failure


PAIR = Limit("pair", 5, 15 * 60)
NAME = Limit("name", 50, 60 * 60)
ADDRESS = Limit("address", 30, 15 * 60)
FIRST_DELAY = 30
MAX_DELAY = 15 * 60


def normalised(username: str | None) -> str:
    return unicodedata.normalize("NFKC", username or "").strip()


def client_address(request) -> str:
    """REMOTE_ADDR, or the last address in the trusted proxy's header when one is named
    (`STPLAN_TRUSTED_PROXY_HEADER`, e.g. HTTP_X_FORWARDED_FOR): the one the proxy saw."""
    header = getattr(settings, "STPLAN_TRUSTED_PROXY_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    if forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _keys(request, username: str) -> list[tuple[Limit, str]]:
    name = hashlib.sha256(normalised(username).encode()).hexdigest()[:32]
    address = client_address(request)
    return [
        (PAIR, f"login:pair:{name}:{address}"),
        (NAME, f"login:name:{name}"),
        (ADDRESS, f"login:address:{address}"),
    ]


def wait_seconds(request, username: str | None) -> int:
    """How long until another attempt for this name from this address is heard; 0: now."""
    now = time.time()
    waits = [0.0]
    for limit, key in _keys(request, username or ""):
        failures = cache.get(key, 0)
        if failures >= limit.failures:
            delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - limit.failures))
            waits.append(cache.get(f"{key}:last", now) + delay - now)
    return max(0, math.ceil(max(waits)))


def failed(request, username: str | None) -> None:
    now = time.time()
    for limit, key in _keys(request, username or ""):
        cache.add(key, 0, timeout=limit.window)
        cache.incr(key)
        cache.set(f"{key}:last", now, timeout=limit.window)


def succeeded(request, username: str | None) -> None:
    """The real user got in: their own address starts afresh for their name."""
    pair_key = _keys(request, username or "")[0][1]
    cache.delete_many([pair_key, f"{pair_key}:last"])
