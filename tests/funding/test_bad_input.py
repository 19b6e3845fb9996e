"""Values a browser should not send to the funding pages — too long, not a choice, not a
number — are refused with a Chinese message naming the field, never a server error (on
PostgreSQL an over-long value is a DataError, on SQLite it would be stored as it came)."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from stplan.funding import services
from stplan.funding.models import FundingPlan, Objection
from tests.world import open_guide, scored_round

pytestmark = pytest.mark.django_db


def shown_messages(response) -> list[tuple[str, str]]:
    page = response.content.decode()
    block = re.search(r'<ul class="messages" role="status">(.*?)</ul>', page, re.S)
    if block is None:
        return []
    return [
        (level, html.unescape(text))
        for level, text in re.findall(r'<li class="([^"]*)">(.*?)</li>', block[1])
    ]


@pytest.fixture
def scored():
    return scored_round(open_guide(), [90])


@pytest.fixture
def staff_client(scored):
    client = Client(raise_request_exception=False)
    client.force_login(scored[2])
    return client


def plan_post(review_round, **overrides):
    return {
        "review_round": review_round.pk,
        "name": "2022年度立项方案",
        "total_budget": "100000",
        "objective": "score",
        "min_score": "60",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"name": "方" * 101}, "方案名称不能超过100个字。", id="name_101"),
        pytest.param({"objective": "score" * 5}, "请选择优化目标。", id="objective_not_a_choice"),
        pytest.param({"min_score": "nan"}, "分数线应为数字。", id="min_score_nan"),
        pytest.param({"min_score": "NaN"}, "分数线应为数字。", id="min_score_NaN"),
        pytest.param({"min_score": "inf"}, "分数线应为数字。", id="min_score_inf"),
        pytest.param({"min_score": "-Infinity"}, "分数线应为数字。", id="min_score_minus_infinity"),
        pytest.param({"min_score": "1e400"}, "分数线应为数字。", id="min_score_beyond_float"),
        pytest.param({"min_score": "六十"}, "分数线应为数字。", id="min_score_words"),
    ],
)
def test_plan_with_a_bad_value_is_refused_in_chinese(staff_client, scored, overrides, message):
    response = staff_client.post(reverse("funding:plans"), plan_post(scored[0], **overrides))
    assert response.status_code == 200
    assert shown_messages(response) == [("error", message)]
    assert FundingPlan.objects.count() == 0


def test_plan_with_a_100_character_name_and_a_decimal_score_line_is_made(staff_client, scored):
    response = staff_client.post(
        reverse("funding:plans"), plan_post(scored[0], name="方" * 100, min_score="75.5")
    )
    plan = FundingPlan.objects.get()
    assert response.status_code == 302
    assert (plan.name, plan.min_score) == ("方" * 100, 75.5)


@pytest.fixture
def publicized(scored):
    current, _applications, staff = scored
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    return services.publicize(plan=plan, actor=staff, days=5)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"name": "张" * 51}, "姓名不能超过50个字。", id="name_51"),
        pytest.param({"name": "张" * 60}, "姓名不能超过50个字。", id="name_60"),
        pytest.param({"contact": "1" * 101}, "联系方式不能超过100个字。", id="contact_101"),
    ],
)
def test_anonymous_objection_with_an_over_long_value_is_refused_in_chinese(publicized, overrides, message):
    client = Client(raise_request_exception=False)
    data = {"name": "张三", "contact": "13800000000", "content": "成果与他人重复", **overrides}
    response = client.post(reverse("funding:objection", args=[publicized.pk]), data)
    assert response.status_code == 200
    assert shown_messages(response) == [("error", message)]
    assert Objection.objects.count() == 0
    # The refused objection is shown again as typed.
    assert "成果与他人重复</textarea>" in response.content.decode()


def test_anonymous_objection_with_a_50_character_name_is_received(publicized):
    client = Client(raise_request_exception=False)
    data = {"name": "张" * 50, "contact": "1" * 100, "content": "成果与他人重复"}
    response = client.post(reverse("funding:objection", args=[publicized.pk]), data, follow=True)
    assert shown_messages(response) == [("success", "异议已收到，科技局将核实处理。")]
    assert Objection.objects.get().name == "张" * 50
