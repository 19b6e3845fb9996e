import pytest
from django.urls import reverse

from tests.world import LeaderFactory

pytestmark = pytest.mark.django_db


def test_login_is_refused_after_ten_attempts_for_one_user_name(client):
    leader = LeaderFactory()
    url = reverse("accounts:login")
    for _ in range(10):
        assert client.post(url, {"username": leader.username, "password": "wrong"}).status_code == 200
    refused = client.post(url, {"username": leader.username, "password": "pw-123456"})
    assert refused.status_code == 429
    assert "登录尝试过于频繁，请5分钟后再试。" in refused.content.decode()
    other = LeaderFactory()
    assert client.post(url, {"username": other.username, "password": "pw-123456"}).status_code == 302
