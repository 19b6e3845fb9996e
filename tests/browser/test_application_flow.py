"""申报 as people do it, in a real browser: a unit registers and is approved, invites its
项目负责人, who fills in and submits a 方向25 申报书 while the findings panel checks it live;
the unit, the 推荐单位 and the 科室 then take it through to 形式审查通过. Also: an officer
returns an application and the leader resubmits it as a second version, and the workspace and
the desk fit a phone's width."""

import re
from datetime import date

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from stplan.applications import services
from stplan.applications.models import Application, Status
from stplan.demo.builders import MINIMAL_PDF, resident_id, years_ago
from tests import world
from tests.factories import credit_code

FACTORY_PASSWORD = "pw-123456"
PASSWORD = "Guilin-2022-pass"
DIRECTION_25 = "方向25 青年创新人才科研专项（创新平台和人才计划）"
ATTACHMENTS_25 = {
    "id_card": "身份证复印件",
    "doctorate_certificate": "博士学位证书",
    "guilin_arrival_proof": "到桂林工作未满三年证明",
    "matching_commitment": "单位配套经费承诺书",
}
CONFIRM_SUBMIT = "提交后不能修改，除非被退回。确定提交？"
CONFIRM_REVIEW = "确认提交形式审查结论？提交后不能撤回。"


def label(text: str) -> re.Pattern:
    """A form field's whole label: Django appends a colon, and "邮箱" must not find "联系邮箱"."""
    return re.compile(rf"^{re.escape(text)}[:：]?$")


def messages(page: Page):
    return page.get_by_role("status")


def log_in(page: Page, shot, username: str, password: str, who: str) -> None:
    if not page.url.endswith("/accounts/login/"):
        page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()
    shot(f"{who}-login")
    page.get_by_label(label("用户名")).fill(username)
    page.get_by_label(label("密码")).fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    shot(f"{who}-workspace")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录", level=1)).to_be_visible()


def accept_dialogs(page: Page) -> list[str]:
    seen: list[str] = []

    def accept(dialog):
        seen.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def section(page: Page, name: str):
    """One section of the 申报书 form (基本信息, 项目负责人, …): labels repeat across sections."""
    return page.locator(f"#section-{name}")


def todo(page: Page):
    """The 待办 table on the workspace."""
    return page.locator("h2:text-is('待办') + table")


def status_pill(page: Page):
    return page.locator("#status")


def open_from_desk(page: Page, shot, number: str, link: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="形式审查").click()
    expect(page.get_by_role("heading", name="形式审查（国外智力引进与人才科）")).to_be_visible()
    shot("desk")
    page.get_by_role("row").filter(has_text=number).get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^形式审查：{number}"))).to_be_visible()


def recommended_25():
    """A 方向25 application built with the factories, taken by its unit and 推荐单位 up to 形式审查."""
    guide = world.open_guide()
    recommender = world.RecommenderFactory()
    leader = world.LeaderFactory()
    unit_admin = world.UnitAdminFactory(unit=leader.unit)
    application = world.submitted_25(guide=guide, leader=leader, recommender=recommender.unit)
    services.transition(application=application, action="unit_approve", actor=unit_admin)
    return services.transition(application=application, action="recommend", actor=recommender)


