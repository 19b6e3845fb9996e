"""The 申报书 edit page: findings as soon as their facts are there, the section steps, the
budget totals, uploads that keep what was typed, submitting through its own URL."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stplan.applications import services
from stplan.applications.dossier import Dossier, display_sections
from stplan.applications.models import Application, Attachment
from stplan.demo.builders import MINIMAL_PDF, resident_id, years_ago
from tests.world import LeaderFactory, direction, draft_25, open_guide

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def _findings(response) -> list[str]:
    block = re.search(r'<section id="findings".*?</section>', response.content.decode(), re.S)[0]
    items = re.findall(r'<li class="finding (\w+)" data-rule="(\w+)">(.*?)</li>', block, re.S)
    return [
        f"{severity} {rule} {html.unescape(re.sub(r'<[^>]+>', '', text))}" for severity, rule, text in items
    ]


@pytest.fixture
def fresh(client):
    leader = LeaderFactory()
    application = services.create_application(actor=leader, direction=direction(open_guide(), 25))
    client.force_login(leader)
    return application


def _leader_only(age: int) -> dict[str, str]:
    born = years_ago(timezone.localdate(), age, days=10)
    return {
        "leader-id_type": "resident_id",
        "leader-id_number": resident_id(born, 7),
        "leader-degree": "doctorate",
        "leader-discipline": "engineering",
        "leader-title": "associate_senior",
    }


def test_age_over_the_limit_is_an_error_while_other_sections_are_still_empty(client, fresh):
    response = client.post(reverse("applications:autosave", args=[fresh.pk]), _leader_only(42))

    found = _findings(response)
    assert (
        "error leader_max_age 错误 方向25 申报要求1：项目负责人年龄不得超过40周岁"
        f"（以申报材料提交日期{timezone.localdate()}计算），项目负责人已满42周岁。"
    ) in found
    text = _text(response)
    assert "尚未填写完整" in text
    # What cannot be checked yet says which sections it waits for.
    assert "方向25 资助金额：需先填写 经费预算" in text
    # The edit page shows the same on reload.
    page = client.get(reverse("applications:edit", args=[fresh.pk]))
    assert found == _findings(page)


def test_age_within_the_limit_shows_no_age_finding_on_a_partial_form(client, fresh):
    response = client.post(reverse("applications:autosave", args=[fresh.pk]), _leader_only(35))

    assert not [f for f in _findings(response) if "leader_max_age" in f]


def test_checks_of_incomplete_sections_wait_and_say_for_what(client, fresh):
    dossier = Dossier.of(Application.objects.get(pk=fresh.pk))
    live = dossier.live_check()

    assert live.result is None
    assert "方向25 申报要求1" in {p.clause for p in live.pending}
    assert {f.rule for f in live.findings} <= {"attachments", "not_funded_before", "leader_limit"}


def test_complete_draft_checks_the_same_as_at_submission(client):
    application = draft_25(guide=open_guide())
    dossier = Dossier.of(application)

    live = dossier.live_check()

    assert live.pending == []
    assert live.result == Dossier.of(application).check()


def test_edit_page_lists_the_sections_with_their_state_and_submit_after_the_attachments(client, fresh):
    page = client.get(reverse("applications:edit", args=[fresh.pk])).content.decode()

    steps = re.search(r'<nav id="form-steps".*?</nav>', page, re.S)[0]
    assert re.findall(r'href="#section-(\w+)"', steps) == [
        "basic", "lead", "partners", "leader", "team", "subprojects", "content", "indicators",
        "budget", "exclusions", "attachments", "submit",
    ]  # fmt: skip
    assert page.index('id="section-attachments"') < page.index("提交申报书")
    assert f'formaction="{reverse("applications:submit", args=[fresh.pk])}"' in page


def test_budget_totals_are_shown_per_year_per_item_and_overall(client):
    application = draft_25(guide=open_guide(), requested=50000, self_raised=50001)
    client.force_login(application.leader)

    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()

    outputs = re.findall(r'<span class="sum" data-sum-of="([^"]+)">([^<]*)</span>', html.unescape(page))
    assert outputs == [
        ("[data-source] input", "100,001"),
        ("[data-budget-row='0'] input", "50,001"),
        ("[data-budget-row='1'] input", "50,000"),
        ("[data-budget-item='equipment'] input", "25,000"),
        ("[data-budget-item='business'] input", "50,000"),
        ("[data-budget-item='labor'] input", "12,500"),
        ("[data-budget-item='indirect'] input", "12,501"),
        ("[data-budget-item] input", "100,001"),
        ("[data-budget-item] input", "100,001"),
    ]


def _form_of(application) -> dict[str, list[str]]:
    return {k: list(v) for k, v in Application.objects.get(pk=application.pk).form.items()}


def test_upload_keeps_what_was_typed_just_before(client):
    application = draft_25(guide=open_guide())
    client.force_login(application.leader)
    typed = {**_form_of(application), "basic-title": ["刚改过的项目名称"]}

    client.post(
        reverse("applications:upload_attachment", args=[application.pk]),
        {**typed, "code": "other", "file": SimpleUploadedFile("补充.pdf", MINIMAL_PDF)},
    )

    assert _form_of(application) == typed
    assert Application.objects.get(pk=application.pk).title == "刚改过的项目名称"
    assert application.attachments.filter(removed_at=None, original_name="补充.pdf").exists()


def test_removing_an_attachment_keeps_what_was_typed_just_before(client):
    application = draft_25(guide=open_guide())
    client.force_login(application.leader)
    typed = {**_form_of(application), "basic-title": ["删除前改过的名称"]}
    attachment = application.attachments.filter(removed_at=None).first()

    client.post(reverse("applications:remove_attachment", args=[application.pk, attachment.pk]), typed)

    assert _form_of(application) == typed
    assert Attachment.objects.get(pk=attachment.pk).removed_at is not None


def test_several_files_upload_at_once_each_checked_on_its_own(client):
    application = draft_25(guide=open_guide())
    client.force_login(application.leader)

    response = client.post(
        reverse("applications:upload_attachment", args=[application.pk]),
        {
            "code": "other",
            "file": [
                SimpleUploadedFile("甲.pdf", MINIMAL_PDF),
                SimpleUploadedFile("说明.txt", b"just text"),
                SimpleUploadedFile("乙.pdf", MINIMAL_PDF),
            ],
        },
        follow=True,
    )

    shown = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert shown == [
        ("success", "附件“甲.pdf”已上传。"),
        ("error", "文件“说明.txt”不是 PDF 或 JPG/PNG 图片，只能上传 PDF 或图片。"),
        ("success", "附件“乙.pdf”已上传。"),
    ]
    names = application.attachments.filter(removed_at=None, code="other").values_list(
        "original_name", flat=True
    )
    assert sorted(names) == ["乙.pdf", "甲.pdf"]


def test_submit_url_saves_the_posted_form_and_submits_it(client):
    application = draft_25(guide=open_guide())
    client.force_login(application.leader)
    typed = {**_form_of(application), "basic-title": ["提交前改过的名称"]}

    response = client.post(reverse("applications:submit", args=[application.pk]), typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert (application.status, application.title, application.version) == (
        "submitted",
        "提交前改过的名称",
        1,
    )


def test_refused_submission_keeps_what_was_typed(client, fresh):
    typed = {"basic-title": "未完成的申报书", **_leader_only(35)}

    response = client.post(reverse("applications:submit", args=[fresh.pk]), typed)

    assert response.status_code == 200
    assert "未能提交" in response.content.decode()
    fresh.refresh_from_db()
    assert (fresh.status, fresh.title) == ("draft", "未完成的申报书")


def test_printed_sections_name_the_leader_and_total_the_budget_by_year():
    application = draft_25(guide=open_guide(), requested=50000, self_raised=50000)
    sections = {s.key: s for s in display_sections(Dossier.of(application))}

    leader = sections["leader"]
    assert leader.fields[0] == ("姓名", application.leader.full_name or application.leader.username)
    budget = sections["budget_years"]
    assert budget.row_heading == "年度"
    assert [label for label, _row in budget.labelled_rows] == ["第1年", "第2年"]
    assert budget.columns[-1] == "合计"
    assert [row[-1] for row in budget.rows] == ["50000", "50000"]
    assert budget.totals == ["25000", "50000", "12500", "12500", "100000"]
    assert sections["budget"].fields[-1] == ("合计", "100000")
