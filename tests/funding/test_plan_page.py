"""The plan page asks before its two steps that cannot be undone: 开始公示 publishes the list,
确定立项 creates the projects."""

import pytest
from django.test import Client
from django.urls import reverse

from stplan.funding import services
from tests.world import open_guide, scored_round

pytestmark = pytest.mark.django_db


def _plan_page(plan, staff) -> str:
    client = Client()
    client.force_login(staff)
    return client.get(reverse("funding:plan", args=[plan.pk])).content.decode()


def test_plan_page_asks_before_starting_the_publicity():
    current, _applications, staff = scored_round(open_guide(), [90])
    plan = services.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)

    assert 'data-confirm="开始公示后方案不能再修改，公示名单将向社会公开，确定开始公示？"' in _plan_page(
        plan, staff
    )


def test_plan_page_asks_before_deciding_the_projects():
    current, _applications, staff = scored_round(open_guide(), [90])
    plan = services.create_plan(actor=staff, review_round=current, name="第一批", total_budget=100_000)
    plan = services.publicize(plan=plan, actor=staff)

    assert (
        'data-confirm="确定立项后将生成项目并通知项目负责人确认任务书，不能撤回。确定立项？"'
        in _plan_page(plan, staff)
    )
