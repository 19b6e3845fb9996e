"""The details of signing up: the county is a choice from the guide, a refused form keeps what
was typed, the bureau sees the claimed 资质 with their proof and units of the same name."""

import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stplan.accounts import services
from stplan.accounts.forms import UnitForm
from stplan.accounts.models import Unit, UnitChange
from stplan.demo.builders import MINIMAL_PDF
from tests.accounts.test_registration import PASSWORD, _form, _register, _shown
from tests.factories import credit_code
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    UnitAdminFactory,
    UnitFactory,
    registration_link,
)

pytestmark = pytest.mark.django_db

COUNTIES = [
    "秀峰区", "叠彩区", "象山区", "七星区", "雁山区", "临桂区", "阳朔县", "灵川县", "全州县",
    "兴安县", "永福县", "灌阳县", "龙胜各族自治县", "资源县", "平乐县", "荔浦市", "恭城瑶族自治县",
]  # fmt: skip


def _password_values(html: str) -> list[str]:
    return [
        re.search(r'value="([^"]*)"', tag)[1] if "value=" in tag else ""
        for tag in re.findall(r'<input type="password"[^>]*>', html)
    ]


def test_county_is_a_choice_of_the_guide_counties_and_outside_the_city():
    choices = UnitForm().fields["county"].choices
    assert choices == [("", "请选择"), *((c, c) for c in COUNTIES), ("outside", "桂林市外的单位")]


def test_registration_with_a_typed_county_is_refused_keeping_both_passwords(client):
    response = client.post(reverse("accounts:register"), _form(credit_code(), **{"unit-county": "七星"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "“七星”不是名单中的县（市、区），请从名单中选择" in html
    assert not Unit.objects.exists()
    assert _password_values(html) == [PASSWORD, PASSWORD]
    assert 'value="桂林新注册科技有限公司"' in html
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_registration_with_mismatched_passwords_empties_them(client):
    response = client.post(
        reverse("accounts:register"), _form(credit_code(), **{"account-password2": "Other-2022-pw"})
    )
    assert _password_values(response.content.decode()) == ["", ""]


def test_registration_in_a_listed_county_is_in_the_city(client, django_capture_on_commit_callbacks):
    code = credit_code()
    _register(
        client,
        _form(code, **{"unit-city": "桂林", "unit-county": "雁山区"}),
        django_capture_on_commit_callbacks,
    )
    assert Unit.objects.values_list("city", "county").get(credit_code=code) == ("桂林市", "雁山区")


def test_registration_outside_the_city_has_no_county(client, django_capture_on_commit_callbacks):
    code = credit_code()
    data = _form(code, **{"unit-province": "广东省", "unit-city": "深圳市", "unit-county": "outside"})
    _register(client, data, django_capture_on_commit_callbacks)
    assert Unit.objects.values_list("city", "county").get(credit_code=code) == ("深圳市", "")


def test_registration_outside_the_city_may_not_name_the_city(client):
    response = client.post(reverse("accounts:register"), _form(credit_code(), **{"unit-county": "outside"}))
    assert "选择“桂林市外的单位”时，市不能填桂林市" in response.content.decode()
    assert not Unit.objects.exists()


def test_same_name_registration_answers_alike_and_is_flagged_to_the_bureau(
    client, django_capture_on_commit_callbacks
):
    existing = UnitFactory(name="桂林ＡＢ科技有限公司")
    fresh = _register(client, _form(credit_code()), django_capture_on_commit_callbacks)
    code = credit_code()
    same = _register(
        client,
        _form(code, **{"unit-name": "桂林 AB科技有限公司", "account-username": "second"}),
        django_capture_on_commit_callbacks,
    )
    assert _shown(same) == _shown(fresh)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(registration_link(mail.outbox))
    duplicate = Unit.objects.get(credit_code=code)
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("accounts:registration_detail", args=[duplicate.pk])).content.decode()
    assert "注意：已有同名单位" in page
    assert (
        f'<a href="/accounts/registrations/{existing.pk}/">桂林ＡＢ科技有限公司</a>（{existing.credit_code}，已通过）'
        in page
    )
    other = client.get(reverse("accounts:registration_detail", args=[existing.pk])).content.decode()
    assert "桂林 AB科技有限公司" in other
    alone = UnitFactory(name="桂林独一科技有限公司", approved=False)
    assert (
        "已有同名单位"
        not in client.get(reverse("accounts:registration_detail", args=[alone.pk])).content.decode()
    )


def test_bureau_sees_the_claimed_qualifications_and_their_proof(client, django_capture_on_commit_callbacks):
    code = credit_code()
    data = _form(code, **{"unit-qualifications": ["high_tech_enterprise"]})
    data["unit-proofs"] = [
        SimpleUploadedFile("高新证书.pdf", MINIMAL_PDF, content_type="application/pdf"),
        SimpleUploadedFile("认定文件.pdf", MINIMAL_PDF, content_type="application/pdf"),
    ]
    _register(client, data, django_capture_on_commit_callbacks)
    unit = Unit.objects.get(credit_code=code)
    proofs = list(unit.proofs.values_list("original_name", flat=True))
    assert proofs == ["高新证书.pdf", "认定文件.pdf"]
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("accounts:registration_detail", args=[unit.pk])).content.decode()
    assert '<td id="qualifications">高新技术企业</td>' in page
    first = unit.proofs.first()
    assert f'<a href="/accounts/registrations/{unit.pk}/proofs/{first.pk}/">高新证书.pdf</a>' in page
    download = client.get(reverse("accounts:qualification_proof", args=[unit.pk, first.pk]))
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_qualification_without_proof_is_pointed_out_to_the_bureau(client):
    unit = UnitFactory(approved=False, qualifications=["high_tech_enterprise"])
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("accounts:registration_detail", args=[unit.pk])).content.decode()
    assert '<span class="pill warn">未上传证明</span>' in page


