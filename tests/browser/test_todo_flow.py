"""The officer's bulk 形审 on the desk and the leader's 待办 on the 工作台, in a real
browser at desktop and phone width: what waits is one click away, and several applications
are decided in one go after a confirmation."""

import re

import pytest
from playwright.sync_api import Page, expect

from stplan.applications import services
from stplan.applications.models import Status
from tests import world
from tests.browser.conftest import nav_link
from tests.browser.test_application_flow import FACTORY_PASSWORD, log_in, messages

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CONFIRM_BULK = "确认对所勾选的申报书作出上述审查结论？每项逐一办理，不能撤回。"
CONFIRM_CONTRACT = "确认任务书内容无误？确认后交单位审核。"


def _open(new_page, width) -> tuple[Page, list[str]]:
    phone = width == "phone"
    page = new_page(viewport=WIDTHS[width], is_mobile=phone, has_touch=phone)
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return page, dialogs


def _fits(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, what
    page.set_viewport_size({"width": 360, "height": 740})
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 361)
        .map(e => e.tagName + "." + e.className + "#" + e.id).slice(0, 8)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, (f"{what} at 360 px", wide)
    page.set_viewport_size({"width": width, "height": 844})


def _recommended(guide, count: int):
    recommender = world.RecommenderFactory()
    found = []
    for _ in range(count):
        leader = world.LeaderFactory()
        application = world.submitted_25(guide=guide, leader=leader, recommender=recommender.unit)
        unit_admin = world.UnitAdminFactory(unit=leader.unit)
        services.transition(application=application, action="unit_approve", actor=unit_admin)
        found.append(services.transition(application=application, action="recommend", actor=recommender))
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_returns_several_applications_from_the_desk_at_once(new_page, screenshots, width):
    first, second, third = _recommended(world.open_guide(), 3)
    officer = world.OfficerFactory()
    page, dialogs = _open(new_page, width)

    def shot(step):
        return screenshots(page, f"{width}-{step}")

    log_in(page, shot, officer.username, FACTORY_PASSWORD, "officer")
    nav_link(page, "形式审查").click()
    bulk = page.get_by_role("form", name="批量审查")
    expect(bulk).to_be_visible()
    _fits(page, "desk")
    shot("desk")
    bulk.get_by_label("全选本页待审查的申报书").check()
    for application in (first, second, third):
        expect(page.get_by_label(f"选择 {application.number}")).to_be_checked()
    page.get_by_label(f"选择 {third.number}").uncheck()
    bulk.get_by_label("审查结论").select_option(label="退回修改")
    bulk.get_by_placeholder("意见（退回修改时必填）").fill("请补充配套经费承诺书。")
    shot("ticked")
    bulk.get_by_role("button", name="批量办理所勾选的申报书").click()
    expect(messages(page)).to_have_text(
        re.compile(
            rf"形式审查退回修改 2 项：({first.number}、{second.number}|{second.number}、{first.number})"
        )
    )
    assert dialogs == [CONFIRM_BULK]
    _fits(page, "desk after the bulk decision")
    shot("returned")
    statuses = {a.number: a.status for a in (first, second, third)}
    for application in (first, second, third):
        application.refresh_from_db()
        statuses[application.number] = application.status
    assert statuses == {
        first.number: Status.RETURNED,
        second.number: Status.RETURNED,
        third.number: Status.RECOMMENDED,
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_leader_confirms_the_contract_from_the_workspace(new_page, screenshots, width):
    (project,), _staff = world.funded_projects(world.open_guide())
    leader = project.application.leader
    page, dialogs = _open(new_page, width)

    def shot(step):
        return screenshots(page, f"{width}-{step}")

    log_in(page, shot, leader.username, FACTORY_PASSWORD, "leader")
    todo = page.locator("#todo-contracts")
    expect(todo.get_by_role("heading")).to_have_text(re.compile(r"^任务书待您确认\s*1$"))
    _fits(page, "leader's workspace")
    todo.get_by_role("link", name=project.number).click()
    expect(page.locator("#contract-status")).to_have_text("待负责人确认")
    _fits(page, "project page")
    shot("project")
    page.get_by_role("button", name="负责人确认任务书").click()
    expect(messages(page)).to_have_text("任务书已更新。")
    expect(page.locator("#contract-status")).to_have_text("负责人已确认，待单位审核")
    assert dialogs == [CONFIRM_CONTRACT]
    shot("confirmed")
    page.goto("/workspace/")
    expect(page.locator("#todo-contracts")).to_have_count(0)
    shot("workspace-done")
