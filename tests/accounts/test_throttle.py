"""Login throttling: normalised names, addresses, failures only, a delay not a lock, and
counts shared through Redis by every server process."""

import subprocess
import sys
import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse

from stplan.accounts import throttle
from tests.world import BureauAdminFactory, LeaderFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456"  # what the factories give every account


def _post(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_waits_after_five_failures_of_one_name_from_one_address(client):
    leader = LeaderFactory()
    for _ in range(5):
        assert _post(client, leader.username, "wrong").status_code == 200
    refused = _post(client, leader.username, PASSWORD)
    assert refused.status_code == 429
    assert "登录尝试过于频繁，请1分钟后再试。" in refused.content.decode()


def test_login_throttle_holds_for_spaced_and_full_width_forms_of_the_name(client):
    leader = LeaderFactory(username="jiaoyu-admin")
    for _ in range(5):
        _post(client, "jiaoyu-admin", "wrong")
    full_width = "ｊｉａｏｙｕ－ａｄｍｉｎ"
    assert throttle.normalised(full_width) == "jiaoyu-admin"
    for name in (" jiaoyu-admin", "jiaoyu-admin ", full_width):
        assert _post(client, name, PASSWORD).status_code == 429
    assert leader.username == "jiaoyu-admin"


def test_stranger_guessing_from_elsewhere_does_not_delay_the_real_user(client):
    leader = LeaderFactory()
    for _ in range(10):
        _post(client, leader.username, "wrong", address="203.0.113.9")
    assert _post(client, leader.username, PASSWORD, address="10.0.0.1").status_code == 302


def test_successful_logins_do_not_count(client):
    leader = LeaderFactory()
    for _ in range(8):
        assert _post(client, leader.username, PASSWORD).status_code == 302
        client.logout()
    for _ in range(4):
        _post(client, leader.username, "wrong")
    assert _post(client, leader.username, PASSWORD).status_code == 302


def test_spraying_many_names_from_one_address_is_throttled(client):
    people = [LeaderFactory() for _ in range(31)]
    let_through = 0
    for person in people:
        for _ in range(2):
            response = _post(client, person.username, "wrong", address="198.51.100.7")
            let_through += response.status_code == 200
    assert let_through == 30
    assert _post(client, people[0].username, PASSWORD, address="198.51.100.7").status_code == 429


def test_admin_login_is_throttled_too(client):
    """The admin's login page leads to the one login form, so the same limits hold there."""
    admin = BureauAdminFactory(is_staff=True, is_superuser=True)
    admin_login = client.get(reverse("admin:login"), follow=True)
    assert admin_login.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    codes = [_post(client, admin.username, "wrong", address="10.0.0.2").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 200, 429]
    assert _post(client, admin.username, PASSWORD, address="10.0.0.2").status_code == 429
    assert "_auth_user_id" not in client.session


def test_trusted_proxy_header_names_the_client(settings):
    settings.STPLAN_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9", REMOTE_ADDR="127.0.0.1")
    assert throttle.client_address(request) == "10.0.0.9"
    settings.STPLAN_TRUSTED_PROXY_HEADER = ""
    assert throttle.client_address(request) == "127.0.0.1"


def test_registration_is_throttled_per_address(client):
    url = reverse("accounts:register")
    codes = [client.post(url, {"unit-name": "x"}, REMOTE_ADDR="192.0.2.5").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 200, 429]
    assert (
        "注册申请过于频繁，请1小时后再试。" in client.post(url, {}, REMOTE_ADDR="192.0.2.5").content.decode()
    )


COUNT_IN_ANOTHER_PROCESS = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "stplan.settings"
import django
django.setup()
from django.test import RequestFactory
from stplan.accounts import throttle
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[3])
for _ in range(int(sys.argv[2])):
    throttle.failed(request, sys.argv[1])
print(throttle.wait_seconds(request, sys.argv[1]))
"""


def test_failures_counted_by_two_processes_share_redis():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    name = f"shared-{uuid.uuid4().hex[:8]}"
    # Redis keeps counts between runs: a fresh address each run keeps earlier runs' failures
    # from locking this one out by address.
    token = uuid.uuid4().bytes
    address = f"10.{token[0]}.{token[1]}.{token[2]}"
    env = {"STPLAN_REDIS_URL": url, "PATH": "/usr/bin:/bin"}
    waits = [
        subprocess.run(
            [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, name, "3", address],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        for _ in range(2)
    ]
    # Three failures each: the first process alone is under the limit of five, the second
    # process sees all six and makes the name wait.
    assert waits[0] == "0"
    assert 0 < int(waits[1]) <= throttle.FIRST_DELAY * 2
