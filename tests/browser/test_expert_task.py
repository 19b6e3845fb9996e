"""The expert's task page as an expert uses it, at desktop and phone width: the people and
units to judge a conflict against, the pledge, each score item's rubric, the total adding up
while typing, the attachments, the confirmation before submitting; no sideways scrolling."""

import re

import pytest
from playwright.sync_api import Page, expect

from stplan.review import services
from stplan.review.models import Assignment
from tests import world
from tests.browser.test_application_flow import accept_dialogs, label, messages
from tests.browser.test_review_flow import SCORES, TOTAL, log_in

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _published_task(**round_fields) -> Assignment:
    guide = world.open_guide()
    world.passed_25(guide)
    for _ in range(2):
        world.ExpertFactory()
    staff = world.BureauAdminFactory()
    current = world.review_round(guide, experts_per_application=1, **round_fields)
    services.propose_assignment(review_round=current, actor=staff)
    services.publish(review_round=current, actor=staff)
    return Assignment.objects.select_related("application__lead_unit", "application__leader").get(
        round=current
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_expert_declares_no_conflict_scores_with_a_running_total_and_submits(new_page, screenshots, viewport):
    task = _published_task()
    application = task.application
    page = new_page(viewport=viewport)
    width = viewport["width"]
    asked = accept_dialogs(page)

    def shot(step):
        screenshots(page, step)

    log_in(page, shot, task.expert.user, "expert", lands_on="我的评审任务")
    page.get_by_role("link", name=re.compile(rf"^{application.number} ")).click()

    # Before the pledge: whom to judge a conflict against, by name, not only the unit.
    parties = page.locator("#parties")
    expect(parties.get_by_role("row").filter(has_text="牵头单位")).to_contain_text(application.lead_unit.name)
    expect(parties.get_by_role("row").filter(has_text="项目负责人")).to_contain_text(
        application.leader.full_name
    )
    expect(parties.get_by_role("row").filter(has_text="团队成员")).to_contain_text("李明")
    no_sideways_scroll(page, width)
    shot("conflict-check")
    page.get_by_role("checkbox", name=re.compile("不存在利益冲突")).check()
    page.get_by_role("checkbox", name=re.compile("承诺对评审材料和评审意见保密")).check()
    page.get_by_role("button", name="确认并开始评审").click()
    expect(messages(page)).to_have_text("已确认并签署保密承诺，可以开始评审。")

    # The score form starts near the top on a phone too; each item says what it measures.
    score = page.locator("#score")
    assert score.bounding_box()["y"] < 700
    no_sideways_scroll(page, width)
    talent = page.locator("#item-talent")
    talent.get_by_text("评分细则").click()
    expect(talent).to_contain_text("申报人的学术或技术水平")
    expect(talent).to_contain_text("29–35分：成果突出")
    expect(talent).to_contain_text("权重 35/100")
    total = page.locator("[data-score-total]")
    expect(total).to_have_text("0")
    shot("score-form")

    # The attachments the expert is given, never the 身份证复印件.
    attachments = page.locator("#attachments")
    expect(attachments.get_by_role("link", name=re.compile("^博士学位证书"))).to_be_visible()
    expect(attachments.get_by_role("link", name=re.compile("^身份证复印件"))).to_have_count(0)
    href = attachments.get_by_role("link", name=re.compile("^博士学位证书")).get_attribute("href")
    assert page.request.get(href).status == 200

    typed = 0
    for name, most, points, comment in SCORES.values():
        page.get_by_label(label(f"{name}（0-{most}分）")).fill(str(points))
        typed += points
        expect(total).to_have_text(str(typed))
        page.get_by_label(label(f"{name}评审意见")).fill(comment)
    page.get_by_label(label("综合意见")).fill("建议资助。")
    page.get_by_role("radio", name="建议资助", exact=True).check()
    shot("scored")
    page.get_by_role("button", name="提交评审意见").click()
    expect(messages(page)).to_have_text("评审意见已提交。")
    assert asked == ["提交后评审意见不能再修改。确定提交评审意见吗？"]
    expect(page.locator("#total")).to_have_text(str(TOTAL))
    no_sideways_scroll(page, width)
    shot("submitted")


def test_expert_task_page_fits_a_360px_screen_before_and_after_the_pledge(new_page, screenshots):
    task = _published_task()
    page = new_page(viewport=NARROW)
    log_in(page, lambda step: screenshots(page, step), task.expert.user, "expert", lands_on="我的评审任务")
    page.goto(f"/review/tasks/{task.pk}/")
    no_sideways_scroll(page, 360)
    page.get_by_role("checkbox", name=re.compile("不存在利益冲突")).check()
    page.get_by_role("checkbox", name=re.compile("承诺对评审材料和评审意见保密")).check()
    page.get_by_role("button", name="确认并开始评审").click()
    expect(page.locator("#score")).to_be_visible()
    no_sideways_scroll(page, 360)
    screenshots(page, "task-360")


def test_blind_round_names_no_one_and_gives_no_attachments(new_page, screenshots):
    task = _published_task(hide_applicant_identity=True)
    page = new_page()
    log_in(page, lambda step: screenshots(page, step), task.expert.user, "expert", lands_on="我的评审任务")
    page.goto(f"/review/tasks/{task.pk}/")
    expect(page.locator("#parties")).to_have_count(0)
    expect(page.get_by_text("本批次为盲评")).to_be_visible()
    expect(page.get_by_text(task.application.lead_unit.name)).to_have_count(0)
    page.get_by_role("checkbox", name=re.compile("不存在利益冲突")).check()
    page.get_by_role("checkbox", name=re.compile("承诺对评审材料和评审意见保密")).check()
    page.get_by_role("button", name="确认并开始评审").click()
    expect(page.locator("#attachments")).to_contain_text("本批次为盲评，附件载有申报单位信息，不向专家提供。")
    expect(page.get_by_text(task.application.leader.full_name)).to_have_count(0)
    screenshots(page, "blind")
