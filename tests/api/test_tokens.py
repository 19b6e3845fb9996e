import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stplan.api.models import ApiToken
from stplan.api.selectors import digest_of
from stplan.api.services import revoke_token
from stplan.errors import ServiceError
from tests.api.builders import bearer, token_for
from tests.world import LeaderFactory, UnitAdminFactory

pytestmark = pytest.mark.django_db


def test_token_page_shows_the_token_once_and_stores_only_its_digest():
    leader = LeaderFactory()
    client = Client()
    client.force_login(leader)

    created = client.post("/api/tokens/", {"name": "科研管理系统", "scopes": ["read", "write"], "days": "90"})

    plaintext = re.search(r'<code id="new-token">(stp_[\w-]+)</code>', created.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.digest == digest_of(plaintext)
    assert plaintext not in str(ApiToken.objects.values().get())
    assert token.scopes == ["read", "write"]
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 90
    assert plaintext not in client.get("/api/tokens/").content.decode()
    assert client.get("/api/v1/applications", **bearer(plaintext)).status_code == 200


def test_token_page_refuses_a_token_without_scopes():
    client = Client()
    client.force_login(LeaderFactory())

    response = client.post("/api/tokens/", {"name": "x", "days": "90"})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoked_token_is_refused():
    leader = LeaderFactory()
    plaintext = token_for(leader)
    client = Client()
    client.force_login(leader)

    client.post(f"/api/tokens/{ApiToken.objects.get().pk}/revoke/")

    response = Client().get("/api/v1/applications", **bearer(plaintext))
    assert response.status_code == 401
    assert response.json()["message"] == "未登录，或接口令牌无效、已过期、已吊销。"


def test_nobody_revokes_another_persons_token():
    leader = LeaderFactory()
    token_for(leader)
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(UnitAdminFactory(unit=leader.unit))

    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    with pytest.raises(ServiceError, match="只能吊销自己的令牌。"):
        revoke_token(token=token, actor=UnitAdminFactory())
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_token_is_refused():
    plaintext = token_for(LeaderFactory())
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert Client().get("/api/v1/applications", **bearer(plaintext)).status_code == 401


def test_token_of_a_deactivated_account_is_refused():
    leader = LeaderFactory()
    plaintext = token_for(leader)
    leader.is_active = False
    leader.save()

    assert Client().get("/api/v1/applications", **bearer(plaintext)).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "url", "status"),
    [
        (["write"], "get", "/api/v1/applications", 403),
        (["read"], "post", "/api/v1/applications", 403),
        (["read", "write"], "post", "/api/v1/applications/1/submit", 403),
        (["submit"], "post", "/api/v1/applications/1/submit", 404),
    ],
)
def test_token_acts_only_within_its_scopes(scopes, method, url, status):
    plaintext = token_for(LeaderFactory(), scopes=scopes)

    client = Client()
    if method == "get":
        response = client.get(url, **bearer(plaintext))
    else:
        response = client.post(url, "{}", content_type="application/json", **bearer(plaintext))

    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "scope_missing"


def test_session_writes_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(LeaderFactory())

    assert client.get("/api/v1/applications").status_code == 200
    response = client.post("/api/v1/applications", "{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "浏览器会话的写操作须带 CSRF 令牌（X-CSRFToken 请求头）。"


def test_calls_are_throttled_per_token(settings):
    settings.STPLAN_API_RATE = "3/min"
    first, second = token_for(LeaderFactory()), token_for(LeaderFactory())
    client = Client()

    answers = [client.get("/api/v1/applications", **bearer(first)).status_code for _ in range(4)]
    other = client.get("/api/v1/applications", **bearer(second))

    assert answers == [200, 200, 200, 429]
    assert other.status_code == 200
