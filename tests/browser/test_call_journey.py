"""The visitor's journey to an application: guide list → search → 方向 page → 申报本方向 →
login → 申报本方向 → the new 申报书, at desktop and phone width, without horizontal scroll."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests import world

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
NARROW = {"viewport": {"width": 360, "height": 740}}


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_visitor_finds_a_direction_and_starts_an_application(new_page, screenshots, size):
    world.open_guide()
    leader = world.LeaderFactory()
    page = new_page(**(PHONE if size == "phone" else {}))
    width = 390 if size == "phone" else 1280

    def shot(step):
        _fits(page, width)
        screenshots(page, f"{size}-{step}")

    page.goto("/guides/")
    expect(page.locator(".call-batches").first).to_contain_text("申报中")
    expect(page.locator(".call-batches").first).to_contain_text("距截止还有10天")
    shot("guide-list")

    page.get_by_label("搜索方向").fill("青年创新人才")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#direction-count")).to_have_text("找到 1 个方向")
    shot("search")

    page.get_by_role("link", name="青年创新人才科研专项").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^方向25"))
    expect(page.locator(".call-card")).to_contain_text("申报中")
    expect(page.locator(".attachment-templates")).to_contain_text("单位配套经费承诺书")
    shot("direction")

    page.get_by_role("link", name="申报本方向").click()
    page.get_by_label(re.compile("^用户名")).fill(leader.username)
    page.get_by_label(re.compile("^密码")).fill("pw-123456")
    shot("login")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/guides/guilin-2022/25/$"))

    page.get_by_role("button", name="申报本方向").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^填写申报书"))
    expect(page.locator(".call-status")).to_contain_text("申报中")
    screenshots(page, f"{size}-application")


def test_call_pages_fit_a_360_pixel_screen(new_page):
    world.open_guide()
    page = new_page(**NARROW)
    for url in ("/guides/", "/guides/guilin-2022/", "/guides/guilin-2022/?q=博士", "/guides/guilin-2022/27/"):
        page.goto(url)
        _fits(page, 360)