def test_unit_registers_leader_applies_and_the_application_passes_formal_review(page, shot, tmp_path):
    world.open_guide()
    bureau_admin = world.BureauAdminFactory()
    recommender = world.RecommenderFactory()
    officer = world.OfficerFactory()
    today = timezone.localdate()
    unit_name = "桂林浏览器测试新材料有限公司"
    dialogs = accept_dialogs(page)

    # 单位注册: the unit and its administrator's account, then wait for the bureau.
    page.goto("/accounts/register/")
    shot("register")
    for field, value in {
        "单位名称": unit_name,
        "统一社会信用代码": credit_code(),
        "详细地址": "桂林市七星区朝阳路1号",
        "联系人": "王芳",
        "联系电话": "0773-5801234",
        "联系邮箱": "office@xcl.test",
        "用户名": "xcl_admin",
        "姓名": "王芳",
        "邮箱": "wangfang@xcl.test",
        "手机号码": "13800000001",
        "密码": PASSWORD,
        "确认密码": PASSWORD,
    }.items():
        page.get_by_label(label(field)).fill(value)
    page.get_by_label(label("单位性质")).select_option(label="企业")
    page.get_by_label(label("县（市、区）")).select_option("七星区")
    page.get_by_label("科技型中小企业").check()
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.get_by_role("heading", name="请查收确认邮件")).to_be_visible()
    shot("registration-mail-sent")
    page.goto(world.registration_link(mail.outbox))
    page.get_by_role("button", name="确认注册").click()
    expect(messages(page)).to_contain_text("注册申请已提交")
    expect(page.get_by_role("heading", name=unit_name, level=1)).to_be_visible()
    expect(page.locator("p", has_text="注册状态").locator(".pill")).to_have_text("待审核")
    expect(page.get_by_text("单位注册审核通过后才能邀请人员。")).to_be_visible()
    shot("registered")
    log_out(page)

    # 注册审核 by the bureau.
    log_in(page, shot, bureau_admin.username, FACTORY_PASSWORD, "bureau-admin")
    page.get_by_role("link", name="1 个单位注册待审核").click()
    shot("registrations")
    page.get_by_role("link", name=unit_name).click()
    expect(page.get_by_role("heading", name=f"注册审核：{unit_name}")).to_be_visible()
    shot("registration")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(messages(page)).to_contain_text("审核结果已保存")
    expect(page.get_by_role("link", name=unit_name)).to_have_count(0)
    shot("registration-approved")
    log_out(page)

    # The unit administrator invites the 项目负责人; the link is shown as well as mailed.
    log_in(page, shot, "xcl_admin", PASSWORD, "unit-admin")
    page.get_by_role("link", name="本单位").click()
    expect(page.locator("p", has_text="注册状态").locator(".pill")).to_have_text("已通过")
    shot("unit")
    invite = page.locator(".card").filter(has=page.get_by_role("heading", name="邀请项目负责人"))
    invite.get_by_label(label("姓名")).fill("赵青")
    invite.get_by_label(label("邮箱")).fill("zhaoqing@xcl.test")
    invite.get_by_role("button", name="发送邀请").click()
    expect(messages(page)).to_contain_text("已向 zhaoqing@xcl.test 发送邀请。邀请链接：")
    shot("invited")
    invitation_link = re.search(r"邀请链接：(\S+)", messages(page).inner_text())[1]
    log_out(page)

    page.goto(invitation_link)
    expect(page.get_by_role("heading", name=f"赵青，{unit_name}邀请您注册为项目负责人")).to_be_visible()
    shot("invitation")
    page.get_by_label(label("用户名")).fill("zhaoqing")
    page.get_by_label(label("手机号码")).fill("13800000002")
    page.get_by_label(label("密码")).fill(PASSWORD)
    page.get_by_label(label("确认密码")).fill(PASSWORD)
    page.get_by_role("button", name="创建账号").click()
    expect(messages(page)).to_contain_text("账号已创建")
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    shot("leader-workspace")

    # The leader starts a 方向25 申报书.
    page.get_by_label("申报方向").select_option(label=DIRECTION_25)
    page.get_by_role("button", name="开始填写").click()
    heading = page.get_by_role("heading", name=re.compile(r"^填写申报书：GL2022-25-\d{5}$"))
    expect(heading).to_be_visible()
    number = heading.inner_text().removeprefix("填写申报书：")
    shot("edit-new")

    # …and fills it in, section by section, first with too little 自筹匹配 (1:1 is required)
    # and a budget to match.
    start = date(today.year + 1, 1, 1)
    sections = {
        "basic": {
            "项目名称": "柔性可穿戴传感材料研究",
            "起始日期": start.isoformat(),
            "完成日期": date(start.year + 1, 12, 31).isoformat(),
            "关键词": "柔性传感，新材料，可穿戴",
            "项目摘要": "研制高灵敏柔性传感材料并开展可穿戴器件应用验证。",
        },
        "leader": {
            "证件号码": resident_id(years_ago(today, 33), 25),
            "到桂林工作日期": years_ago(today, 1).isoformat(),
        },
        "content": {"主要研究内容": "1. 材料配方；2. 器件制备；3. 应用验证。"},
        "budget": {"申请市财政资助": "50000", "单位自筹匹配": "10000"},
    }
    expect(section(page, "basic").get_by_label(label("实施年限（年）"))).to_have_value("2")
    for name, fields in sections.items():
        for field, value in fields.items():
            section(page, name).get_by_label(label(field)).fill(value)
    section(page, "basic").get_by_label(label("推荐单位")).select_option(
        label=f"{recommender.unit.name}（县（市、区）科技主管部门）"
    )
    for field, choice in {"学位": "博士", "学科领域": "工程技术", "职称": "中级"}.items():
        section(page, "leader").get_by_label(label(field)).select_option(label=choice)
    budget_years = section(page, "budget").locator("tbody tr")
    expect(budget_years).to_have_count(2)
    budget_years.nth(0).get_by_label("设备费").fill("10000")
    budget_years.nth(0).get_by_label("业务费").fill("20000")
    budget_years.nth(1).get_by_label("业务费").fill("20000")
    budget_years.nth(1).get_by_label("劳务费").fill("10000")
    budget_years.nth(1).get_by_label("劳务费").press("Tab")

    findings = page.locator("#findings")
    matching_error = findings.locator("li.finding.error[data-rule='matching']")
    expect(findings.locator("[data-autosaved]")).to_be_visible()
    expect(matching_error).to_contain_text("匹配经费不足")
    expect(findings.locator("li.finding.error[data-rule='attachments']")).to_be_visible()
    expect(findings.locator(".verdict.bad")).to_be_visible()
    shot("edit-live-errors")

    page.get_by_role("button", name="保存草稿").click()
    expect(messages(page)).to_have_text("草稿已保存。")
    expect(section(page, "budget").get_by_label(label("单位自筹匹配"))).to_have_value("10000")
    shot("draft-saved")

    for code, name in ATTACHMENTS_25.items():
        pdf = tmp_path / f"{code}.pdf"
        pdf.write_bytes(MINIMAL_PDF)
        section(page, "attachments").get_by_label(label("附件类型")).select_option(label=name)
        section(page, "attachments").get_by_label(label("文件")).set_input_files(pdf)
        page.get_by_role("button", name="上传").click()
        expect(messages(page)).to_have_text(f"附件“{code}.pdf”已上传。")
        expect(page.locator("#section-attachments li", has_text=name)).to_have_text(f"✔ {name}")
        shot(f"uploaded-{code}")
    expect(findings.locator("li.finding.error")).to_have_count(1)
    expect(matching_error).to_be_visible()

    # Raising the 自筹匹配 to 1:1 clears the error as soon as the budget adds up again.
    self_raised = section(page, "budget").get_by_label(label("单位自筹匹配"))
    self_raised.fill("50000")
    self_raised.press("Tab")
    expect(findings.locator("ul.problems")).to_contain_text(
        "经费支出合计（60,000元）须等于经费来源合计（100,000元）"
    )
    expect(matching_error).to_have_count(0)
    shot("edit-budget-unbalanced")
    budget_years.nth(1).get_by_label("业务费").fill("60000")
    budget_years.nth(1).get_by_label("业务费").press("Tab")
    expect(findings.locator(".verdict.ok")).to_contain_text("符合申报要求，可以提交。")
    expect(findings.locator("ul.problems")).to_have_count(0)
    expect(findings.locator("li.finding.error")).to_have_count(0)
    shot("edit-eligible")

    page.get_by_role("button", name="提交申报书").click()
    expect(messages(page)).to_contain_text(re.compile(r"已提交（第1版）。申报书摘要值 SHA-256：[0-9a-f]{64}"))
    assert dialogs == ["确认审核通过该单位的注册？", CONFIRM_SUBMIT]
    sha256 = re.search(r"SHA-256：([0-9a-f]{64})", messages(page).inner_text())[1]
    current_version = page.get_by_role("row", name=re.compile("当前提交版本"))
    expect(current_version).to_contain_text("第1版")
    expect(current_version).to_contain_text(sha256)
    expect(status_pill(page)).to_have_text("已提交，待单位审核")
    shot("submitted")
    log_out(page)

    # 单位审核, 推荐, 形式审查.
    log_in(page, shot, "xcl_admin", PASSWORD, "unit-admin-review")
    todo(page).get_by_role("link", name=number).click()
    expect(status_pill(page)).to_have_text("已提交，待单位审核")
    shot("unit-review")
    page.get_by_role("button", name="单位审核通过", exact=True).click()
    expect(messages(page)).to_have_text("已单位审核通过。")
    expect(status_pill(page)).to_have_text("单位已审核，待推荐")
    shot("unit-approved")
    log_out(page)

    log_in(page, shot, recommender.username, FACTORY_PASSWORD, "recommender")
    todo(page).get_by_role("link", name=number).click()
    shot("recommender-detail")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(messages(page)).to_have_text("已推荐。")
    expect(status_pill(page)).to_have_text("已推荐，待形式审查")
    shot("recommended")
    log_out(page)

    log_in(page, shot, officer.username, FACTORY_PASSWORD, "officer")
    open_from_desk(page, shot, number, "审查")
    expect(page.locator("li.finding.error")).to_have_count(0)
    shot("review")
    page.get_by_role("radio", name="通过", exact=True).check()
    page.get_by_role("button", name="提交审查结论").click()
    expect(messages(page)).to_have_text(f"{number}：形式审查通过。")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row.locator(".pill", has_text="形式审查通过")).to_be_visible()
    shot("desk-passed")
    row.get_by_role("link", name="查看", exact=True).click()
    expect(status_pill(page)).to_have_text("形式审查通过")
    shot("reviewed")
    assert Application.objects.get(number=number).status == Status.PASSED


