"""A new unit signs up, in a real browser at desktop and phone width: a refused first try keeps
what was typed (passwords too), the county is chosen from the list, the 资质 proof is uploaded;
the e-mail link confirms it and the 局管理员 approves, seeing the 资质 and the proof."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from stplan.accounts.models import Unit
from stplan.demo.builders import MINIMAL_PDF
from tests import world
from tests.browser.test_application_flow import (
    FACTORY_PASSWORD,
    accept_dialogs,
    label,
    log_in,
    log_out,
    messages,
)
from tests.factories import credit_code

PASSWORD = "Guilin-2022-pass"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _fits(page, width: int = 360) -> None:
    """No horizontal scrolling at the narrowest phone width."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size(size)


@pytest.mark.parametrize("width", WIDTHS)
def test_new_unit_registers_with_proof_and_the_bureau_approves_seeing_it(
    new_page, screenshots, width, tmp_path
):
    page = new_page(viewport=WIDTHS[width], is_mobile=width == "phone")
    shot = lambda step: screenshots(page, step)  # noqa: E731
    world.open_guide()
    bureau_admin = world.BureauAdminFactory(full_name="局管理员")
    unit_name = "桂林签约测试光电有限公司"
    proof = tmp_path / "高新技术企业证书.pdf"
    proof.write_bytes(MINIMAL_PDF)
    dialogs = accept_dialogs(page)

    page.goto("/accounts/register/")
    shot("register")
    _fits(page)
    for field, value in {
        "单位名称": unit_name,
        "统一社会信用代码": credit_code(),
        "详细地址": "七星路8号",
        "联系人": "赵敏",
        "联系电话": "0773-5801111",
        "联系邮箱": "office@gd.test",
        "用户名": "gd_admin",
        "姓名": "赵敏",
        "邮箱": "zhaomin@gd.test",
        "手机号码": "13800000002",
        "密码": PASSWORD,
        "确认密码": PASSWORD,
    }.items():
        page.get_by_label(label(field)).fill(value)
    page.get_by_label(label("单位性质")).select_option(label="企业")
    page.get_by_label("高新技术企业").check()
    # First try without a county: refused, and nothing typed is lost.
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.get_by_text("这个字段是必填项。").first).to_be_visible()
    shot("register-refused")
    expect(page.get_by_label(label("密码"))).to_have_value(PASSWORD)
    expect(page.get_by_label(label("确认密码"))).to_have_value(PASSWORD)
    expect(page.get_by_label(label("单位名称"))).to_have_value(unit_name)
    page.get_by_label(label("县（市、区）")).select_option("七星区")
    page.get_by_label(label("资质证明")).set_input_files(proof)
    page.get_by_role("button", name="提交注册申请").click()
    expect(page.get_by_role("heading", name="请查收确认邮件")).to_be_visible()
    shot("registration-mail-sent")

    page.goto(world.registration_link(mail.outbox))
    page.get_by_role("button", name="确认注册").click()
    expect(messages(page)).to_contain_text("注册申请已提交")
    shot("registered")
    log_out(page)

    log_in(page, shot, bureau_admin.username, FACTORY_PASSWORD, "bureau-admin")
    # Once, not "局管理员（局管理员）"; on a phone it stands under 菜单 with the links.
    expect(page.locator("header").get_by_text("局管理员", exact=True)).to_have_count(1)
    page.get_by_role("link", name="1 个单位注册待审核").click()
    page.get_by_role("link", name=unit_name).click()
    expect(page.get_by_role("heading", name=f"注册审核：{unit_name}")).to_be_visible()
    expect(page.locator("#qualifications")).to_have_text("高新技术企业")
    expect(page.locator("#proofs").get_by_role("link", name="高新技术企业证书.pdf")).to_be_visible()
    shot("registration")
    _fits(page)
    page.get_by_role("button", name="通过", exact=True).click()
    expect(messages(page)).to_contain_text("审核结果已保存")
    assert dialogs == ["确认审核通过该单位的注册？"]
    shot("registration-approved")
    unit = Unit.objects.get(name=unit_name)
    assert (unit.status, unit.county, unit.proofs.count()) == ("approved", "七星区", 1)