def test_proof_that_is_not_a_pdf_or_image_is_refused_keeping_what_was_typed(client):
    data = _form(credit_code(), **{"unit-qualifications": ["high_tech_enterprise"]})
    data["unit-proofs"] = [
        SimpleUploadedFile("证书.pdf", b"not a pdf at all", content_type="application/pdf")
    ]
    response = client.post(reverse("accounts:register"), data)
    html = response.content.decode()
    assert "文件“证书.pdf”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。" in html
    assert not Unit.objects.exists()
    assert _password_values(html) == [PASSWORD, PASSWORD]


def test_proof_of_another_unit_is_not_served_under_this_one(client):
    from tests.world import qualification_proof

    theirs = qualification_proof(UnitFactory(approved=False))
    mine = UnitFactory(approved=False)
    client.force_login(BureauAdminFactory())
    assert client.get(reverse("accounts:qualification_proof", args=[mine.pk, theirs.pk])).status_code == 404


def test_refused_invitation_acceptance_keeps_both_passwords(client):
    admin = UnitAdminFactory()
    invitation = services.invite_person(
        unit=admin.unit, invited_by=admin, full_name="李四", email="li@unit.test"
    )
    UnitAdminFactory(username="taken")
    response = client.post(
        reverse("accounts:accept_invitation", args=[invitation.token]),
        {"username": "taken", "phone": "13800000000", "password": PASSWORD, "password2": PASSWORD},
    )
    html = response.content.decode()
    assert "该用户名已被使用，请换一个。" in html
    assert _password_values(html) == [PASSWORD, PASSWORD]


def test_unit_with_a_typed_county_is_asked_to_choose_and_the_change_goes_to_the_bureau(client):
    unit = UnitFactory(county="七星")
    admin = UnitAdminFactory(unit=unit)
    client.force_login(admin)
    page = client.get(reverse("accounts:unit")).content.decode()
    assert "原填写为“七星”，不在桂林市县（市、区）名单中，请重新选择" in page
    data = {f"unit-{n}": getattr(unit, n) for n in ("name", "kind", "province", "city", "address")}
    data |= {f"unit-{n}": getattr(unit, n) for n in ("contact_name", "contact_phone", "contact_email")}
    client.post(reverse("accounts:unit"), {**data, "unit-county": "七星区"})
    change = UnitChange.objects.get(unit=unit)
    assert change.changes == {"county": {"before": "七星", "after": "七星区"}}


def test_unit_outside_the_city_edits_without_a_county_change(client):
    unit = UnitFactory(province="广东省", city="深圳市", county="南山区")
    client.force_login(UnitAdminFactory(unit=unit))
    data = {f"unit-{n}": getattr(unit, n) for n in ("name", "kind", "province", "city", "address")}
    data |= {f"unit-{n}": getattr(unit, n) for n in ("contact_name", "contact_phone", "contact_email")}
    data |= {"unit-county": "outside", "unit-contact_phone": "0755-1"}
    client.post(reverse("accounts:unit"), data)
    unit.refresh_from_db()
    assert (unit.county, unit.contact_phone, UnitChange.objects.count()) == ("南山区", "0755-1", 0)


def test_bureau_sees_a_county_not_in_the_list(client):
    unit = UnitFactory(county="火星区", approved=False)
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("accounts:registration_detail", args=[unit.pk])).content.decode()
    assert "“火星区”不在县（市、区）名单中，请核对" in page


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("七星", "七星区"),
        ("桂林市 七星区", "七星区"),
        ("七星区　", "七星区"),
        ("荔浦县", "荔浦市"),
        ("龙胜", "龙胜各族自治县"),
        ("恭城县", "恭城瑶族自治县"),
        ("火星区", "火星区"),
        ("区", "区"),
    ],
)
def test_data_migration_maps_typed_counties_to_the_list_and_keeps_the_rest(typed, kept):
    migration = importlib.import_module("stplan.accounts.migrations.0006_county_from_list")
    unit = UnitFactory(county=typed)
    outside = UnitFactory(city="深圳市", county="南山")
    migration.forwards(apps, None)
    unit.refresh_from_db()
    outside.refresh_from_db()
    assert (unit.county, outside.county) == (kept, "南山")


def test_header_shows_a_name_equal_to_the_role_once(client):
    client.force_login(BureauAdminFactory(full_name="局管理员"))
    page = client.get(reverse("accounts:registrations")).content.decode()
    assert "<span>局管理员</span>" in page
    assert "局管理员（局管理员）" not in page
    client.force_login(LeaderFactory(full_name="张三"))
    assert "<span>张三（项目负责人）</span>" in client.get(reverse("workspace")).content.decode()
