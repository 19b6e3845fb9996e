"""Bad input from people and browsers: refused uploads say why in Chinese, malformed posts
never end in a server error and never lose what was typed, and a form posted after the
session expired comes back after logging in."""

import hashlib
import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from stplan.accounts.models import Unit, User
from stplan.applications import services
from stplan.applications.forms import MAX_ROWS
from stplan.applications.models import Application, ApplicationEvent, Attachment
from stplan.applications.views import PENDING_FORM
from stplan.demo.builders import MINIMAL_PDF
from tests.factories import credit_code
from tests.world import (
    BureauAdminFactory,
    OfficerFactory,
    RecommenderFactory,
    RecommenderUnitFactory,
    UnitAdminFactory,
    UnitFactory,
    draft_25,
    open_guide,
    submitted_25,
)

pytestmark = pytest.mark.django_db

MISSING = 999_999_999


@pytest.fixture
def client():
    # A server error is an answer to check here (status 500), not an exception in the test.
    return Client(raise_request_exception=False)


@pytest.fixture
def guide():
    return open_guide()


@pytest.fixture
def draft(guide):
    return draft_25(guide=guide)


@pytest.fixture
def leader_client(client, draft):
    client.force_login(draft.leader)
    return client


def shown_messages(response) -> list[tuple[str, str]]:
    """The messages as the page renders them: (level, text)."""
    page = response.content.decode()
    block = re.search(r'<ul class="messages" role="status">(.*?)</ul>', page, re.S)
    if block is None:
        return []
    return [
        (level, html.unescape(text))
        for level, text in re.findall(r'<li class="([^"]*)">(.*?)</li>', block[1])
    ]


def live_attachments(application):
    return list(Attachment.objects.filter(application=application, removed_at=None).order_by("pk"))


# --------------------------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def upload(client, application, name, content, code="id_card"):
    return client.post(
        reverse("applications:upload_attachment", args=[application.pk]),
        {"code": code, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "说明.txt",
            "这是一段说明文字，不是PDF。".encode(),
            "文件“说明.txt”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。",
            id="plain_text",
        ),
        pytest.param(
            "身份证.pdf",
            "纯文本，扩展名却是pdf".encode(),
            "文件“身份证.pdf”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。",
            id="plain_text_named_pdf",
        ),
        pytest.param(
            "学位证书.pdf",
            WINDOWS_EXE,
            "文件“学位证书.pdf”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。",
            id="windows_executable_named_pdf",
        ),
        pytest.param(
            "照片.pdf",
            PNG,
            "文件“照片.pdf”的扩展名与内容不符（内容是 PNG），请核对后重新上传。",
            id="png_named_pdf",
        ),
        pytest.param(
            "证明.png",
            MINIMAL_PDF,
            "文件“证明.png”的扩展名与内容不符（内容是 PDF），请核对后重新上传。",
            id="pdf_named_png",
        ),
        pytest.param("空白.pdf", b"", "文件“空白.pdf”是空文件。", id="empty_file"),
    ],
)
def test_upload_is_refused_with_a_chinese_message(leader_client, draft, name, content, message):
    before = live_attachments(draft)
    response = upload(leader_client, draft, name, content)
    assert response.status_code == 200
    assert response.redirect_chain == [
        (reverse("applications:edit", args=[draft.pk]) + "#section-attachments", 302)
    ]
    assert shown_messages(response) == [("error", message)]
    assert live_attachments(draft) == before
    assert Attachment.objects.filter(application=draft).count() == len(before)


def _pdf_of_size(size: int) -> bytes:
    padding = size - len(MINIMAL_PDF) - 2
    return MINIMAL_PDF + b"%" + b"0" * padding + b"\n"


