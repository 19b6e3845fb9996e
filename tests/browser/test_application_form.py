"""The 申报书 as a 项目负责人 fills it in, at desktop and phone width: the age error shows as
soon as the 负责人 section is filled, the budget totals follow the typing, text typed just
before 上传 survives the upload, several files go up at once, the PDF link says it is busy,
and the page never scrolls sideways."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stplan.applications import services
from stplan.demo.builders import MINIMAL_PDF, resident_id, years_ago
from tests import world
from tests.browser.test_application_flow import FACTORY_PASSWORD, accept_dialogs, label, log_in, section

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_leader_sees_the_age_error_at_once_and_the_budget_totals_while_typing(
    new_page, screenshots, viewport
):
    leader = world.LeaderFactory()
    application = services.create_application(actor=leader, direction=world.direction(world.open_guide(), 25))
    page = new_page(viewport=viewport, is_mobile=viewport is PHONE)
    log_in(page, lambda step: screenshots(page, step), leader.username, FACTORY_PASSWORD, "leader")
    page.goto(f"/applications/{application.pk}/edit/")
    screenshots(page, "edit-new")
    _no_sideways_scroll(page, viewport["width"])

    leader_section = section(page, "leader")
    born = years_ago(timezone.localdate(), 42, days=10)
    leader_section.get_by_label(label("证件号码")).fill(resident_id(born, 3))
    for field, choice in {"学位": "博士", "学科领域": "工程技术", "职称": "中级"}.items():
        leader_section.get_by_label(label(field)).select_option(label=choice)

    age_error = page.locator("#findings li.finding.error[data-rule='leader_max_age']")
    expect(age_error).to_contain_text("方向25 申报要求1")
    expect(age_error).to_contain_text("项目负责人已满42周岁")
    expect(page.locator("#findings")).to_contain_text("尚未填写完整")
    bar = page.locator("#findings-bar")
    if viewport is PHONE:
        # While typing further down, the summary stays in sight at the top of the screen.
        section(page, "budget").scroll_into_view_if_needed()
        expect(bar).to_be_in_viewport()
        expect(bar).to_contain_text(re.compile(r"错误 [1-9]"))
    else:
        expect(bar).to_be_hidden()
    screenshots(page, "age-error")

    budget = section(page, "budget")
    budget.get_by_label(label("申请市财政资助")).fill("50000")
    budget.get_by_label(label("单位自筹匹配")).fill("50000")
    rows = budget.locator("tbody tr")
    rows.nth(0).get_by_label("设备费").fill("10000")
    rows.nth(0).get_by_label("业务费").fill("30000")
    rows.nth(1).get_by_label("业务费").fill("60000")
    totals = budget.locator("[data-sum-of]")
    expect(totals).to_have_text(
        ["100,000", "40,000", "60,000", "10,000", "90,000", "0", "0", "100,000", "100,000"]
    )
    screenshots(page, "budget-totals")
    _no_sideways_scroll(page, viewport["width"])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_text_typed_before_upload_is_kept_and_several_files_go_up_at_once(
    new_page, screenshots, tmp_path, viewport
):
    application = world.draft_25(guide=world.open_guide())
    page = new_page(viewport=viewport, is_mobile=viewport is PHONE)
    log_in(
        page, lambda step: screenshots(page, step), application.leader.username, FACTORY_PASSWORD, "leader"
    )
    page.goto(f"/applications/{application.pk}/edit/")
    screenshots(page, "edit")

    files = []
    for name in ("补充一.pdf", "补充二.pdf"):
        files.append(tmp_path / name)
        files[-1].write_bytes(MINIMAL_PDF)
    summary = section(page, "basic").get_by_label(label("项目摘要"))
    # Typed and straight to 上传, before the autosave's pause has passed.
    summary.fill("上传前刚写的摘要。")
    attachments = section(page, "attachments")
    attachments.get_by_label(label("附件类型")).select_option(label="其他附件")
    attachments.get_by_label(label("文件")).set_input_files(files)
    page.get_by_role("button", name="上传").click()

    expect(page.get_by_role("status")).to_contain_text("附件“补充一.pdf”已上传。")
    expect(page.get_by_role("status")).to_contain_text("附件“补充二.pdf”已上传。")
    expect(section(page, "basic").get_by_label(label("项目摘要"))).to_have_value("上传前刚写的摘要。")
    screenshots(page, "uploaded-two")
    _no_sideways_scroll(page, viewport["width"])
    if viewport is PHONE:
        page.set_viewport_size(NARROW)
        _no_sideways_scroll(page, NARROW["width"])
        screenshots(page, "edit-360")

    # The PDF link says it is working until the file arrives.
    link = page.get_by_role("link", name="预览PDF")
    with page.expect_download() as download:
        link.click()
        expect(page.locator("a[aria-busy=true]")).to_have_text("正在生成 PDF，请稍候…")
    assert download.value.suggested_filename == f"{application.number}.pdf"
    expect(link).to_have_attribute("href", f"/applications/{application.pk}/print.pdf")
    expect(page.locator("a[aria-busy=true]")).to_have_count(0)
    screenshots(page, "pdf-downloaded")


def test_submit_is_after_the_attachments_and_asks_first(page, shot):
    application = world.draft_25(guide=world.open_guide())
    dialogs = accept_dialogs(page)
    log_in(page, shot, application.leader.username, FACTORY_PASSWORD, "leader")
    page.goto(f"/applications/{application.pk}/edit/")
    steps = page.get_by_role("navigation", name="申报书各部分")
    expect(steps.get_by_role("link")).to_have_count(12)
    steps.get_by_role("link", name="附件").click()
    submit = page.get_by_role("button", name="提交申报书")
    attachments_box = section(page, "attachments").bounding_box()
    assert submit.bounding_box()["y"] > attachments_box["y"] + attachments_box["height"]
    shot("edit-steps")

    submit.click()
    expect(page.get_by_role("status")).to_contain_text("已提交（第1版）")
    assert dialogs == ["提交后不能修改，除非被退回。确定提交？"]
    shot("submitted")
