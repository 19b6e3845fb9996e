"""立项 to 验收 as people do it, in a real browser: from a ranked review round the bureau
builds a plan within its budget and publishes it (公示) for anyone to read, then decides; the
project's 负责人, unit and 科室 sign the 任务书, the first payment is registered, the 负责人
reports a year's progress and applies for 验收, and the 科室 passes it."""

import re
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from stplan.funding.models import FundingPlan
from tests import world
from tests.browser.test_application_flow import FACTORY_PASSWORD, log_in, messages

VOUCHER = "GLCZ-2022-0417"


def open_project(page: Page, shot, number: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="项目", exact=True).click()
    expect(page.get_by_role("heading", name="立项项目", level=1)).to_be_visible()
    shot("projects")
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^{number}："), level=1)).to_be_visible()
    shot("project")


def test_ranked_round_to_publicity_contract_payment_report_and_acceptance(new_page, screenshots):
    guide = world.open_guide()
    review_round, (funded, unfunded), admin = world.scored_round(guide, [90, 70])
    leader = funded.leader
    unit_admin = world.UnitAdminFactory(unit=funded.lead_unit)

    def person(who: str, user) -> tuple[Page, Callable]:
        """Each person at their own browser, logged in once."""
        page = new_page()
        # Irreversible steps ask for a confirmation (data-confirm): each person says yes.
        page.on("dialog", lambda dialog: dialog.accept())

        def shot(step: str):
            return screenshots(page, f"{who}-{step}")

        log_in(page, lambda step: screenshots(page, step), user.username, FACTORY_PASSWORD, who)
        return page, shot

    # The bureau builds a plan on the ranked round: the budget is enough for one project.
    bureau, bureau_shot = person("bureau", admin)
    bureau.get_by_role("navigation", name="主导航").get_by_role("link", name="立项").click()
    expect(bureau.get_by_role("heading", name="立项方案", level=1)).to_be_visible()
    bureau_shot("plans")
    bureau.get_by_label("评审批次").select_option(label=review_round.name)
    bureau.get_by_label("方案名称").fill("2022年度青年人才专项立项方案")
    bureau.get_by_label("总预算（元）").fill("50000")
    bureau.get_by_role("button", name="生成方案").click()
    expect(messages(bureau)).to_have_text("已生成立项方案“2022年度青年人才专项立项方案”。")
    expect(bureau.get_by_role("heading", name=re.compile("^2022年度青年人才专项立项方案"))).to_be_visible()
    expect(bureau.locator("#plan-status")).to_have_text("编制中")
    expect(bureau.locator("#plan-count")).to_have_text("1")
    expect(bureau.locator("#plan-amount")).to_have_text("5万元")
    chosen = bureau.locator(f"#plan-items tr[data-number='{funded.number}']")
    left_out = bureau.locator(f"#plan-items tr[data-number='{unfunded.number}']")
    expect(chosen.locator("td[data-label='得分']")).to_have_text("90.00")
    expect(chosen.locator("td[data-label='拟立项'] .pill")).to_have_text("是")
    expect(chosen.locator("td[data-label='未入选原因']")).to_have_text("")
    expect(left_out.locator("td[data-label='得分']")).to_have_text("70.00")
    expect(left_out.locator("td[data-label='拟立项'] .pill")).to_have_text("否")
    expect(left_out.locator("td[data-label='未入选原因']")).to_contain_text(
        "剩余总预算0元不足以资助本项目（50,000元）"
    )
    bureau_shot("plan")
    plan_pk = int(re.search(r"/funding/(\d+)/$", bureau.url)[1])

    bureau.get_by_label("公示天数").fill("1")
    bureau.get_by_role("button", name="开始公示").click()
    expect(messages(bureau)).to_have_text("已开始公示。")
    expect(bureau.locator("#plan-status")).to_have_text("公示中")
    expect(bureau.get_by_role("button", name="开始公示")).to_have_count(0)
    bureau_shot("publicized")

    # Anyone may read the 公示 and object while it lasts.
    public = new_page()
    public.goto(f"/funding/publicity/{plan_pk}/")
    expect(public.get_by_role("heading", name=re.compile("拟立项项目公示$"), level=1)).to_be_visible()
    listed = public.locator("table tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(funded.title)
    expect(listed).to_contain_text(funded.lead_unit.name)
    expect(listed.locator("td[data-label='资助金额']")).to_have_text("5万元")
    expect(listed.locator("td[data-label='负责人']")).to_have_text(funded.leader.full_name)
    expect(public.get_by_role("link", name="提出异议", exact=True).first).to_be_visible()
    expect(public.get_by_text(unfunded.lead_unit.name)).to_have_count(0)
    screenshots(public, "public-publicity")

    # The 公示 lasts at least a day; rather than wait, move its end into the past.
    FundingPlan.objects.filter(pk=plan_pk).update(publicity_ends=timezone.now() - timedelta(minutes=1))
    bureau.reload()
    bureau.get_by_role("button", name="公示结束，确定立项").click()
    expect(messages(bureau)).to_have_text("立项完成：1个项目，已通知项目负责人确认任务书。")
    expect(bureau.locator("#plan-status")).to_have_text("已立项")
    bureau_shot("final")
    public.reload()
    expect(public.locator("#phase")).to_contain_text("已结束，立项已确定")
    expect(public.get_by_role("heading", name="提出异议")).to_have_count(0)
    screenshots(public, "public-final")

    # 任务书: the 负责人 confirms, the unit approves, the 科室 signs.
    leader_page, leader_shot = person("leader", leader)
    leader_page.get_by_role("navigation", name="主导航").get_by_role("link", name="项目", exact=True).click()
    expect(leader_page.get_by_role("heading", name="立项项目", level=1)).to_be_visible()
    row = leader_page.get_by_role("row").filter(has_text=funded.title)
    expect(row.locator("td[data-label='资助金额']")).to_have_text("5万元")
    expect(row.locator("td[data-label='任务书']")).to_have_text("待负责人确认")
    leader_shot("projects")
    number = row.get_by_role("link").inner_text()
    assert re.fullmatch(r"GLKJ2022-25-\d{4}", number), number
    row.get_by_role("link", name=number).click()
    expect(leader_page.locator("#project-status")).to_have_text("任务书签订中")
    expect(leader_page.locator("#contract-status")).to_have_text("待负责人确认")
    leader_shot("project")

    contract_link = leader_page.locator("#contract").get_by_role("link", name="PDF")
    pdf = leader_page.request.get(contract_link.get_attribute("href"))
    assert pdf.ok, pdf.status
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF"), pdf.body()[:20]

    leader_page.get_by_role("button", name="负责人确认任务书").click()
    expect(messages(leader_page)).to_have_text("任务书已更新。")
    expect(leader_page.locator("#contract-status")).to_have_text("负责人已确认，待单位审核")
    expect(leader_page.get_by_role("button", name="负责人确认任务书")).to_have_count(0)
    leader_shot("confirmed")

    unit_page, unit_shot = person("unit", unit_admin)
    open_project(unit_page, unit_shot, number)
    unit_page.get_by_role("button", name="单位审核通过").click()
    expect(messages(unit_page)).to_have_text("任务书已更新。")
    expect(unit_page.locator("#contract-status")).to_have_text("单位已审核，待科室审核")
    unit_shot("approved")

    open_project(bureau, bureau_shot, number)
    tranche = bureau.locator("#tranches tbody tr").first
    expect(tranche.locator("td[data-label='状态']")).to_have_text("待拨付条件满足")
    bureau.get_by_role("button", name="科室审核通过，签订任务书").click()
    expect(messages(bureau)).to_have_text("任务书已更新。")
    expect(bureau.locator("#contract-status")).to_have_text("已签订")
    expect(bureau.locator("#project-status")).to_have_text("实施中")

    # The first (here the only: 方向25 pays on signing) payment.
    expect(bureau.locator("#tranches tbody tr")).to_have_count(1)
    expect(tranche.locator("td[data-label='拨付条件']")).to_have_text("任务书签订后")
    expect(tranche.locator("td[data-label='计划金额']")).to_have_text("5万元")
    expect(tranche.locator("td[data-label='状态']")).to_have_text("可拨付")
    bureau_shot("signed")
    expect(tranche.get_by_label("拨付日期")).to_have_value(timezone.localdate().isoformat())
    tranche.get_by_label("凭证号").fill(VOUCHER)
    tranche.get_by_role("button", name="登记拨付").click()
    expect(messages(bureau)).to_have_text("已登记第1笔拨付。")
    expect(tranche.locator("td[data-label='状态']")).to_have_text("已拨付")
    expect(tranche.locator("td[data-label='实拨']")).to_contain_text("5万元 · ")
    expect(tranche.locator("td[data-label='实拨']")).to_contain_text(VOUCHER)
    expect(tranche.get_by_role("button", name="登记拨付")).to_have_count(0)
    bureau_shot("paid")

    # The project starts in 2027: the 科室 allows the first report and 验收 early, in writing.
    for item in ("第1年度报告", "验收"):
        early = bureau.locator("details").filter(has_text="准许提前办理")
        early.locator("summary").click()
        early.get_by_label("事项").select_option(label=item)
        early.get_by_label("理由").fill("项目提前完成，经科室核实同意提前办理。")
        early.get_by_role("button", name="准许").click()
        expect(messages(bureau)).to_have_text("已准许提前办理，并记录理由。")
    expect(bureau.locator("table.history")).to_contain_text("准许提前办理")

    # The 负责人's yearly report, accepted by the 科室.
    leader_page.reload()
    expect(leader_page.locator("#project-status")).to_have_text("实施中")
    reports = leader_page.locator("#reports")
    expect(reports.get_by_label("项目年度")).to_have_value("1")
    reports.get_by_label(re.compile(r"（承诺 1）$")).fill("0")
    reports.get_by_label("工作进展").fill("完成材料配方筛选，制备出第一批样品。")
    reports.get_by_label("累计支出（元）").fill("30000")
    leader_shot("report-form")
    reports.get_by_role("button", name="提交年度报告").click()
    expect(messages(leader_page)).to_have_text("年度报告已提交。")
    first_year = leader_page.locator("#reports > div").filter(has_text="第1年度")
    expect(first_year.locator(".pill")).to_have_text("待审核")
    expect(first_year).to_contain_text("完成材料配方筛选")
    leader_shot("reported")

    bureau.reload()
    first_year = bureau.locator("#reports > div").filter(has_text="第1年度")
    first_year.get_by_label("审核意见").fill("进展符合任务书安排。")
    bureau_shot("report")
    first_year.get_by_role("button", name="通过", exact=True).click()
    expect(messages(bureau)).to_have_text("年度报告已审核。")
    expect(first_year.locator(".pill")).to_have_text("已通过")
    expect(first_year).to_contain_text("进展符合任务书安排。")
    bureau_shot("report-accepted")

    # 验收: the 负责人 applies with what was achieved, the 科室 passes it.
    leader_page.reload()
    acceptance = leader_page.locator("#acceptance")
    expect(acceptance.locator("details")).to_have_attribute("open", "")
    acceptance.get_by_label(re.compile(r"（承诺 1）$")).fill("1")
    acceptance.get_by_label("项目总投入（元）").fill("100000")
    acceptance.get_by_label("新增产值（元）").fill("0")
    acceptance.get_by_label("验收总结").fill("研制出柔性传感材料样品1种，完成任务书约定指标。")
    leader_shot("acceptance-form")
    acceptance.get_by_role("button", name="提交验收申请").click()
    expect(messages(leader_page)).to_have_text("验收申请已提交。")
    achieved = acceptance.locator("tbody tr")
    expect(achieved).to_have_count(1)
    expect(achieved.locator("td[data-label='完成']")).to_have_text("1")
    expect(achieved.locator("td[data-label='是否完成']")).to_have_text("完成")
    leader_shot("acceptance-submitted")

    bureau.reload()
    acceptance = bureau.locator("#acceptance")
    expect(acceptance).to_contain_text("研制出柔性传感材料样品1种")
    acceptance.get_by_role("radio", name="通过", exact=True).check()
    bureau_shot("acceptance")
    acceptance.get_by_role("button", name="保存验收结论").click()
    expect(messages(bureau)).to_have_text("验收结论已保存。")
    expect(bureau.locator("#project-status")).to_have_text("验收通过")
    expect(bureau.locator("#acceptance-decision")).to_have_text("通过")
    expect(bureau.get_by_role("button", name="保存验收结论")).to_have_count(0)
    bureau_shot("accepted")