def test_upload_over_the_size_limit_is_refused_naming_the_limit(leader_client, draft, settings):
    settings.STPLAN_MAX_ATTACHMENT_BYTES = 1024 * 1024
    content = _pdf_of_size(1024 * 1024 + 1)
    assert len(content) == 1024 * 1024 + 1
    before = live_attachments(draft)
    response = upload(leader_client, draft, "大文件.pdf", content)
    assert shown_messages(response) == [("error", "文件“大文件.pdf”超过大小限制（1MB）。")]
    assert live_attachments(draft) == before


def test_upload_of_exactly_the_size_limit_is_accepted(leader_client, draft, settings):
    settings.STPLAN_MAX_ATTACHMENT_BYTES = 1024 * 1024
    content = _pdf_of_size(1024 * 1024)
    response = upload(leader_client, draft, "刚好.pdf", content)
    assert shown_messages(response) == [("success", "附件“刚好.pdf”已上传。")]
    assert live_attachments(draft)[-1].size == 1024 * 1024


def test_good_pdf_is_stored_under_its_sha256(leader_client, draft):
    content = MINIMAL_PDF + "%本单位配套经费承诺书\n".encode()
    digest = hashlib.sha256(content).hexdigest()
    before = live_attachments(draft)

    response = upload(leader_client, draft, "配套经费承诺书.pdf", content, code="matching_commitment")

    assert shown_messages(response) == [("success", "附件“配套经费承诺书.pdf”已上传。")]
    after = live_attachments(draft)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    stored = after[-1]
    assert (stored.code, stored.original_name, stored.content_type, stored.size, stored.sha256) == (
        "matching_commitment",
        "配套经费承诺书.pdf",
        "application/pdf",
        len(content),
        digest,
    )
    assert stored.uploaded_by == draft.leader
    assert stored.file.name.endswith(f"/{digest}.pdf")
    with stored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest
    download = leader_client.get(reverse("applications:attachment", args=[draft.pk, stored.pk]))
    assert b"".join(download.streaming_content) == content


