"""专家评审 as people do it, in a real browser: an officer runs the assignment and publishes
it; an expert declares no conflict, reads the 申报书, saves a draft, scores and submits; a
second expert declares a conflict instead; the officer sees the gap and the aggregated ranking."""

import re

from playwright.sync_api import Page, expect

from stplan.review.models import Assignment, Expert
from tests import world
from tests.browser.test_application_flow import FACTORY_PASSWORD, label, log_out, messages

# 人才项目评分表 (方向25), its inputs named score-<code> and comment-<code>:
# code → (criterion, most points, points given, comment).
SCORES = {
    "talent": ("申报人能力与潜力", 35, 30, "申报人博士期间成果扎实，具备独立开展研究的能力。"),
    "innovation": ("选题创新性", 25, 20, "选题面向柔性传感新材料，有一定新意。"),
    "feasibility": ("研究方案可行性", 20, 16, "技术路线清楚，进度安排合理。"),
    "support": ("单位支持与配套", 20, 15, "单位按1:1配套经费，条件较好。"),
}
TOTAL = sum(points for _name, _most, points, _comment in SCORES.values())


def log_in(page: Page, shot, user, who: str, lands_on: str = "工作台") -> None:
    """Logs in with the login form; experts land on 我的评审任务, everyone else on 工作台."""
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    shot(f"{who}-login")
    page.get_by_label(label("用户名")).fill(user.username)
    page.get_by_label(label("密码")).fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=lands_on, level=1)).to_be_visible()
    shot(f"{who}-home")


def round_row(page: Page, number: str):
    """An application's row in the round's table of applications and their experts."""
    return page.locator("table tbody tr").filter(has_text=number)


def open_task(page: Page, shot, number: str, who: str) -> None:
    """From 我的评审, where an expert lands on logging in, to the task of one application."""
    expect(page).to_have_url(re.compile(r"/review/mine/$"))
    expect(page.get_by_role("heading", name="我的评审任务", level=1)).to_be_visible()
    task = page.get_by_role("row").filter(has_text=number)
    expect(task.locator(".pill")).to_have_text("已发布，待专家确认")
    task.get_by_role("link", name=re.compile(rf"^{number} ")).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^评审：{number}"), level=1)).to_be_visible()
    expect(page.locator("#status")).to_have_text("已发布，待专家确认")
    shot(f"{who}-task")