def test_officer_returns_and_leader_resubmits_a_second_version(page, shot):
    application = recommended_25()
    officer = world.OfficerFactory()
    number, first_title = application.number, application.title
    reason = "项目名称请与研究内容保持一致。"
    dialogs = accept_dialogs(page)

    log_in(page, shot, officer.username, FACTORY_PASSWORD, "officer")
    open_from_desk(page, shot, number, "审查")
    shot("review")
    page.get_by_role("radio", name="退回修改", exact=True).check()
    page.get_by_role("button", name="提交审查结论").click()
    expect(messages(page)).to_have_text("形式审查退回修改须填写理由。")
    expect(page.get_by_role("radio", name="退回修改", exact=True)).to_be_checked()
    shot("review-reason-missing")
    page.get_by_label("审查意见（不通过、退回修改时必填）").fill(reason)
    page.get_by_role("button", name="提交审查结论").click()
    expect(messages(page)).to_have_text(f"{number}：形式审查退回修改。")
    shot("desk-returned")
    log_out(page)

    log_in(page, shot, application.leader.username, FACTORY_PASSWORD, "leader")
    row = todo(page).get_by_role("row").filter(has_text=number)
    expect(row.locator(".pill")).to_have_text("退回修改")
    row.get_by_role("link", name=number).click()
    expect(status_pill(page)).to_have_text("退回修改")
    expect(page.get_by_role("cell", name=reason)).to_be_visible()
    shot("returned")
    page.get_by_role("link", name="继续填写").click()
    title = section(page, "basic").get_by_label(label("项目名称"))
    expect(title).to_have_value(first_title)
    expect(page.get_by_role("note")).to_contain_text(reason)
    shot("edit-returned")
    title.fill("柔性传感材料的制备与可穿戴应用研究")
    title.press("Tab")
    expect(page.locator("#findings [data-autosaved]")).to_be_visible()
    expect(page.locator("#findings .verdict.ok")).to_be_visible()
    page.get_by_role("button", name="重新提交").click()
    expect(messages(page)).to_contain_text("已提交（第2版）")
    assert dialogs == [CONFIRM_REVIEW, CONFIRM_REVIEW, CONFIRM_SUBMIT]
    expect(status_pill(page)).to_have_text("已提交，待单位审核")
    expect(page.get_by_role("row", name=re.compile("当前提交版本"))).to_contain_text("第2版")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{number}：柔性传感材料的制备与可穿戴应用研究")
    shot("resubmitted")

    # Both versions stay readable, each as it was submitted.
    for version, title_then in ((1, first_title), (2, "柔性传感材料的制备与可穿戴应用研究")):
        page.goto(f"/applications/{application.pk}/versions/{version}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{number}：申报书第{version}版")
        expect(page.get_by_role("row", name=re.compile("项目名称"))).to_contain_text(title_then)
        shot(f"version-{version}")


