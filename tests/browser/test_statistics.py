"""统计分析 in a real browser: the chart draws on a canvas, and a drill-down from the chart
and from its table lists the applications behind the bar."""

from datetime import timedelta

from playwright.sync_api import expect

from stplan.funding import services as funding
from tests import world
from tests.browser.test_application_flow import FACTORY_PASSWORD, log_in


def _programme():
    guide = world.open_guide()
    current, applications, staff = world.scored_round(guide, [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    world.recommended_6(guide)
    return applications, staff


def _painted(page, selector: str) -> bool:
    """Some pixel of the chart's canvas is not blank."""
    return page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector + " canvas");
            if (!canvas || !canvas.width || !canvas.height) return false;
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
            return false;
        }""",
        selector,
    )


def test_statistics_chart_draws_and_drills_down(new_page, screenshots):
    applications, admin = _programme()
    # Without motion the bars stand where they are drawn when the click comes: while they
    # grow in, a click can fall beside them.
    page = new_page(reduced_motion="reduce")

    def shot(step):
        return screenshots(page, step)

    log_in(page, shot, admin.username, FACTORY_PASSWORD, "admin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计分析").click()
    expect(page.get_by_role("heading", name="统计分析", level=1)).to_be_visible()
    expect(page.locator("#chart-counts canvas")).to_have_count(1)
    page.wait_for_function("() => document.querySelector('#chart-counts canvas').width > 0")
    assert _painted(page, "#chart-counts")
    shot("overview")

    # A click on the 方向25 bar (second category) of the first series opens its list.
    x, y = page.evaluate(
        """() => {
            const element = document.getElementById("chart-counts");
            const chart = echarts.getInstanceByDom(element);
            const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(1);
            const box = element.getBoundingClientRect();
            return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
        }"""
    )
    page.mouse.click(x, y)
    expect(
        page.get_by_role("heading", name="统计明细：方向 方向25 青年创新人才科研专项", level=1)
    ).to_be_visible()
    shot("drill-down-chart")
    for application in applications:
        expect(page.get_by_role("link", name=application.number, exact=True)).to_be_visible()

    page.go_back()
    page.get_by_role("table").first.get_by_role("link", name="方向25 青年创新人才科研专项").click()
    expect(
        page.get_by_role("heading", name="统计明细：方向 方向25 青年创新人才科研专项", level=1)
    ).to_be_visible()
    expect(page.get_by_role("row")).to_have_count(3)
    shot("drill-down-table")


def test_statistics_chart_draws_at_phone_width(new_page, screenshots):
    _applications, admin = _programme()
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, lambda step: screenshots(page, step), admin.username, FACTORY_PASSWORD, "admin")

    page.goto("/statistics/?by=unit_kind")

    page.wait_for_function("() => document.querySelector('#chart-counts canvas')?.width > 0")
    assert _painted(page, "#chart-counts")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    assert (
        page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('chart-counts')).getOption().animation"
        )
        is True
    )
    screenshots(page, "phone")


def test_statistics_time_series_draws_and_drills_down(new_page, screenshots):
    applications, admin = _programme()
    page = new_page(reduced_motion="reduce")
    log_in(page, lambda step: screenshots(page, step), admin.username, FACTORY_PASSWORD, "admin")

    page.goto("/statistics/")
    page.wait_for_function("() => document.querySelector('#chart-series canvas')?.width > 0")
    assert _painted(page, "#chart-series")
    assert (
        page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('chart-series')).getOption().animation"
        )
        is False
    )
    screenshots(page, "time-series")

    # The 立项数 series (third) of the only batch: a click on its point lists the two funded.
    page.locator("#chart-series").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """() => {
            const element = document.getElementById("chart-series");
            const chart = echarts.getInstanceByDom(element);
            const funded = chart.getOption().series[2].data[0];
            const point = chart.convertToPixel({seriesIndex: 2}, [0, funded]);
            const box = element.getBoundingClientRect();
            return [box.left + point[0], box.top + point[1]];
        }"""
    )
    page.mouse.click(x, y)
    expect(page.get_by_role("heading", level=1)).to_contain_text("立项")
    expect(page.get_by_role("heading", level=1)).to_contain_text("批次")
    expect(page.locator("table tbody tr")).to_have_count(2)
    for application in applications:
        expect(page.get_by_role("link", name=application.number, exact=True)).to_be_visible()
    screenshots(page, "time-series-drill-down")


def test_statistics_page_fits_a_phone(new_page, screenshots):
    _applications, admin = _programme()
    page = new_page(viewport={"width": 360, "height": 740})
    log_in(page, lambda step: screenshots(page, step), admin.username, FACTORY_PASSWORD, "admin")

    for by in ("direction", "county"):
        page.goto(f"/statistics/?by={by}")
        page.wait_for_function("() => document.querySelector('#chart-series canvas')?.width > 0")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/statistics/applications/?by=batch&value=1&subset=funded")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshots(page, "phone-360")