def test_jpeg_named_jpeg_is_accepted_as_an_image(leader_client, draft):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    response = upload(leader_client, draft, "到桂证明.jpeg", jpeg, code="guilin_arrival_proof")
    assert shown_messages(response) == [("success", "附件“到桂证明.jpeg”已上传。")]
    stored = live_attachments(draft)[-1]
    assert (stored.content_type, stored.sha256) == ("image/jpeg", hashlib.sha256(jpeg).hexdigest())
    assert stored.file.name.endswith(".jpg")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"code": "virus"}, id="unknown_code"),
        pytest.param({}, id="no_code"),
        pytest.param({"code": "id_card", "no_file": "1"}, id="no_file"),
    ],
)
def test_upload_without_a_valid_kind_or_file_asks_for_them(leader_client, draft, data):
    data = dict(data)
    if "no_file" not in data:
        data["file"] = SimpleUploadedFile("身份证.pdf", MINIMAL_PDF)
    before = live_attachments(draft)
    response = leader_client.post(
        reverse("applications:upload_attachment", args=[draft.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert shown_messages(response) == [("error", "请选择附件类型和要上传的文件。")]
    assert live_attachments(draft) == before


# --------------------------------------------------------------------------------------------
# Malformed 申报书 posts
# --------------------------------------------------------------------------------------------

TEN_KB = "测" * 10_000


def _management_keys(form):
    return [
        k for k in form if k.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS"))
    ]


def _without_management_forms(form, _world):
    return {k: v for k, v in form.items() if k not in _management_keys(form)}


def _total_forms(value):
    def mutate(form, _world):
        return {**form, **{k: [value] for k in form if k.endswith("-TOTAL_FORMS")}}

    return mutate


def _set(**values):
    def mutate(form, world):
        return {**form, **{k.replace("__", "-"): [v(world) if callable(v) else v] for k, v in values.items()}}

    return mutate


def _unknown_keys(form, _world):
    return {
        **form,
        "evil": ["1"],
        "basic-is_admin": ["true"],
        "partners-7-credit_code": ["91450300000000000X"],
        "status": ["passed"],
        "leader": ["1"],
    }


def _repeated_values(form, _world):
    return {**form, "basic-title": ["第一个名称", "第二个名称"], "sources-city": ["50000", "9999999"]}


MALFORMED = {
    "no_management_forms": _without_management_forms,
    "total_forms_abc": _total_forms("abc"),
    "total_forms_99999": _total_forms("99999"),
    "total_forms_negative": _total_forms("-3"),
    "money_not_a_number": _set(sources__city="五万元", lead__matching="1,000", budget__0__equipment="12.5"),
    "money_negative": _set(sources__city="-50000", sources__self_raised="-1"),
    "money_huge": _set(sources__city="9" * 40, sources__self_raised="1e9999"),
    "date_impossible": _set(
        basic__start_date="2022-13-45", basic__end_date="2022-02-30", leader__birth_date="昨天"
    ),
    "date_extreme": _set(
        basic__start_date="0001-01-01",
        basic__end_date="9999-12-31",
        leader__arrived_in_guilin_on="9999-12-31",
    ),
    "ten_kb_strings": _set(
        basic__title=TEN_KB,
        basic__summary=TEN_KB,
        basic__keywords=TEN_KB,
        content__research_content=TEN_KB,
        leader__id_number=TEN_KB,
        team__0__name=TEN_KB,
    ),
    "unknown_keys": _unknown_keys,
    "repeated_values": _repeated_values,
    "unknown_choices": _set(basic__track="no-such-track", leader__degree="wizard", team__0__title="king"),
    "recommender_is_not_a_recommender": _set(basic__recommender=lambda world: str(world["ordinary_unit"].pk)),
    "recommender_does_not_exist": _set(basic__recommender=str(MISSING)),
    "recommender_not_a_number": _set(basic__recommender="推荐单位"),
    "partner_not_registered": _set(
        partners__TOTAL_FORMS="1", partners__0__credit_code="91450300MA5L0B1XY0", partners__0__matching="1"
    ),
    "indicator_not_a_number": _set(indicators__new_technology_or_funding="一项"),
}


@pytest.fixture
def bad_input_world(draft):
    return {"ordinary_unit": UnitFactory(), "draft": draft}


def _typed(application) -> dict[str, list[str]]:
    return {k: list(v) for k, v in Application.objects.get(pk=application.pk).form.items()}


def _posted(form: dict[str, list[str]], **extra) -> dict[str, list[str]]:
    return {**form, **{k: [v] for k, v in extra.items()}}


# Rendering the edit page with 1050 rows per list takes tens of seconds: see
# test_a_huge_row_count_does_not_render_a_row_for_each_claimed_one.
RENDERED_CASES = [case for case in MALFORMED if case != "total_forms_99999"]


@pytest.mark.parametrize("case", RENDERED_CASES)
def test_malformed_edit_post_keeps_everything_typed(leader_client, bad_input_world, case):
    draft = bad_input_world["draft"]
    typed = MALFORMED[case](_typed(draft), bad_input_world)
    url = reverse("applications:edit", args=[draft.pk])

    response = leader_client.post(url, _posted(typed, action="save"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert ("success", "草稿已保存。") in shown_messages(response)
    assert _typed(draft) == typed
    application = Application.objects.get(pk=draft.pk)
    assert (application.status, application.version) == ("draft", 0)
    # And it reopens: the edit page binds the same garbage again without failing.
    assert leader_client.get(url).status_code == 200


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_autosave_keeps_everything_typed(leader_client, bad_input_world, case):
    draft = bad_input_world["draft"]
    typed = MALFORMED[case](_typed(draft), bad_input_world)

    response = leader_client.post(
        reverse("applications:autosave", args=[draft.pk]), typed, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "已自动保存" in response.content.decode()
    assert _typed(draft) == typed


@pytest.mark.parametrize(
    "case", ["no_management_forms", "total_forms_abc", "money_not_a_number", "date_extreme"]
)
def test_submitting_a_malformed_form_is_refused_and_keeps_it(leader_client, bad_input_world, case):
    draft = bad_input_world["draft"]
    typed = MALFORMED[case](_typed(draft), bad_input_world)

    response = leader_client.post(
        reverse("applications:submit", args=[draft.pk]), _posted(typed, action="submit"), follow=True
    )

    assert response.status_code == 200
    assert "未能提交" in response.content.decode()
    assert _typed(draft) == typed
    assert Application.objects.get(pk=draft.pk).status == "draft"
    assert not ApplicationEvent.objects.filter(application=draft).exists()


@pytest.mark.parametrize("prefix", ["partners", "team", "subprojects", "budget"])
@pytest.mark.parametrize("total", ["abc", "", "-1", "51"])
def test_add_row_with_a_malformed_row_count_keeps_everything_typed(leader_client, draft, prefix, total):
    typed = {**_typed(draft), f"{prefix}-TOTAL_FORMS": [total]}
    url = reverse("applications:edit", args=[draft.pk])

    response = leader_client.post(url, _posted(typed, add_row=prefix))

    assert response.status_code < 500
    stored = _typed(draft)
    assert {k: v for k, v in stored.items() if k != f"{prefix}-TOTAL_FORMS"} == {
        k: v for k, v in typed.items() if k != f"{prefix}-TOTAL_FORMS"
    }
    assert leader_client.get(url).status_code == 200


def test_a_huge_row_count_does_not_render_a_row_for_each_claimed_one(leader_client, draft):
    """A tampered TOTAL_FORMS is kept as typed, but the page must not build more rows than a
    list may have (MAX_ROWS): with 99999 in every list the edit page rendered 1,050 rows per
    list, 5 MB of HTML taking about 20 s, on every visit to that draft."""
    typed = {**_typed(draft), "team-TOTAL_FORMS": ["60"]}
    response = leader_client.post(reverse("applications:autosave", args=[draft.pk]), typed)
    assert response.status_code == 200
    assert _typed(draft) == typed

    page = leader_client.get(reverse("applications:edit", args=[draft.pk])).content.decode()

    rows = set(re.findall(r'name="team-(\d+)-name"', page))
    assert len(rows) <= MAX_ROWS


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param(lambda: UnitFactory(), id="ordinary_unit"),
        pytest.param(lambda: RecommenderUnitFactory(approved=False), id="recommender_not_yet_approved"),
        pytest.param(lambda: RecommenderUnitFactory(approved="rejected"), id="recommender_rejected"),
    ],
)
def test_recommender_that_may_not_recommend_is_kept_as_typed_but_not_recorded(leader_client, draft, unit):
    unit = unit()
    typed = {**_typed(draft), "basic-recommender": [str(unit.pk)]}
    response = leader_client.post(reverse("applications:autosave", args=[draft.pk]), typed)
    assert response.status_code == 200
    assert "推荐单位：选择一个有效的选项" in response.content.decode()
    application = Application.objects.get(pk=draft.pk)
    assert application.recommender_id is None
    assert application.form["basic-recommender"] == [str(unit.pk)]


def test_add_row_with_an_unknown_list_saves_and_adds_nothing(leader_client, draft):
    typed = _typed(draft)
    url = reverse("applications:edit", args=[draft.pk])
    response = leader_client.post(url, _posted(typed, add_row="evil"))
    assert response.status_code == 302
    assert _typed(draft) == typed


def test_nul_character_in_a_field_is_not_a_server_error(leader_client, draft):
    """No browser sends NUL from a text box, but a tampered post may; PostgreSQL cannot store
    it in text or jsonb. Everything else typed must still be kept."""
    typed = {
        **_typed(draft),
        "basic-title": ["名称\x00注入"],
        "content-basis": ["\x00"],
        "content-research_content": ["与NUL同时输入的研究内容"],
    }
    url = reverse("applications:edit", args=[draft.pk])

    response = leader_client.post(url, _posted(typed, action="save"), follow=True)
    assert response.status_code == 200
    response = leader_client.post(reverse("applications:autosave", args=[draft.pk]), typed)
    assert response.status_code == 200

    stored = _typed(draft)
    assert {k: v for k, v in stored.items() if k not in ("basic-title", "content-basis")} == {
        k: v for k, v in typed.items() if k not in ("basic-title", "content-basis")
    }


# --------------------------------------------------------------------------------------------
# Unknown actions, decisions and ids
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["explode", "delete", "__init__", "SUBMIT", "提交", "withdraw2"])
def test_unknown_action_is_refused_in_chinese_and_changes_nothing(leader_client, draft, action):
    url = reverse("applications:act", args=[draft.pk, action])
    response = leader_client.post(url, {"reason": "x"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("applications:detail", args=[draft.pk]), 302)]
    assert shown_messages(response) == [("error", "不支持的操作。")]
    assert Application.objects.get(pk=draft.pk).status == "draft"
    assert not ApplicationEvent.objects.filter(application=draft).exists()


@pytest.fixture
def recommended(guide):
    application = submitted_25(guide=guide)
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    recommender = RecommenderFactory(unit=application.recommender)
    application = services.transition(application=application, action="unit_approve", actor=unit_admin)
    return services.transition(application=application, action="recommend", actor=recommender)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"decision": "approve_everything"}, "请选择审查结论。", id="unknown_decision"),
        pytest.param({}, "请选择审查结论。", id="no_decision"),
        pytest.param({"decision": "unit_approve"}, "请选择审查结论。", id="decision_of_another_step"),
        pytest.param({"decision": "formal_reject"}, "形式审查不通过须填写理由。", id="reject_without_reason"),
        pytest.param(
            {"decision": "formal_return", "reason": "   "}, "形式审查退回修改须填写理由。", id="blank_reason"
        ),
    ],
)
def test_bad_review_decision_is_refused_and_changes_nothing(client, recommended, data, message):
    client.force_login(OfficerFactory(section="国外智力引进与人才科"))
    events = ApplicationEvent.objects.filter(application=recommended).count()
    response = client.post(
        reverse("applications:review", args=[recommended.pk]), {**data, "override-abc": TEN_KB}
    )
    assert response.status_code == 200
    assert shown_messages(response) == [("error", message)]
    assert Application.objects.get(pk=recommended.pk).status == "recommended"
    assert ApplicationEvent.objects.filter(application=recommended).count() == events


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "applications:detail", ["missing"]),
        ("get", "applications:edit", ["missing"]),
        ("post", "applications:edit", ["missing"]),
        ("post", "applications:autosave", ["missing"]),
        ("post", "applications:upload_attachment", ["missing"]),
        ("get", "applications:attachment", ["missing", "missing"]),
        ("get", "applications:attachment", ["draft", "missing"]),
        ("post", "applications:remove_attachment", ["draft", "missing"]),
        ("post", "applications:act", ["missing", "withdraw"]),
        ("get", "applications:version", ["missing", 1]),
        ("get", "applications:version", ["draft", 1]),
        ("get", "applications:print", ["missing"]),
    ],
)
def test_id_that_does_not_exist_is_not_found(leader_client, draft, method, name, args):
    values = {"missing": MISSING, "draft": draft.pk}
    url = reverse(name, args=[values.get(a, a) if isinstance(a, str) else a for a in args])
    response = getattr(leader_client, method)(url)
    assert response.status_code == 404