def test_officer_assigns_expert_scores_and_officer_sees_ranking(page, shot):
    guide = world.open_guide()
    applications = [world.passed_25(guide) for _ in range(3)]
    for _ in range(4):
        world.ExpertFactory()
    current = world.review_round(guide, directions=(25,), experts_per_application=2)
    officer = world.OfficerFactory()
    first = applications[0].number
    # 发布, 提交评审意见 and 声明回避 ask first (data-confirm): the person says yes.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    # The officer solves the assignment and publishes it.
    log_in(page, shot, officer, "officer")
    page.goto(f"/review/rounds/{current.pk}/")
    expect(page.get_by_role("heading", name=re.compile(r"^测试评审"), level=1)).to_be_visible()
    for application in applications:
        expect(round_row(page, application.number)).to_contain_text("尚未分配")
    shot("round")
    page.get_by_role("button", name="自动分配").click()
    expect(messages(page)).to_have_text("已完成分配（拟分配6对），请核对后发布。")
    expect(page.locator("#solver-report")).to_contain_text("所有项目均已配齐专家。")
    for application in applications:
        row = round_row(page, application.number)
        expect(row.locator("div.assignment")).to_have_count(2)
        expect(row.get_by_role("cell", name="2/2", exact=True)).to_be_visible()
        # Each proposed expert with their unit and the affinity that chose them.
        for proposed in row.locator("div.assignment").all():
            expect(proposed).to_contain_text(re.compile(r"（外地研究院\d+，\d+\.\d{3}）拟分配"))
    shot("proposed")
    page.get_by_role("button", name="发布 6 项拟分配并通知专家").click()
    expect(messages(page)).to_have_text("已发布6项评审任务，并已通知专家。")
    notified = len(set(Assignment.objects.filter(round=current).values_list("expert", flat=True)))
    assert asked == [f"发布 6 项评审任务后，将以邮件通知 {notified} 名专家，发布后不能撤回。确定发布吗？"]
    expect(page.locator("div.assignment .pill", has_text="拟分配")).to_have_count(0)
    expect(page.locator("div.assignment", has_text="已发布，待专家确认")).to_have_count(6)
    shot("published")
    # The two experts the page shows for the first application: one reviews, one withdraws.
    assigned = (
        round_row(page, first)
        .locator("div.assignment")
        .evaluate_all("(rows) => rows.map((r) => r.dataset.expert)")
    )
    reviewer, withdrawing = (Expert.objects.select_related("user").get(pk=pk).user for pk in assigned)
    log_out(page)

    # The first expert confirms, reads the 申报书 and scores it: a draft first, then submits.
    log_in(page, shot, reviewer, "expert", lands_on="我的评审任务")
    open_task(page, shot, first, "expert")
    expect(page.get_by_role("heading", name="研究内容")).to_have_count(0)
    page.get_by_role("checkbox", name=re.compile("不存在利益冲突")).check()
    page.get_by_role("checkbox", name=re.compile("承诺对评审材料和评审意见保密")).check()
    page.get_by_role("button", name="确认并开始评审").click()
    expect(messages(page)).to_have_text("已确认并签署保密承诺，可以开始评审。")
    expect(page.locator("#status")).to_have_text("已确认无利益冲突")
    expect(page.get_by_role("heading", name="研究内容", exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^主要研究内容"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^证件号码"))).to_have_count(0)
    expect(page.get_by_role("heading", name="评分（人才项目评分表，满分 100）")).to_be_visible()
    shot("expert-confirmed")

    for name, most, points, comment in SCORES.values():
        page.get_by_label(label(f"{name}（0-{most}分）")).fill(str(points))
        page.get_by_label(label(f"{name}评审意见")).fill(comment)
    page.get_by_label(label("综合意见")).fill("建议资助。")
    page.get_by_role("radio", name="建议资助", exact=True).check()
    page.get_by_role("button", name="保存草稿").click()
    expect(messages(page)).to_have_text("草稿已保存。")
    expect(page.locator("#status")).to_have_text("已确认无利益冲突")
    page.reload()
    expect(messages(page)).to_have_count(0)
    for name, most, points, comment in SCORES.values():
        expect(page.get_by_label(label(f"{name}（0-{most}分）"))).to_have_value(str(points))
        expect(page.get_by_label(label(f"{name}评审意见"))).to_have_value(comment)
    expect(page.get_by_role("radio", name="建议资助", exact=True)).to_be_checked()
    shot("expert-draft")

    page.get_by_role("button", name="提交评审意见").click()
    expect(messages(page)).to_have_text("评审意见已提交。")
    assert asked[-1] == "提交后评审意见不能再修改。确定提交评审意见吗？"
    expect(page.locator("#status")).to_have_text("已提交评审意见")
    expect(page.locator("#total")).to_have_text(str(TOTAL))
    expect(page.get_by_role("button", name="提交评审意见")).to_have_count(0)
    shot("expert-submitted")
    log_out(page)

    # The second expert declares a conflict before confirming; the task is withdrawn.
    log_in(page, shot, withdrawing, "second-expert", lands_on="我的评审任务")
    open_task(page, shot, first, "second-expert")
    declare = page.locator(".card").filter(has=page.get_by_role("heading", name="声明回避"))
    declare.get_by_label(label("利益冲突类型")).select_option(label="近期合作者")
    declare.get_by_label(label("情况说明")).fill("近三年与申报人合作发表论文。")
    declare.get_by_role("button", name="声明存在利益冲突").click()
    expect(messages(page)).to_have_text("已声明回避，该项目已从您的评审任务中移除。")
    expect(page.get_by_role("heading", name="我的评审任务", level=1)).to_be_visible()
    withdrawn = page.get_by_role("row").filter(has_text=first)
    expect(withdrawn.locator(".pill")).to_have_text("已回避")
    expect(withdrawn.get_by_role("link")).to_have_count(0)
    shot("second-expert-withdrawn")
    log_out(page)

    # The officer sees the opened slot and the ranking.
    log_in(page, shot, officer, "officer-again")
    page.goto(f"/review/rounds/{current.pk}/")
    row = round_row(page, first)
    expect(row.locator("div.assignment")).to_have_count(1)
    expect(row.get_by_role("cell", name="1/2", exact=True)).to_be_visible()
    expect(row.locator("div.assignment")).to_contain_text("已提交评审意见")
    expect(row.locator(f"div.assignment[data-expert='{withdrawing.expert.pk}']")).to_have_count(0)
    expect(page.get_by_text("已提交 1 / 5")).to_be_visible()
    shot("round-after")

    page.get_by_role("link", name="评审结果与排名").click()
    expect(page.get_by_role("heading", name="测试评审：评审结果与排名", level=1)).to_be_visible()
    ranked = page.locator("#ranking tbody tr").filter(has_text=first)
    expect(ranked.locator("td[data-label='方向排名']")).to_have_text("1")
    expect(ranked.locator("td[data-label='得分']")).to_have_text(f"{TOTAL}.00")
    expect(ranked.locator("td[data-label='已评/应评']")).to_have_text("1/1")
    expect(ranked.locator("td[data-label='建议资助']")).to_have_text("1")
    expect(page.locator("#ranking tbody tr").first).to_contain_text(first)
    for other in applications[1:]:
        expect(
            page.locator("#ranking tbody tr").filter(has_text=other.number).locator("td").first
        ).to_have_text("—")
    shot("ranking")
