"""The production command, scripts/serve.sh, started as the README says: gunicorn with
WhiteNoise, Redis as cache and broker, then asked over HTTP."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS = "redis://127.0.0.1:6379/13"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("serve")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "STPLAN_SKIP_INSTALL": "1",
        "STPLAN_VENV": str(Path(sys.executable).parent.parent),
        "STPLAN_SECRET_KEY": secrets.token_urlsafe(50),
        "STPLAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": REDIS,
        "STPLAN_HTTPS": "0",
        "STPLAN_WEB_WORKERS": "2",
        "PORT": str(port),
    }
    process = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "serve.log", "w"),  # noqa: SIM115 - closed with the process
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text()[-3000:])
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("scripts/serve.sh did not answer /healthz within 180 s")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_serve_starts_gunicorn_ready_with_database_cache_and_queue(served):
    status, _headers, body = get(f"{served}/readyz")
    assert status == 200
    assert body == b'{"status": "ok", "database": "ok", "cache": "ok", "queue": "ok"}'


def test_serve_pages_pass_the_policy_and_static_files_are_hashed_and_compressed(served):
    status, headers, body = get(f"{served}/guides/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    script = re.search(rb'src="(/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js)"', body)
    assert script is not None
    status, headers, content = get(served + script.group(1).decode(), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert len(content) < 30_000  # htmx is about 50 kB before compression