def test_review_of_an_id_that_does_not_exist_is_not_found(client, db):
    client.force_login(OfficerFactory())
    assert client.get(reverse("applications:review", args=[MISSING])).status_code == 404
    assert (
        client.post(reverse("applications:review", args=[MISSING]), {"decision": "formal_pass"}).status_code
        == 404
    )


def test_registration_detail_of_an_id_that_does_not_exist_is_not_found(client, db):
    client.force_login(BureauAdminFactory())
    assert client.get(reverse("accounts:registration_detail", args=[MISSING])).status_code == 404
    assert client.post(reverse("accounts:registration_approve", args=[MISSING])).status_code == 404
    assert client.post(reverse("accounts:registration_reject", args=[MISSING])).status_code == 404


def test_registration_decision_is_not_taken_by_posting_to_the_detail_page(client, db):
    client.force_login(BureauAdminFactory())
    unit = UnitFactory(approved=False)
    response = client.post(reverse("accounts:registration_detail", args=[unit.pk]), {"action": "approve"})
    assert response.status_code == 405
    unit.refresh_from_db()
    assert unit.status == "pending"


@pytest.mark.parametrize("direction", ["abc", str(MISSING), "", "25; DROP TABLE", "-1"])
def test_create_with_a_bad_direction_is_not_a_server_error(leader_client, direction):
    count = Application.objects.count()
    response = leader_client.post(reverse("applications:create"), {"direction": direction})
    assert response.status_code == 404
    assert Application.objects.count() == count


