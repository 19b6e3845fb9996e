"""两步验证 (TOTP, django-otp): optional for bureau staff, required for the admin site."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.projects.test_bad_input import shown_messages
from tests.world import (
    BureauAdminFactory,
    ExpertUserFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    authenticator_code,
    pass_two_step,
)

PASSWORD = "pw-123456"


def _code(user, steps_later: int = 0) -> str:
    return f"{authenticator_code(user, steps_later=steps_later):06d}"


def _wrong(user) -> str:
    return f"{(authenticator_code(user) + 1) % 1_000_000:06d}"


@pytest.fixture
def officer(db):
    return OfficerFactory(password=PASSWORD)


def test_two_step_page_shows_a_qr_code_and_key_of_an_unconfirmed_device(client, officer):
    client.force_login(officer)
    page = client.get(reverse("accounts:two_step")).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    assert "启用两步验证" in page


def test_two_step_is_enabled_by_a_matching_code_and_refused_with_a_wrong_one(client, officer):
    client.force_login(officer)
    client.get(reverse("accounts:two_step"))
    wrong = client.post(reverse("accounts:two_step"), {"code": _wrong(officer)}, follow=True)
    assert ("error", "验证码不正确或已过期，请输入身份验证器当前显示的6位数字。") in shown_messages(wrong)
    assert TOTPDevice.objects.get(user=officer).confirmed is False
    right = client.post(reverse("accounts:two_step"), {"code": _code(officer)}, follow=True)
    assert (
        "success",
        "两步验证已启用：以后登录时，输入密码后还需输入身份验证器显示的验证码。",
    ) in shown_messages(right)
    assert TOTPDevice.objects.get(user=officer).confirmed is True


def test_login_with_two_step_leads_every_page_to_the_code_form_until_it_is_given(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    pass_two_step(client, officer)
    client.logout()
    login = client.post(
        reverse("accounts:login"),
        {"username": officer.username, "password": PASSWORD, "next": "/applications/desk/"},
    )
    assert login["Location"] == "/applications/desk/"
    desk = client.get("/applications/desk/")
    assert desk.status_code == 302
    assert desk["Location"] == "/accounts/login/verify/?next=%2Fapplications%2Fdesk%2F"
    refused = client.post("/accounts/login/verify/?next=/applications/desk/", {"code": _wrong(officer)})
    assert ("error", "验证码不正确或已过期，请输入身份验证器当前显示的6位数字。") in shown_messages(refused)
    assert client.get("/applications/desk/").status_code == 302
    passed = client.post(
        "/accounts/login/verify/", {"code": _code(officer, steps_later=1), "next": "/applications/desk/"}
    )
    assert passed["Location"] == "/applications/desk/"
    assert client.get("/applications/desk/").status_code == 200


def test_a_code_once_used_is_not_accepted_again(client, officer):
    pass_two_step(client, officer)
    used = _code(officer)
    client.logout()
    client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})
    again = client.post("/accounts/login/verify/", {"code": used})
    assert again.status_code == 200
    assert client.get("/applications/desk/").status_code == 302


def test_repeated_wrong_codes_make_the_next_try_wait(client, officer):
    pass_two_step(client, officer)
    client.logout()
    client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})
    for _ in range(3):
        client.post("/accounts/login/verify/", {"code": _wrong(officer)})
    throttled = client.post("/accounts/login/verify/", {"code": _code(officer, steps_later=1)})
    assert ("error", "验证码错误次数过多，请稍后再试。") in shown_messages(throttled)
    assert client.get("/applications/desk/").status_code == 302


def test_next_after_the_code_stays_on_this_site(client, officer):
    pass_two_step(client, officer)
    client.logout()
    client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD})
    passed = client.post(
        "/accounts/login/verify/", {"code": _code(officer, steps_later=1), "next": "https://evil.example/"}
    )
    assert passed["Location"] == reverse("workspace")


def test_two_step_is_turned_off_only_with_a_current_code(client, officer):
    pass_two_step(client, officer)
    refused = client.post(reverse("accounts:two_step_remove"), {"code": _wrong(officer)}, follow=True)
    assert ("error", "验证码不正确或已过期，请输入身份验证器当前显示的6位数字。") in shown_messages(refused)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1


def test_two_step_is_not_offered_to_applicants(client, db):
    client.force_login(LeaderFactory())
    assert client.get(reverse("accounts:two_step")).status_code == 403


def test_admin_site_sends_staff_without_two_step_to_turn_it_on(client, db):
    chief = BureauAdminFactory(is_staff=True, is_superuser=True)
    client.force_login(chief)
    first = client.get(reverse("admin:index"), follow=True)
    assert first.redirect_chain[-1][0] == "/accounts/two-step/?next=%2Fadmin%2F"
    assert ("info", "后台管理要求两步验证：请先启用两步验证。") in shown_messages(first)
    client.post(reverse("accounts:two_step"), {"code": _code(chief), "next": "/admin/"})
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_site_asks_the_code_of_staff_who_signed_in_with_the_password_only(client, db):
    chief = BureauAdminFactory(is_staff=True, is_superuser=True, password=PASSWORD)
    client.force_login(chief)
    pass_two_step(client, chief)
    client.logout()
    client.post(
        reverse("accounts:login"), {"username": chief.username, "password": PASSWORD, "next": "/admin/"}
    )
    page = client.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/login/verify/?next=%2Fadmin%2F"


def test_admin_login_page_sends_everyone_to_the_one_login_page_without_checking_a_password(client, db):
    chief = BureauAdminFactory(is_staff=True, is_superuser=True, password=PASSWORD)
    response = client.post(
        f"{reverse('admin:login')}?next=/admin/accounts/unit/",
        {"username": chief.username, "password": PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=%2Fadmin%2Faccounts%2Funit%2F",
    )
    assert "_auth_user_id" not in client.session


ROLE_FACTORIES = {
    "leader": LeaderFactory,
    "unit_admin": UnitAdminFactory,
    "recommender": RecommenderFactory,
    "expert": ExpertUserFactory,
    "officer": OfficerFactory,
    "bureau_admin": BureauAdminFactory,
}


@pytest.mark.parametrize("role", ["anonymous", *ROLE_FACTORIES])
@pytest.mark.parametrize("view", ["accounts:two_step", "accounts:two_step_remove"])
def test_two_step_pages_by_role(client, db, role, view):
    if role != "anonymous":
        client.force_login(ROLE_FACTORIES[role]())
    response = client.get(reverse(view)) if view == "accounts:two_step" else client.post(reverse(view))
    if role == "anonymous":
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))
    elif role in ("officer", "bureau_admin"):
        assert response.status_code == (200 if view == "accounts:two_step" else 302)
    else:
        assert response.status_code == 403
    assert TOTPDevice.objects.filter(confirmed=True).count() == 0
