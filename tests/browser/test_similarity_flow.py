"""查重 as an officer does it, in a real browser: from the 形审 desk to the batch's 查重
report, a run, the two texts side by side with their shared passages highlighted, the
decision 重复申报 with a reason; the application's 形审 page shows the pair; and the report
reads on a phone."""

import re

from playwright.sync_api import Page, expect

from tests import world
from tests.browser.test_review_flow import log_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_officer_checks_the_batch_for_duplicates_and_confirms_one(page: Page, shot, new_page, screenshots):
    guide = world.open_guide()
    # The world's 申报书 are one text: the second is a resubmission of the first.
    first, later = world.passed_25(guide), world.passed_25(guide)
    officer = world.OfficerFactory()

    log_in(page, shot, officer, "officer")
    page.get_by_role("navigation").get_by_role("link", name="形式审查").click()
    page.get_by_role("link", name="查重报告").click()
    expect(page.get_by_role("heading", name=re.compile(r"^查重报告"), level=1)).to_be_visible()
    expect(page.locator("#last-scan")).to_have_text("本批申报尚未查重。")
    shot("report-before")

    page.get_by_role("button", name="开始查重").click()
    expect(page.get_by_role("status")).to_contain_text("查重完成：比对2份文本，发现1对疑似重复")
    row = page.locator("#pairs tbody tr").filter(has_text=later.number)
    expect(row).to_contain_text(first.number)
    expect(row.locator(".pill")).to_have_text("待核实")
    shot("report-after")

    row.get_by_role("link", name="对照").click()
    expect(page.get_by_role("heading", name=f"查重对照：{later.number}", level=1)).to_be_visible()
    expect(page.locator("#application-text mark").first).to_be_visible()
    expect(page.locator("#other-text mark").first).to_be_visible()
    expect(page.locator("#application-text mark").first).to_contain_text("关键技术攻关")
    shot("pair")

    page.get_by_label("重复申报").check()
    page.get_by_label("理由（必填）").fill("同一申报书重复提交")
    page.get_by_role("button", name="提交处理结论").click()
    expect(page.get_by_role("status")).to_have_text(f"{later.number}：重复申报。")
    expect(page.locator("#status")).to_have_text("重复申报")
    expect(page.locator("#events")).to_contain_text("重复申报（待核实 → 重复申报） 同一申报书重复提交")
    shot("pair-decided")

    page.goto(f"/applications/{later.pk}/review/")
    pairs = page.locator("#similar-pairs")
    expect(pairs).to_contain_text(first.number)
    expect(pairs.locator(".pill")).to_have_text("重复申报")
    shot("application-review")

    phone = new_page(**PHONE)
    log_in(phone, lambda step: screenshots(phone, step), officer, "officer-phone")
    phone.goto(f"/integrity/?guide={guide.pk}")
    phone_row = phone.locator("#pairs tbody tr").filter(has_text=later.number)
    expect(phone_row.locator(".pill")).to_have_text("重复申报")
    compare = phone_row.get_by_role("link", name="对照")
    compare.scroll_into_view_if_needed()
    expect(compare).to_be_in_viewport()
    # The table folds into labelled cards on a phone: nothing reaches past the screen's edge.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshots(phone, "report-phone")