# --------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------


def registration(code: str, **overrides) -> dict:
    data = {
        "unit-name": "桂林新注册科技有限公司",
        "unit-credit_code": code,
        "unit-kind": "enterprise",
        "unit-province": "广西壮族自治区",
        "unit-city": "桂林市",
        "unit-county": "七星区",
        "unit-address": "桂林市七星区新注册路1号",
        "unit-contact_name": "王联系",
        "unit-contact_phone": "0773-7654321",
        "unit-contact_email": "contact@new.test",
        "account-username": "new_admin",
        "account-full_name": "王管理",
        "account-email": "admin@new.test",
        "account-phone": "13800000000",
        "account-password": "Guilin-2022-pw",
        "account-password2": "Guilin-2022-pw",
    }
    data.update(overrides)
    return data


def _with_wrong_check_character(code: str) -> str:
    wrong = "0" if code[-1] != "0" else "1"
    return code[:-1] + wrong


def test_registration_succeeds_with_a_valid_credit_code_and_ignores_unknown_keys(client, db):
    code = credit_code()
    data = registration(code, **{"unit-status": "approved", "account-role": "bureau_admin", "evil": "1"})
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    assert "请查收确认邮件" in response.content.decode()
    unit = Unit.objects.get(credit_code=code)
    admin = unit.people.get()
    assert (unit.status, admin.username, admin.role, admin.is_active) == (
        "pending",
        "new_admin",
        "unit_admin",
        False,
    )