def _horizontal_overflow(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.documentElement, width = root.clientWidth;
            const wide = [...document.body.querySelectorAll("*")]
                .filter((e) => e.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
                            (e.className ? "." + String(e.className).trim().replace(/\\s+/g, ".") : ""));
            return {scrollWidth: root.scrollWidth, clientWidth: width, wide};
        }"""
    )


def test_workspace_and_desk_fit_a_phone_screen(new_page, screenshots):
    application = recommended_25()
    leader = application.leader
    officer = world.OfficerFactory()

    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)

    def shot(step):
        return screenshots(page, step)

    def assert_fits(what):
        overflow = _horizontal_overflow(page)
        assert overflow["scrollWidth"] <= overflow["clientWidth"] + 1, (what, overflow)

    log_in(page, shot, leader.username, FACTORY_PASSWORD, "leader")
    expect(page.get_by_role("button", name="开始填写")).to_be_visible()
    assert_fits("leader's workspace")
    log_out(page)

    log_in(page, shot, officer.username, FACTORY_PASSWORD, "officer")
    assert_fits("officer's workspace")
    page.get_by_text("菜单", exact=True).click()  # on a phone the links fold under 菜单
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="形式审查").click()
    expect(page.get_by_role("row").filter(has_text=application.number)).to_be_visible()
    shot("desk")
    assert_fits("desk")
