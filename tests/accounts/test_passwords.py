import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from stplan.accounts import services
from stplan.accounts.models import Invitation, Unit, User
from stplan.errors import ServiceError
from tests.factories import credit_code
from tests.world import LeaderFactory, UnitAdminFactory, registration_link

pytestmark = pytest.mark.django_db

STRONG = "Lijiang-Bamboo-42"
USERNAME = "guilin-admin-2024"
TOO_SHORT = "密码长度太短。密码必须包含至少 10 个字符。"
NUMERIC = "密码只包含数字。"
COMMON = "这个密码太常见了。"
LIKE_USERNAME = "密码跟 用户名 太相似了。"
WEAK = [
    pytest.param("1", TOO_SHORT, id="one_character"),
    pytest.param("12345678901", NUMERIC, id="numeric"),
    pytest.param("password123", COMMON, id="common"),
    pytest.param(USERNAME, LIKE_USERNAME, id="the_username"),
]


def registration(password: str) -> dict:
    return {
        "unit-name": "桂林密码测试科技有限公司",
        "unit-credit_code": credit_code(),
        "unit-kind": "enterprise",
        "unit-province": "广西壮族自治区",
        "unit-city": "桂林市",
        "unit-county": "七星区",
        "unit-address": "桂林市七星区密码路1号",
        "unit-contact_name": "王联系",
        "unit-contact_phone": "0773-7654321",
        "unit-contact_email": "contact@password.test",
        "account-username": USERNAME,
        "account-full_name": "王管理",
        "account-email": "admin@password.test",
        "account-phone": "13800000000",
        "account-password": password,
        "account-password2": password,
    }


def _invitation() -> Invitation:
    admin = UnitAdminFactory()
    return services.invite_person(unit=admin.unit, invited_by=admin, full_name="张三", email="zhang@q.cn")


# --- registration ---------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_registration_with_a_weak_password_is_refused_with_the_chinese_reason(client, password, message):
    response = client.post(reverse("accounts:register"), registration(password))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not Unit.objects.filter(name="桂林密码测试科技有限公司").exists()
    assert not User.objects.filter(username=USERNAME).exists()
    # What was typed is kept, except the passwords.
    assert 'value="桂林密码测试科技有限公司"' in html
    assert f'value="{USERNAME}"' in html
    assert 'value="admin@password.test"' in html
    password_inputs = re.findall(r'<input type="password"[^>]*>', html)
    assert len(password_inputs) == 2
    assert [tag for tag in password_inputs if "value=" in tag] == []


def test_registration_with_a_strong_password_is_accepted(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration(STRONG))
    assert response.status_code == 200
    confirmed = client.post(registration_link(mail.outbox))
    assert confirmed["Location"] == reverse("accounts:unit")
    assert authenticate(username=USERNAME, password=STRONG).unit.name == "桂林密码测试科技有限公司"


def test_registration_service_refuses_a_password_like_the_email():
    with pytest.raises(ServiceError) as refused:
        services.register_unit(
            unit_fields={"name": "桂林某公司", "credit_code": credit_code(), "kind": "enterprise"},
            username="qiye-admin",
            password="wangzhuren@qiye.cn",
            full_name="王主任",
            email="wangzhuren@qiye.cn",
            phone="138",
        )
    assert str(refused.value) == "密码跟 电子邮件地址 太相似了。"
    assert not Unit.objects.filter(name="桂林某公司").exists()


# --- invitation -----------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_accepting_an_invitation_with_a_weak_password_is_refused_with_the_chinese_reason(
    client, password, message
):
    invitation = _invitation()
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    data = {"username": USERNAME, "phone": "13900000000", "password": password, "password2": password}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'value="{USERNAME}"' in html
    assert not User.objects.filter(username=USERNAME).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by is None


