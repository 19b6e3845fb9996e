"""揭榜挂帅 as people do it, in a real browser: an enterprise puts a technology need, the
科室 accepts it and publishes it as a 榜单 item, anyone reads the 榜单 (on a phone too), an
expert scores a need in a 专家论证, a 首席专家 sees the 揭榜方案 in the 申报书, and the
winner's 首席专家 and lead unit confirm the 军令状."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests import world
from tests.browser.test_application_flow import label, messages
from tests.browser.test_review_flow import log_in

SECTION_1 = "发展规划与科技监督科"


def _person(new_page, screenshots, who: str, user, lands_on: str = "工作台") -> tuple[Page, Callable]:
    page = new_page()

    def shot(step: str):
        return screenshots(page, f"{who}-{step}")

    log_in(page, lambda step: screenshots(page, step), user, who, lands_on=lands_on)
    return page, shot


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def test_enterprise_need_accepted_published_and_read_by_the_public(new_page, screenshots):
    guide = world.open_guide()
    world.need_call(guide)
    enterprise = world.UnitAdminFactory(
        unit=world.UnitFactory(kind="enterprise", name="桂林伺服电机有限公司")
    )
    officer = world.OfficerFactory(section=SECTION_1)

    page, shot = _person(new_page, screenshots, "enterprise", enterprise)
    _nav(page, "揭榜挂帅")
    expect(page.get_by_role("heading", name="揭榜挂帅：技术需求与榜单", level=1)).to_be_visible()
    shot("needs")
    page.get_by_role("link", name="提出技术需求").click()
    page.get_by_label(label("需求名称")).fill("高性能伺服驱动芯片国产化")
    page.get_by_label(label("细分领域")).fill("伺服驱动")
    page.get_by_label(label("需解决的技术难题")).fill("驱动芯片依赖进口。")
    page.get_by_label(label("“卡脖子”环节")).fill("芯片设计与可靠性验证。")
    page.get_by_label(label("企业承诺投入（元）")).fill("6000000")
    page.get_by_label(label("需求解决期限")).fill("2029-12-31")
    page.get_by_label(label("联系人")).fill("李工")
    page.get_by_label(label("联系电话")).fill("0773-7654321")
    page.get_by_label(label("新产品（个）")).fill("4")
    shot("need-form")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(messages(page)).to_contain_text("需求已保存")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(messages(page)).to_have_text("已提交。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交，待科室审核")
    shot("need-submitted")

    desk, desk_shot = _person(new_page, screenshots, "officer", officer)
    _nav(desk, "揭榜挂帅")
    desk.get_by_role("link", name="高性能伺服驱动芯片国产化").click()
    desk.get_by_role("button", name="采纳", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("已采纳，待专家论证")
    desk_shot("need-accepted")
    desk.get_by_role("link", name="编入榜单").click()
    expect(desk.get_by_label(label("新产品（个）"))).to_have_value("4")
    desk.get_by_label(label("资助上限（元）")).fill("6000000")
    desk.get_by_label(label("揭榜开始")).fill("2022-06-01T09:00")
    desk.get_by_label(label("揭榜截止")).fill("2099-07-01T17:00")
    desk_shot("item-form")
    desk.get_by_role("button", name="保存", exact=True).click()
    expect(messages(desk)).to_contain_text("榜单项目JB2022-01-01已编制")
    desk.get_by_role("button", name="发布").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("已发布")
    desk_shot("item-published")

    public = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    public.goto(f"/guides/{guide.slug}/challenges/")
    expect(public.get_by_role("heading", name=re.compile("揭榜挂帅榜单"), level=1)).to_be_visible()
    expect(public.get_by_text("JB2022-01-01")).to_be_visible()
    expect(public.get_by_text("新产品不少于4个")).to_be_visible()
    screenshots(public, "public-board-phone")
    public.get_by_role("link", name=re.compile("^方向1")).click()
    expect(public.get_by_text("新增：JB2022-01-01")).to_be_visible()
    with public.expect_download() as download:
        public.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == "榜单-方向1-第1版.xlsx"
    screenshots(public, "public-board-versions")


def test_expert_scores_a_need_in_the_appraisal(new_page, screenshots):
    panel = world.appraisal_panel(world.open_guide(), needs=1, experts=2)
    task = panel.tasks.first()

    page, shot = _person(new_page, screenshots, "expert", task.expert.user, lands_on="我的评审任务")
    _nav(page, "我的论证")
    expect(page.get_by_role("heading", name="我的论证任务", level=1)).to_be_visible()
    shot("tasks")
    page.get_by_role("link", name=task.need.title).click()
    page.get_by_label(label("重要性（0-100分）")).fill("85")
    page.get_by_label(label("可行性（0-100分）")).fill("75")
    page.get_by_label(label("论证意见")).fill("属于产业链关键环节，具备攻关条件。")
    page.get_by_label("建议列入", exact=True).check()
    shot("task-form")
    page.get_by_role("button", name="提交论证意见").click()
    expect(messages(page)).to_have_text("论证意见已提交。")
    expect(page.get_by_role("cell", name="已提交")).to_be_visible()
    shot("tasks-done")


def test_chief_expert_sees_the_challenge_plan_in_the_application(new_page, screenshots):
    item = world.published_item(world.open_guide())
    application = world.challenge_draft(item)

    page, shot = _person(new_page, screenshots, "chief", application.leader)
    page.goto(f"/applications/{application.pk}/edit/")
    expect(page.get_by_role("heading", name="揭榜方案")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^首席专家（项目负责人）"))).to_be_visible()
    expect(page.get_by_label(label("所揭榜单项目"))).to_have_value(str(item.pk))
    shot("edit")


def test_chief_expert_and_lead_unit_sign_the_pledge(new_page, screenshots):
    project, _item, _teams = world.challenge_project(world.open_guide())
    leader = project.application.leader
    unit_admin = world.UnitAdminFactory(unit=project.application.lead_unit)

    page, shot = _person(new_page, screenshots, "chief", leader)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="军令状", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^军令状"), level=1)).to_contain_text("待首席专家确认")
    expect(page.get_by_text("未完成承诺指标的后果")).to_be_visible()
    shot("pledge")
    page.get_by_role("button", name="首席专家确认").click()
    expect(messages(page)).to_have_text("已首席专家确认军令状。")

    unit, unit_shot = _person(new_page, screenshots, "unit", unit_admin)
    unit.goto(f"/projects/{project.pk}/")
    unit.get_by_role("link", name="军令状", exact=True).click()
    unit.get_by_role("button", name="牵头单位确认").click()
    expect(unit.get_by_role("heading", level=1)).to_contain_text("已签订")
    unit_shot("pledge-signed")
    printed = unit.request.get(unit.get_by_role("link", name="PDF").get_attribute("href"))
    assert (printed.status, printed.headers["content-type"], printed.body()[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
