"""The 验收专家组 journey in a real browser, on a desktop and on a phone: the 科室 forms and
publishes a panel for a project that applied for 验收, the expert rates each committed
考核指标 under 我的验收评审, the 科室 ends the panel and passes the project, and the 负责人
downloads the 验收证书."""

import hashlib
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from stplan.projects.models import AcceptanceCertificate
from tests import world
from tests.browser.conftest import DESKTOP, nav_link
from tests.browser.test_application_flow import FACTORY_PASSWORD, accept_dialogs, label, log_in, messages

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}


def sign_in(page: Page, shot, user, who: str) -> None:
    """Experts land on their tasks, everyone else on the 工作台."""
    if user.role != "expert":
        log_in(page, shot, user.username, FACTORY_PASSWORD, who)
        return
    page.goto("/accounts/login/")
    page.get_by_label(label("用户名")).fill(user.username)
    page.get_by_label(label("密码")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    shot(f"{who}-landing")


def _fits(page: Page, width: int) -> None:
    """No horizontal scrolling; the message names what sticks out."""
    wide = page.evaluate(
        "w => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > w).slice(0, 8)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className)",
        width,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_officer_forms_panel_expert_scores_officer_decides_leader_downloads_certificate(
    new_page, screenshots, viewport
):
    project, officer = world.accepting_project()
    # The pool's one expert of the project's own unit is kept out by 回避.
    world.ExpertFactory(unit_name=project.application.lead_unit.name)
    width = viewport["width"]

    def person(who: str, user) -> tuple[Page, Callable]:
        page = new_page(viewport=viewport)

        def shot(step: str):
            screenshots(page, f"{who}-{step}")
            _fits(page, width)

        sign_in(page, lambda step: screenshots(page, step), user, who)
        return page, shot

    # The 科室 opens the project and forms a panel of one expert.
    desk, desk_shot = person("officer", officer)
    dialogs = accept_dialogs(desk)
    desk.goto(f"/projects/{project.pk}/")
    desk_shot("project")
    desk.locator("#acceptance-panel-link").click()
    expect(desk.get_by_role("heading", name="验收专家组", level=1)).to_be_visible()
    desk_shot("panel-empty")
    desk.get_by_label("专家人数").fill("1")
    desk.get_by_label("评审截止").fill("2099-12-31T17:00")
    desk.get_by_role("button", name="组建验收专家组").click()
    expect(messages(desk)).to_have_text("验收专家组已组建，核对后请发布。")
    expect(desk.locator("#panel-status")).to_have_text("待发布")
    desk_shot("panel-draft")
    desk.get_by_role("button", name="发布验收评审").click()
    expect(messages(desk)).to_have_text("已发布验收评审。")
    expect(desk.locator("#panel-status")).to_have_text("评审中")
    desk_shot("panel-open")
    review = project.acceptance.panels.get().reviews.get()
    assert review.expert.unit_name != project.application.lead_unit.name

    # The expert finds the task under 我的验收评审 and rates the indicator.
    expert, expert_shot = person("expert", review.expert.user)
    expert_dialogs = accept_dialogs(expert)
    nav_link(expert, "我的验收评审").click()
    expect(expert.get_by_role("heading", name="我的验收评审", level=1)).to_be_visible()
    expert_shot("mine")
    expert.get_by_role("link", name=re.compile(project.number)).click()
    expect(expert.locator("#review-status")).to_have_text("待评审")
    expect(expert.get_by_role("link", name="验收佐证.pdf")).to_be_visible()
    expert_shot("review")
    expert.get_by_role("radio", name="完成", exact=True).check()
    expert.get_by_role("radio", name="通过", exact=True).check()
    expert.get_by_label("评审意见").fill("考核指标全部完成，同意通过验收。")
    expert.get_by_role("button", name="提交验收评审意见").click()
    expect(messages(expert)).to_have_text("验收评审意见已提交。")
    expect(expert.get_by_text("已提交", exact=True)).to_be_visible()
    expert_shot("submitted")
    assert expert_dialogs == ["提交后不能修改，确定提交验收评审意见？"]

    # The 科室 reads the result, ends the panel and passes the project.
    desk.reload()
    expect(desk.get_by_text("已提交 1/1 位专家")).to_be_visible()
    desk_shot("panel-result")
    desk.get_by_role("button", name="结束验收评审").click()
    expect(messages(desk)).to_have_text("已结束验收评审。")
    desk_shot("panel-closed")
    desk.get_by_role("link", name="去作出验收结论").click()
    desk.locator("input[name=decision][value=passed]").check()
    desk.get_by_label("理由（结题、不通过时必填）").fill("专家组一致同意通过验收。")
    desk.get_by_role("button", name="保存验收结论").click()
    expect(desk.locator("#acceptance-decision")).to_have_text("通过")
    desk_shot("decided")
    assert dialogs == [
        "发布后专家即可看到并评审本项目，确定发布？",
        "结束后专家不能再提交，确定结束验收评审？",
        "确认保存验收结论？结论保存后不能撤回。",
    ]

    # The 负责人 downloads the 验收证书 from the project page.
    leader, leader_shot = person("leader", project.application.leader)
    leader.goto(f"/projects/{project.pk}/")
    link = leader.locator("#certificate-link")
    expect(link).to_have_text("下载验收证书（PDF）")
    leader_shot("project")
    response = leader.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    certificate = AcceptanceCertificate.objects.get()
    assert hashlib.sha256(response.body()).hexdigest() == certificate.sha256
    leader.reload()
    expect(leader.locator("#acceptance-panel").get_by_text(certificate.sha256, exact=False)).to_be_visible()
    leader_shot("certificate-recorded")


def test_acceptance_pages_fit_360_px(new_page, screenshots):
    project, officer = world.accepting_project()
    panel = world.acceptance_panel(project, officer, experts=1)
    review = panel.reviews.get()
    for user, paths in (
        (officer, [f"/projects/{project.pk}/", f"/projects/{project.pk}/acceptance-panel/"]),
        (review.expert.user, ["/projects/acceptance-reviews/", f"/projects/acceptance-reviews/{review.pk}/"]),
    ):
        page = new_page(viewport=NARROW)
        sign_in(page, lambda step, page=page: screenshots(page, step), user, "narrow")
        for path in paths:
            page.goto(path)
            screenshots(page, "narrow-" + path.strip("/").replace("/", "-"))
            _fits(page, 360)
