"""Registration answers the same on screen whoever is registered already; what only the
owner of the e-mail address may learn goes to that address."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stplan.accounts import services
from stplan.accounts.models import Unit, UnitEvent, User
from stplan.errors import ServiceError
from tests.factories import credit_code
from tests.world import BureauAdminFactory, UnitFactory, registration_link

PASSWORD = "Guilin-2022-pw"


def _form(code: str, **overrides) -> dict:
    data = {
        "unit-name": "桂林新注册科技有限公司",
        "unit-credit_code": code,
        "unit-kind": "enterprise",
        "unit-province": "广西壮族自治区",
        "unit-city": "桂林市",
        "unit-county": "七星区",
        "unit-address": "七星路1号",
        "unit-contact_name": "王",
        "unit-contact_phone": "0773-1",
        "unit-contact_email": "unit@new.test",
        "account-username": "new_admin",
        "account-full_name": "王管理",
        "account-email": "admin@new.test",
        "account-phone": "13800000000",
        "account-password": PASSWORD,
        "account-password2": PASSWORD,
    }
    data.update(overrides)
    return data


def _register(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:register"), data)


def _shown(response) -> str:
    """The page with the CSRF tokens taken out: two answers compare equal when only they differ."""
    return re.sub(
        r'(name="csrfmiddlewaretoken" value="|name="csrf-token" content=")[^"]+',
        "",
        response.content.decode(),
    )


def test_registration_answers_with_the_same_page_whether_or_not_the_credit_code_is_taken(
    client, db, django_capture_on_commit_callbacks
):
    taken = UnitFactory(name="桂林已注册公司")
    fresh = _register(client, _form(credit_code()), django_capture_on_commit_callbacks)
    repeated = _register(
        client, _form(taken.credit_code, **{"account-username": "other"}), django_capture_on_commit_callbacks
    )
    assert (fresh.status_code, repeated.status_code) == (200, 200)
    assert _shown(fresh) == _shown(repeated)
    assert "我们已向 admin@new.test 发送了一封邮件" in _shown(fresh)
    assert "已注册" not in _shown(repeated)
    assert [m.subject for m in mail.outbox] == [
        "【科技计划项目管理系统】请确认单位注册：桂林新注册科技有限公司",
        "【科技计划项目管理系统】单位注册未完成",
    ]
    assert f"统一社会信用代码为{taken.credit_code}的单位已在科技计划项目管理系统注册" in mail.outbox[1].body
    assert mail.outbox[1].to == ["admin@new.test"]
    assert Unit.objects.filter(credit_code=taken.credit_code).get().name == "桂林已注册公司"


def test_registration_answers_with_the_same_page_whether_or_not_the_user_name_is_taken(
    client, db, django_capture_on_commit_callbacks
):
    BureauAdminFactory(username="taken_name")
    fresh = _register(client, _form(credit_code()), django_capture_on_commit_callbacks)
    taken = _register(
        client, _form(credit_code(), **{"account-username": "taken_name"}), django_capture_on_commit_callbacks
    )
    assert _shown(fresh) == _shown(taken)
    assert "您选择的用户名“taken_name”已被使用，注册未完成。请重新注册，换一个用户名。" in mail.outbox[1].body
    assert Unit.objects.filter(name="桂林新注册科技有限公司").count() == 1
    assert User.objects.filter(username="taken_name").get().role == "bureau_admin"


def test_registration_waits_for_its_link_before_the_bureau_sees_it(
    client, db, django_capture_on_commit_callbacks
):
    BureauAdminFactory(email="chief@bureau.test")
    code = credit_code()
    _register(client, _form(code), django_capture_on_commit_callbacks)
    unit = Unit.objects.get(credit_code=code)
    assert (unit.status, unit.people.get().is_active) == ("pending", False)
    assert authenticate(username="new_admin", password=PASSWORD) is None
    assert UnitEvent.objects.filter(unit=unit).count() == 0
    assert [m.to for m in mail.outbox] == [["admin@new.test"]]
    bureau = BureauAdminFactory()
    client.force_login(bureau)
    assert unit.name not in client.get(reverse("accounts:registrations")).content.decode()


def test_registration_link_shows_a_button_and_opens_the_account_when_pressed(
    client, db, django_capture_on_commit_callbacks
):
    BureauAdminFactory(email="chief@bureau.test")
    code = credit_code()
    _register(client, _form(code), django_capture_on_commit_callbacks)
    link = registration_link(mail.outbox)
    shown = client.get(link)
    assert shown.status_code == 200
    assert "确认注册" in shown.content.decode()
    assert User.objects.get(username="new_admin").is_active is False
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)
    assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("accounts:unit"))
    unit = Unit.objects.get(credit_code=code)
    assert [e.action for e in unit.events.all()] == ["register"]
    assert authenticate(username="new_admin", password=PASSWORD).unit == unit
    assert mail.outbox[-1].to == ["chief@bureau.test"]
    assert f"{settings.STPLAN_SITE_URL}/accounts/registrations/{unit.pk}/" in mail.outbox[-1].body
    client.logout()
    again = client.post(link)
    assert again.status_code == 200
    assert "确认链接无效或已过期。如果注册已经确认，请直接登录；否则请重新注册。" in again.content.decode()


@pytest.mark.parametrize(
    ("uidb64", "token"), [("MQ", "wrong-token"), ("!!", "x"), ("ZmFrZQ", "abc-def"), ("OTk5OTk5", "1-2")]
)
def test_registration_link_that_is_wrong_is_refused_in_chinese(client, db, uidb64, token):
    response = client.post(reverse("accounts:confirm_registration", args=[uidb64, token]))
    assert response.status_code == 200
    assert "确认链接无效或已过期" in response.content.decode()


def test_unconfirmed_registration_past_the_link_validity_frees_its_credit_code_and_name(
    client, db, django_capture_on_commit_callbacks
):
    code = credit_code()
    _register(client, _form(code, **{"unit-name": "冒名单位"}), django_capture_on_commit_callbacks)
    User.objects.filter(username="new_admin").update(
        date_joined=timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    )
    _register(client, _form(code), django_capture_on_commit_callbacks)
    assert Unit.objects.get(credit_code=code).name == "桂林新注册科技有限公司"
    assert mail.outbox[-1].subject == "【科技计划项目管理系统】请确认单位注册：桂林新注册科技有限公司"


def test_unconfirmed_registration_within_the_link_validity_keeps_its_credit_code(
    client, db, django_capture_on_commit_callbacks
):
    code = credit_code()
    _register(client, _form(code, **{"unit-name": "先注册的单位"}), django_capture_on_commit_callbacks)
    _register(client, _form(code, **{"account-username": "second"}), django_capture_on_commit_callbacks)
    assert Unit.objects.get(credit_code=code).name == "先注册的单位"
    assert mail.outbox[-1].subject == "【科技计划项目管理系统】单位注册未完成"


def test_register_unit_service_refuses_a_taken_credit_code_outright(db):
    existing = UnitFactory()
    with pytest.raises(ServiceError) as refused:
        services.register_unit(
            unit_fields={"name": "x", "credit_code": existing.credit_code.lower(), "kind": "enterprise"},
            username="someone",
            password=PASSWORD,
            full_name="王",
            email="w@x.cn",
            phone="1",
        )
    assert str(refused.value) == "该统一社会信用代码已注册。如需使用该单位账号，请联系单位管理员邀请您。"
