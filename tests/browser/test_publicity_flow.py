"""The public 公示 as a visitor finds and uses it, at desktop and phone width: from the guide
list to the list of 公示, one plan's names with their 负责人 and amounts, where and until when
to object, and an objection from a row's button that is refused once and kept as typed."""

import re

import pytest
from playwright.sync_api import expect

from stplan.funding import services
from stplan.funding.models import Objection
from tests import world
from tests.browser.test_application_flow import label, messages

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_visitor_finds_the_publicity_and_objects_to_one_project(new_page, screenshots, size):
    current, (first, _second), staff = world.scored_round(world.open_guide(), [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = services.publicize(plan=plan, actor=staff, days=5)
    services.set_publicity_contact(
        plan=plan,
        actor=staff,
        values={"objection_office": "科技局人才科 张科长", "objection_phone": "0773-2825000"},
    )
    viewport = VIEWPORTS[size]
    page = new_page(viewport=viewport)

    def fits():
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.goto("/")
    expect(page.get_by_role("heading", name="申报指南", level=1)).to_be_visible()
    fits()
    screenshots(page, "guides")
    page.locator("#publicity-link").get_by_role("link").click()
    expect(page.get_by_role("heading", name="立项公示", level=1)).to_be_visible()
    fits()
    screenshots(page, "publicity-list")
    page.get_by_role("link", name=re.compile("拟立项项目公示$")).click()

    row = page.locator("#publicity tbody tr").filter(has_text=first.number)
    expect(row.locator("td[data-label='负责人']")).to_have_text(first.leader.full_name)
    expect(page.locator("#phase")).to_contain_text("公示中")
    expect(page.locator("#phase")).not_to_contain_text("已结束")
    expect(page.locator("#objection-contact")).to_contain_text("科技局人才科 张科长")
    expect(page.locator("#objection-contact")).to_contain_text("0773-2825000")
    fits()
    screenshots(page, "publicity")
    row.get_by_role("link", name=f"对{first.number}提出异议").click()

    expect(page.get_by_role("heading", name="对拟立项项目公示提出异议", level=1)).to_be_visible()
    expect(page.get_by_label(label("项目"))).to_have_value(str(first.pk))
    page.get_by_label(label("姓名或单位")).fill("张" * 51)
    page.get_by_label(label("联系方式")).fill("13800000000")
    page.get_by_label(label("异议内容")).fill("该项目成果与已立项项目重复。")
    page.get_by_role("button", name="提交异议").click()
    expect(messages(page)).to_have_text("姓名不能超过50个字。")
    expect(page.get_by_label(label("异议内容"))).to_have_value("该项目成果与已立项项目重复。")
    expect(page.get_by_label(label("联系方式"))).to_have_value("13800000000")
    expect(page.get_by_label(label("项目"))).to_have_value(str(first.pk))
    fits()
    screenshots(page, "objection-refused")
    page.get_by_label(label("姓名或单位")).fill("张三")
    page.get_by_role("button", name="提交异议").click()
    expect(messages(page)).to_have_text("异议已收到，科技局将核实处理。")
    objection = Objection.objects.get()
    assert (objection.application_id, objection.name) == (first.pk, "张三")
    screenshots(page, "objection-received")


def test_publicity_pages_fit_a_360px_screen(new_page, screenshots):
    current, _applications, staff = world.scored_round(world.open_guide(), [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = services.publicize(plan=plan, actor=staff, days=5)
    page = new_page(viewport={"width": 360, "height": 740})
    for url in (
        "/funding/publicity/",
        f"/funding/publicity/{plan.pk}/",
        f"/funding/publicity/{plan.pk}/objection/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        screenshots(page, url.strip("/").replace("/", "-"))
