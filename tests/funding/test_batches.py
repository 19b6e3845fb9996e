import re
from datetime import timedelta

import pytest
from django.urls import reverse

from stplan.applications.models import Status
from stplan.errors import ServiceError
from stplan.funding import services
from stplan.funding.models import PlanStatus
from stplan.guides.models import CallBatch
from tests.world import open_guide, scored_round


@pytest.fixture
def guide(db):
    return open_guide()


def _final(plan, staff):
    plan = services.publicize(plan=plan, actor=staff)
    return services.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))


def test_each_batch_has_its_own_final_plan_and_no_application_is_funded_twice(guide):
    current, (a, b), staff = scored_round(guide, [90, 80])
    first = services.create_plan(actor=staff, review_round=current, name="第一批方案", total_budget=50_000)
    first = _final(first, staff)
    second_batch = CallBatch.objects.create(guide=guide, code="second", name="第二批", position=9)
    second = services.create_plan(
        actor=staff, review_round=current, name="第二批方案", total_budget=50_000, batch=second_batch
    )
    assert list(second.items.values_list("application", flat=True)) == [b.pk]
    second = _final(second, staff)
    assert (first.batch.name, first.status, second.batch.name, second.status) == (
        "第一批",
        PlanStatus.FINAL,
        "第二批",
        PlanStatus.FINAL,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Status.FUNDED, Status.FUNDED)


def test_a_second_plan_of_the_same_batch_cannot_become_final(guide):
    current, _applications, staff = scored_round(guide, [90, 80])
    first = services.create_plan(actor=staff, review_round=current, name="一", total_budget=50_000)
    second = services.create_plan(actor=staff, review_round=current, name="二", total_budget=100_000)
    _final(first, staff)
    with pytest.raises(
        ServiceError, match=re.escape("“第一批”已有方案确定立项，同一申报批次的其他方案只能用于测算。")
    ):
        services.publicize(plan=second, actor=staff)


def test_a_plan_only_takes_the_directions_of_its_batch(guide):
    current, _applications, staff = scored_round(guide, [90])
    year_round = guide.batches.get(code="year-round-27")
    with pytest.raises(
        ServiceError, match=re.escape("该评审批次的方向都不属于“方向27常年受理”，请选择其他申报批次。")
    ):
        services.create_plan(
            actor=staff, review_round=current, name="27", total_budget=50_000, batch=year_round
        )


def test_a_batch_of_another_guide_is_refused(guide):
    from stplan.guides.models import Guide

    current, _applications, staff = scored_round(guide, [90])
    other = Guide.objects.create(slug="other", title="他", year=2023, data_sha256="0")
    batch = CallBatch.objects.create(guide=other, code="first", name="第一批")
    with pytest.raises(ServiceError, match=re.escape("请选择本指南的申报批次。")):
        services.create_plan(actor=staff, review_round=current, name="x", total_budget=50_000, batch=batch)


def test_plan_form_states_the_one_final_plan_per_batch_rule(client, guide):
    _current, _applications, staff = scored_round(guide, [90])
    client.force_login(staff)
    html = client.get(reverse("funding:plans")).content.decode()
    assert "每个申报批次（如第一批、第二批，常年受理的方向27按批次）只能有一个方案确定立项" in html
    assert ">2022年度桂林市科技计划项目申报指南 第一批</option>" in html


def test_plan_change_log_reads_as_sentences_with_amounts_in_wan_yuan(client, guide):
    current, (a, _b), staff = scored_round(guide, [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    client.force_login(staff)
    item = plan.items.get(application=a)
    response = client.post(reverse("funding:plan_item_change", args=[plan.pk, item.pk]), {"selected": "out"})
    assert response["Location"] == reverse("funding:plan", args=[plan.pk])
    page = client.get(reverse("funding:plan", args=[plan.pk])).content.decode()
    log = page[page.index('id="change-log"') :]
    assert "生成方案：总预算10万元，优化目标“总分最高”，申报批次“第一批”" in log
    assert "重新优化：拟立项2项" in log
    assert f"{a.number}：拟立项：是 → 否" in log
    assert "{'" not in page


def test_plan_change_log_names_an_amount_change_in_wan_yuan(client, guide):
    from stplan.funding.models import PlanEvent
    from stplan.funding.selectors import change_log

    current, (a, _b), staff = scored_round(guide, [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    # 方向25 is 定额 and refuses amount changes; the log reads the amounts any change records.
    PlanEvent.objects.create(
        plan=plan,
        action="change",
        actor=staff,
        application=a,
        payload={
            "application": a.number,
            "before_amount": 50_000,
            "before_chosen": True,
            "amount": 30_000,
            "chosen": True,
        },
    )
    assert change_log(plan)[-1].text == f"{a.number}：拟资助金额：5万元 → 3万元"


def test_plan_item_change_with_no_number_keeps_the_amount_and_says_nothing_changed(client, guide):
    current, (a, _b), staff = scored_round(guide, [90, 80])
    plan = services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    client.force_login(staff)
    item = plan.items.get(application=a)
    client.post(reverse("funding:plan_item_change", args=[plan.pk, item.pk]), {"amount": "abc"})
    item.refresh_from_db()
    assert item.amount == 50_000
