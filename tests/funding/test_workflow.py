"""The guards of 立项: what is already 立项 stays out, section scoping, objections once."""

from datetime import timedelta

import pytest

from stplan.errors import ServiceError
from stplan.funding import services
from stplan.funding.models import ObjectionStatus, PlanEvent, PlanStatus
from stplan.review import services as review_services
from stplan.review.models import Assignment, RoundEvent
from tests.world import OfficerFactory, open_guide, review_round, scored_round

pytestmark = pytest.mark.django_db

OTHER_SECTION = "^该立项方案不属于您所在科室管理的方向，您不能进行此操作。$"


@pytest.fixture
def guide():
    return open_guide()


def _final(guide, scores, budget):
    current, applications, staff = scored_round(guide, scores)
    plan = services.create_plan(actor=staff, review_round=current, name="方案一", total_budget=budget)
    plan = services.publicize(plan=plan, actor=staff)
    services.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    return current, applications, staff


def test_funded_application_is_not_assigned_in_a_new_round(guide):
    _current, (funded, waiting), staff = _final(guide, [90, 80], 50_000)
    funded.refresh_from_db()
    assert funded.status == "funded"
    later = review_round(guide, name="第二轮")
    review_services.propose_assignment(review_round=later, actor=staff)
    assert set(Assignment.objects.filter(round=later).values_list("application", flat=True)) == {waiting.pk}
    solve = RoundEvent.objects.get(review_round=later, action="solve")
    assert solve.payload["excluded"] == [funded.number]


def test_new_plan_from_the_old_round_leaves_funded_application_out(guide):
    current, (funded, waiting), staff = _final(guide, [90, 80], 50_000)
    plan = services.create_plan(actor=staff, review_round=current, name="方案二", total_budget=100_000)
    assert list(plan.items.values_list("application", flat=True)) == [waiting.pk]
    create = PlanEvent.objects.get(plan=plan, action="create")
    assert create.payload["excluded"] == [funded.number]


def test_plan_of_another_section_is_refused_and_bureau_admin_may(guide):
    current, (a,), staff = scored_round(guide, [90])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    stranger = OfficerFactory(section="农业农村科技科")
    with pytest.raises(ServiceError, match=OTHER_SECTION):
        services.optimise(plan=plan, actor=stranger)
    with pytest.raises(ServiceError, match=OTHER_SECTION):
        services.change_item(plan=plan, actor=stranger, application=a, selected=False)
    with pytest.raises(ServiceError, match=OTHER_SECTION):
        services.publicize(plan=plan, actor=stranger)
    services.optimise(plan=plan, actor=staff)
    plan = services.publicize(plan=plan, actor=staff)
    objection = services.record_objection(
        plan=plan, name="张", contact="138", content="有异议", application=a
    )
    with pytest.raises(ServiceError, match=r"^该异议不属于您所在科室管理的方向，您不能进行此操作。$"):
        services.handle_objection(objection=objection, actor=stranger, handling="驳回")
    after = plan.publicity_ends + timedelta(seconds=1)
    services.handle_objection(objection=objection, actor=staff, handling="经核查，维持原方案。")
    with pytest.raises(ServiceError, match=OTHER_SECTION):
        services.finalize(plan=plan, actor=stranger, now=after)
    assert services.finalize(plan=plan, actor=staff, now=after).status == PlanStatus.FINAL


def test_objection_handled_twice_is_refused_and_the_first_handling_stays(guide):
    current, (a,), staff = scored_round(guide, [90])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=50_000)
    plan = services.publicize(plan=plan, actor=staff)
    objection = services.record_objection(
        plan=plan, name="张", contact="138", content="有异议", application=a
    )
    services.handle_objection(objection=objection, actor=staff, handling="维持原方案。")
    with pytest.raises(ServiceError, match=r"^异议当前状态为“已处理”，不能处理异议。$"):
        services.handle_objection(objection=objection, actor=OfficerFactory(), handling="改为撤销。")
    objection.refresh_from_db()
    assert (objection.status, objection.handling, objection.handled_by) == (
        ObjectionStatus.HANDLED,
        "维持原方案。",
        staff,
    )


def test_selecting_a_funded_application_in_another_plan_is_refused(guide):
    current, (a, _b), staff = scored_round(guide, [90, 80])
    first = services.create_plan(actor=staff, review_round=current, name="一", total_budget=50_000)
    second = services.create_plan(actor=staff, review_round=current, name="二", total_budget=100_000)
    services.change_item(plan=second, actor=staff, application=a, selected=False)
    first = services.publicize(plan=first, actor=staff)
    services.finalize(plan=first, actor=staff, now=first.publicity_ends + timedelta(seconds=1))
    with pytest.raises(ServiceError, match=f"^{a.number}已在其他立项方案中立项，不能再次入选。$"):
        services.change_item(plan=second, actor=staff, application=a, selected=True)
    assert second.items.get(application=a).selected is False
