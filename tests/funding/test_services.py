import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.funding import services
from stplan.funding.models import PlanEvent, PlanStatus
from stplan.projects.models import Tranche
from stplan.projects.selectors import projects_of_plan
from tests.world import OfficerFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return open_guide()


def _selected(plan):
    return set(plan.items.filter(selected=True).values_list("application_id", flat=True))


def test_plan_funds_the_best_scores_within_the_budget_and_says_why_the_rest_is_out(guide):
    current, (a, b, c), staff = scored_round(guide, [90, 80, 70])
    plan = services.create_plan(actor=staff, review_round=current, name="方案一", total_budget=100_000)
    assert _selected(plan) == {a.pk, b.pk}
    out = plan.items.get(application=c)
    assert out.amount == 50_000
    assert out.reasons == ["剩余总预算0元不足以资助本项目（50,000元）"]


def test_plan_leaves_out_scores_below_the_line(guide):
    current, (a, b), staff = scored_round(guide, [90, 55])
    plan = services.create_plan(
        actor=staff, review_round=current, name="方案", total_budget=1_000_000, min_score=60
    )
    assert _selected(plan) == {a.pk}
    assert plan.items.get(application=b).reasons == ["评审得分55低于立项分数线60"]


def test_officer_change_is_revalidated_and_audited(guide):
    current, (a, b, c), staff = scored_round(guide, [90, 80, 70])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    with pytest.raises(ServiceError, match="资助总额150,000元超出总预算100,000元"):
        services.change_item(plan=plan, actor=staff, application=c, selected=True)
    assert _selected(plan) == {a.pk, b.pk}
    services.change_item(plan=plan, actor=staff, application=b, selected=False)
    services.change_item(plan=plan, actor=staff, application=c, selected=True)
    assert _selected(plan) == {a.pk, c.pk}
    changes = list(PlanEvent.objects.filter(plan=plan, action="change").values_list("payload", flat=True))
    assert changes == [
        {
            "application": b.number,
            "before_amount": 50000,
            "before_chosen": True,
            "amount": 50000,
            "chosen": False,
        },
        {
            "application": c.number,
            "before_amount": 50000,
            "before_chosen": False,
            "amount": 50000,
            "chosen": True,
        },
    ]


@pytest.mark.parametrize("amount", [40_000, 60_000])
def test_plan_fixed_amount_cannot_be_changed(guide, amount):
    current, (a,), staff = scored_round(guide, [90])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    with pytest.raises(ServiceError, match="方向25为定额资助（每项50,000元），资助金额不能修改。"):
        services.change_item(plan=plan, actor=staff, application=a, amount=amount)
    assert plan.items.get(application=a).amount == 50_000


def test_two_plans_differ_only_where_their_inputs_do(guide):
    from stplan.funding.selectors import compare

    current, (a, b, c), staff = scored_round(guide, [90, 80, 70])
    small = services.create_plan(actor=staff, review_round=current, name="小", total_budget=50_000)
    large = services.create_plan(actor=staff, review_round=current, name="大", total_budget=150_000)
    rows = compare(small, large)
    assert [(r["application"].pk, r["left"], r["right"]) for r in rows] == [
        (a.pk, 50_000, 50_000),
        (b.pk, None, 50_000),
        (c.pk, None, 50_000),
    ]


def test_publicity_objections_and_final_decisions(guide):
    current, (a, b), staff = scored_round(guide, [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    with pytest.raises(ServiceError, match="不在公示期内"):
        services.record_objection(plan=plan, name="张", contact="138", content="有异议")
    plan = services.publicize(plan=plan, actor=staff, days=5)
    with pytest.raises(ServiceError, match="方案已公示或已立项"):
        services.change_item(plan=plan, actor=staff, application=a, selected=False)
    objection = services.record_objection(
        plan=plan, name="张", contact="138", content="成果与他人重复", application=b
    )
    with pytest.raises(ServiceError, match="公示期至"):
        services.finalize(plan=plan, actor=staff)
    after = plan.publicity_ends + timedelta(minutes=1)
    with pytest.raises(ServiceError, match="还有未处理的异议"):
        services.finalize(plan=plan, actor=staff, now=after)
    services.handle_objection(objection=objection, actor=staff, handling="经核查，成果不重复，维持原方案。")
    services.finalize(plan=plan, actor=staff, now=after)
    projects = projects_of_plan(plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FINAL
    assert sorted(p.application_id for p in projects) == sorted([a.pk, b.pk])
    assert [(t.condition, t.planned_amount) for t in Tranche.objects.filter(project=projects[0])] == [
        ("signing", 50_000)
    ]


def test_only_bureau_staff_make_plans(guide):
    from tests.world import LeaderFactory

    current, _apps, _staff = scored_round(guide, [90])
    with pytest.raises(ServiceError, match="只有科技局经办人"):
        services.create_plan(actor=LeaderFactory(), review_round=current, name="x", total_budget=1)


def test_plan_of_another_sections_round_is_refused(guide):
    current, (a,), _staff = scored_round(guide, [90])
    with pytest.raises(ServiceError, match="该评审批次不属于您所在科室管理的方向"):
        services.create_plan(
            actor=OfficerFactory(section="农业农村科技科"),
            review_round=current,
            name="方案",
            total_budget=50_000,
        )
    officer = OfficerFactory(section="国外智力引进与人才科")
    plan = services.create_plan(actor=officer, review_round=current, name="方案", total_budget=50_000)
    assert _selected(plan) == {a.pk}
    assert timezone.now() >= plan.created_at


def test_no_second_plan_is_publicised_once_one_is_final(guide):
    current, _applications, staff = scored_round(guide, [90, 80])
    first = services.create_plan(actor=staff, review_round=current, name="一", total_budget=50_000)
    second = services.create_plan(actor=staff, review_round=current, name="二", total_budget=100_000)
    first = services.publicize(plan=first, actor=staff)
    services.finalize(plan=first, actor=staff, now=first.publicity_ends + timedelta(seconds=1))
    with pytest.raises(
        ServiceError, match=re.escape("“第一批”已有方案确定立项，同一申报批次的其他方案只能用于测算。")
    ):
        services.publicize(plan=second, actor=staff)


@pytest.mark.parametrize("days", [0, -1, 61, 10**9])
def test_publicity_period_must_be_between_one_and_sixty_days(guide, days):
    current, _apps, staff = scored_round(guide, [90])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    with pytest.raises(ServiceError, match="公示期应为1至60天"):
        services.publicize(plan=plan, actor=staff, days=days)