def test_registration_with_a_wrong_check_character_shows_the_chinese_error(client, db):
    code = _with_wrong_check_character(credit_code())
    units, users = Unit.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), registration(code))
    assert response.status_code == 200
    assert "统一社会信用代码校验码错误，请核对。" in response.content.decode()
    assert (Unit.objects.count(), User.objects.count()) == (units, users)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91450300", "统一社会信用代码应为18位，现为8位，请核对。"),
        (
            "91450300MA5L0B1XYI",
            "统一社会信用代码含有不允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母）",
        ),
    ],
)
def test_registration_with_a_malformed_credit_code_shows_why(client, db, code, message):
    response = client.post(reverse("accounts:register"), registration(code))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Unit.objects.filter(name="桂林新注册科技有限公司").exists()


@pytest.mark.parametrize("spelling", [str, str.lower, lambda c: f"  {c.lower()}  "])
def test_registration_with_a_registered_credit_code_registers_nothing(client, db, spelling):
    existing = UnitFactory(credit_code=credit_code("91450300MA5L0B1XY"))
    units, users = Unit.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), registration(spelling(existing.credit_code)))
    assert response.status_code == 200
    assert "请查收确认邮件" in response.content.decode()
    assert (Unit.objects.count(), User.objects.count()) == (units, users)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"unit-name": TEN_KB, "unit-address": TEN_KB}, id="ten_kb_strings"),
        pytest.param({"unit-name": "桂林\x00公司", "account-full_name": "\x00"}, id="nul_character"),
        pytest.param({"unit-kind": "spaceship", "unit-qualifications": ["no-such"]}, id="unknown_choices"),
        pytest.param({"unit-contact_email": "不是邮箱", "account-email": "@"}, id="bad_email"),
        pytest.param({"account-password2": "different"}, id="password_mismatch"),
        pytest.param({"account-username": "有 空格 的名字"}, id="bad_username"),
        pytest.param({"unit-credit_code": "", "account-username": ""}, id="empty_required"),
    ],
)
def test_malformed_registration_is_shown_again_not_a_server_error(client, db, overrides):
    data = registration(credit_code(), **overrides)
    units, users = Unit.objects.count(), User.objects.count()
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert (Unit.objects.count(), User.objects.count()) == (units, users)