def test_accepting_an_invitation_with_a_password_like_the_invited_email_is_refused(client):
    invitation = _invitation()
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    data = {"username": "zhangsan", "phone": "1", "password": "zhang@q.cn", "password2": "zhang@q.cn"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "密码跟 电子邮件地址 太相似了。" in response.content.decode()


def test_accepting_an_invitation_with_a_strong_password_makes_the_leader(client):
    invitation = _invitation()
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    data = {"username": USERNAME, "phone": "13900000000", "password": STRONG, "password2": STRONG}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace")
    assert authenticate(username=USERNAME, password=STRONG).unit == invitation.unit


def test_invitation_service_refuses_a_weak_password():
    invitation = _invitation()
    with pytest.raises(ServiceError) as refused:
        services.accept_invitation(
            token=invitation.token, username="zhangsan", password="password123", phone="1"
        )
    assert str(refused.value) == COMMON
    assert not User.objects.filter(username="zhangsan").exists()


# --- change password ------------------------------------------------------------------------


def test_header_links_to_the_change_password_page_for_a_logged_in_user(client):
    client.force_login(LeaderFactory())
    html = client.get(reverse("workspace")).content.decode()
    assert f'<a href="{reverse("accounts:password_change")}">修改密码</a>' in html


def test_change_password_replaces_the_old_password(client):
    leader = LeaderFactory()
    client.force_login(leader)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    data = {"old_password": "pw-123456", "new_password1": STRONG, "new_password2": STRONG}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    done = client.get(response["Location"])
    assert "您的密码已修改，下次登录请使用新密码。" in done.content.decode()
    assert authenticate(username=leader.username, password="pw-123456") is None
    assert authenticate(username=leader.username, password=STRONG) == leader


def test_change_password_to_a_weak_one_is_refused(client):
    leader = LeaderFactory()
    client.force_login(leader)
    data = {"old_password": "pw-123456", "new_password1": "12345678901", "new_password2": "12345678901"}
    response = client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    assert NUMERIC in response.content.decode()
    assert authenticate(username=leader.username, password="pw-123456") == leader


def test_change_password_with_a_wrong_old_password_is_refused(client):
    leader = LeaderFactory()
    client.force_login(leader)
    data = {"old_password": "wrong", "new_password1": STRONG, "new_password2": STRONG}
    response = client.post(reverse("accounts:password_change"), data)
    assert response.status_code == 200
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()
    assert authenticate(username=leader.username, password="pw-123456") == leader


def test_change_password_sends_anonymous_visitors_to_login(client):
    url = reverse("accounts:password_change")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# --- reset password -------------------------------------------------------------------------

LINK = re.compile(r"http://testserver/accounts/password/reset/[^/\s]+/[^/\s]+/")


def test_login_page_links_to_password_reset(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'<a href="{reverse("accounts:password_reset")}">忘记密码？</a>' in html


def test_password_reset_mails_an_absolute_link_that_sets_a_new_password(client):
    leader = LeaderFactory(email="reset-me@test.local")
    response = client.post(reverse("accounts:password_reset"), {"email": "reset-me@test.local"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["reset-me@test.local"], "科技计划项目管理系统：重设密码")
    assert f"您的用户名：{leader.username}" in message.body
    links = LINK.findall(message.body)
    assert len(links) == 1

    opened = client.get(links[0])
    assert opened.status_code == 302
    form_url = opened["Location"]
    assert "设置新密码" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "新密码已设置，请使用新密码登录。" in client.get(response["Location"]).content.decode()
    assert authenticate(username=leader.username, password="pw-123456") is None
    assert authenticate(username=leader.username, password=STRONG) == leader
    # The link works once.
    used = client.get(links[0], follow=True)
    assert "重设密码的链接无效，可能已经使用过或已过期。请重新申请。" in used.content.decode()


def test_password_reset_of_an_unknown_address_answers_the_same_and_sends_nothing(client):
    LeaderFactory(email="known@test.local")
    known = client.post(reverse("accounts:password_reset"), {"email": "known@test.local"})
    mail.outbox.clear()
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@test.local"}, follow=True)
    assert unknown.redirect_chain == [(known["Location"], 302)]
    assert "如果该邮箱对应系统中的账号，重设密码的链接已发送到该邮箱，请查收。" in unknown.content.decode()
    assert mail.outbox == []


def test_password_reset_page_refuses_a_weak_new_password(client):
    leader = LeaderFactory(email="weak@test.local")
    client.post(reverse("accounts:password_reset"), {"email": "weak@test.local"})
    form_url = client.get(LINK.search(mail.outbox[0].body).group())["Location"]
    response = client.post(form_url, {"new_password1": "password123", "new_password2": "password123"})
    assert response.status_code == 200
    assert COMMON in response.content.decode()
    assert authenticate(username=leader.username, password="pw-123456") == leader


# --- sessions -------------------------------------------------------------------------------


def test_session_cookie_age_is_the_idle_time_and_renewed_on_every_request(client):
    assert settings.SESSION_COOKIE_AGE == settings.STPLAN_SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    leader = LeaderFactory()
    login = client.post(reverse("accounts:login"), {"username": leader.username, "password": "pw-123456"})
    assert login.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800
    later = client.get(reverse("workspace"))
    assert later.status_code == 200
    assert later.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800


def test_session_idle_minutes_come_from_the_environment():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "STPLAN_SESSION_IDLE_MINUTES": "45", "PYTHONPATH": str(root)}
    shown = subprocess.run(
        [sys.executable, "-c", "import stplan.settings as s; print(s.SESSION_COOKIE_AGE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == "2700\n"