def test_registration_with_a_username_in_use_registers_nothing(client, db):
    BureauAdminFactory(username="taken_name")
    units = Unit.objects.count()
    response = client.post(
        reverse("accounts:register"), registration(credit_code(), **{"account-username": "taken_name"})
    )
    assert response.status_code == 200
    assert "请查收确认邮件" in response.content.decode()
    assert Unit.objects.count() == units


# --------------------------------------------------------------------------------------------
# Session expiry
# --------------------------------------------------------------------------------------------


def _expire_sessions():
    Session.objects.all().delete()


def _log_in(client, user, next_url):
    return client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": user.username, "password": "pw-123456", "next": next_url},
    )


def test_form_posted_after_the_session_expired_is_restored_after_login(client, draft):
    leader = draft.leader
    edit_url = reverse("applications:edit", args=[draft.pk])
    assert _log_in(client, leader, edit_url)["Location"] == edit_url
    assert client.get(edit_url).status_code == 200
    before = _typed(draft)
    typed = {**before, "basic-title": ["登录过期前输入的名称"], "content-basis": ["刚刚写的研究基础"]}
    _expire_sessions()

    response = client.post(edit_url, _posted(typed, action="save"), follow=True)

    login_page = response.redirect_chain[-1][0]
    assert login_page.startswith(reverse("accounts:login") + "?next=")
    assert response.status_code == 200
    assert shown_messages(response) == [("warning", "登录已过期。您填写的内容已暂存，重新登录后将自动恢复。")]
    assert _typed(draft) == before  # nothing written while logged out

    response = _log_in(client, leader, edit_url)
    assert response.status_code == 302
    assert response["Location"] == edit_url

    response = client.get(edit_url, follow=True)
    assert response.redirect_chain == [(edit_url, 302)]
    assert response.status_code == 200
    assert ("success", "已恢复登录过期前填写的内容并保存为草稿。") in shown_messages(response)
    assert _typed(draft) == typed
    assert PENDING_FORM not in client.session
    # Restored once: the next visit shows the draft without restoring again.
    again = client.get(edit_url)
    assert again.status_code == 200
    assert shown_messages(again) == []


def test_autosave_after_the_session_expired_is_restored_after_login(client, draft):
    leader = draft.leader
    edit_url = reverse("applications:edit", args=[draft.pk])
    client.force_login(leader)
    typed = {**_typed(draft), "basic-summary": ["自动保存时登录已过期"]}
    _expire_sessions()

    response = client.post(reverse("applications:autosave", args=[draft.pk]), typed, HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login") + "?next=")
    _log_in(client, leader, edit_url)
    response = client.get(edit_url, follow=True)
    assert ("success", "已恢复登录过期前填写的内容并保存为草稿。") in shown_messages(response)
    assert _typed(draft) == typed


def test_form_kept_after_expiry_is_not_given_to_someone_else(client, draft, guide):
    edit_url = reverse("applications:edit", args=[draft.pk])
    typed = {**_typed(draft), "basic-title": ["别人不应得到的名称"]}
    before = _typed(draft)
    client.post(edit_url, _posted(typed, action="save"))
    other = draft_25(guide=guide).leader

    _log_in(client, other, edit_url)

    assert client.get(edit_url).status_code == 404
    assert _typed(draft) == before
