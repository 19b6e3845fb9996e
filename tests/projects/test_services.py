from datetime import date, timedelta
from importlib import resources

import pytest
import yaml
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from stplan.eligibility.guide import Guide, load_guide_data
from stplan.errors import ServiceError
from stplan.funding import services as funding
from stplan.projects import selectors, services
from stplan.projects.models import CreditRecord, ProjectStatus, TrancheStatus
from stplan.projects.selectors import projects_of_plan
from tests.world import LeaderFactory, UnitAdminFactory, open_guide, scored_round

pytestmark = pytest.mark.django_db


@given(st.integers(0, 10**9), st.sampled_from([(100,), (60, 40), (50, 30, 20), (33, 33, 34), (50, 50)]))
def test_split_adds_up_to_the_amount_in_whole_yuan(amount, percents):
    parts = services.split(amount, percents)
    assert sum(parts) == amount
    assert all(isinstance(p, int) and p >= 0 for p in parts)


@pytest.mark.parametrize(
    ("mode", "years", "expected"),
    [
        ("upfront", 2, [("signing", 300_000)]),
        ("yearly_tranches", 3, [("signing", 150_000), ("report:1", 90_000), ("report:2", 60_000)]),
        ("yearly_tranches", 2, [("signing", 180_000), ("report:1", 120_000)]),
        ("post_subsidy", 1, [("verification", 300_000)]),
        ("mixed", 3, [("signing", 150_000), ("acceptance", 150_000)]),
    ],
)
def test_tranche_plan_by_funding_mode(mode, years, expected):
    payments = load_guide_data("guilin-2022").payments
    assert services.tranche_plan(mode=mode, amount=300_000, years=years, payments=payments) == expected


def _guide_with_payments(payments: dict) -> Guide:
    path = resources.files("stplan.eligibility") / "data" / "guilin-2022.yaml"
    return Guide.model_validate({**yaml.safe_load(path.read_text(encoding="utf-8")), "payments": payments})


def test_tranche_plan_follows_the_guides_splits_when_they_differ():
    guide = _guide_with_payments({"yearly_splits": {3: [40, 40, 20]}, "mixed_split": [30, 70]})
    assert services.tranche_plan(
        mode="yearly_tranches", amount=300_000, years=3, payments=guide.payments
    ) == [("signing", 120_000), ("report:1", 120_000), ("report:2", 60_000)]
    assert services.tranche_plan(mode="mixed", amount=300_000, years=3, payments=guide.payments) == [
        ("signing", 90_000),
        ("acceptance", 210_000),
    ]


def test_tranche_plan_refuses_a_duration_the_guide_gives_no_split_for():
    guide = _guide_with_payments({"yearly_splits": {3: [50, 30, 20]}, "mixed_split": [50, 50]})
    with pytest.raises(ServiceError) as refused:
        services.tranche_plan(mode="yearly_tranches", amount=300_000, years=2, payments=guide.payments)
    assert str(refused.value) == "申报指南未规定实施年限2年的项目分年拨付的比例。"


def _project(guide=None):
    guide = guide or open_guide()
    current, _applications, staff = scored_round(guide, [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    return project, staff


def _sign(project, staff):
    services.advance_contract(project=project, actor=project.application.leader, action="confirm")
    services.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )
    services.advance_contract(project=project, actor=staff, action="approve")
    project.refresh_from_db()
    return project


def test_contract_carries_the_decided_amount_and_committed_indicators():
    project, _staff = _project()
    content = project.contract.content
    assert content["budget"]["city"] == 50_000
    assert content["indicators"] == [
        {
            "metric": "new_technology_or_funding",
            "label": "新技术、新工艺、新产品、成果转化或省部级项目（择一）（项）",
            "committed": 1,
        }
    ]
    assert content["parties"]["lead_unit"] == project.application.lead_unit.name
    assert content["parties"]["partners"] == []
    assert content["title"] == "新型柔性传感材料研究"
    assert content["objectives"] == "1. 关键技术攻关；2. 样机研制与测试；3. 示范应用与推广。"
    start_year = timezone.localtime(project.application.versions.get().submitted_at).year + 1
    assert content["schedule"] == {"start": f"{start_year}-01-01", "end": f"{start_year + 1}-12-31"}
    assert (project.starts_on, project.ends_on) == (date(start_year, 1, 1), date(start_year + 1, 12, 31))
    year = {"equipment": 12_500, "business": 25_000, "labor": 6_250, "indirect": 6_250}
    assert content["budget"] == {
        "city": 50_000,
        "city_requested": 50_000,
        "self_raised": 50_000,
        "other": 0,
        "years": [{"year": 1, **year}, {"year": 2, **year}],
    }


def test_contract_steps_go_in_order_and_signing_releases_the_upfront_payment():
    project, staff = _project()
    with pytest.raises(ServiceError, match="您没有权限进行此操作。"):
        services.advance_contract(project=project, actor=staff, action="confirm")
    with pytest.raises(ServiceError, match="不能科室审核任务书，签订"):
        services.advance_contract(project=project, actor=staff, action="approve")
    project = _sign(project, staff)
    assert project.status == ProjectStatus.IN_PROGRESS
    (tranche,) = project.tranches.all()
    assert (tranche.condition, tranche.status) == ("signing", TrancheStatus.RELEASED)


def test_payment_only_when_released_and_the_ledger_reconciles():
    project, staff = _project()
    (tranche,) = project.tranches.all()
    with pytest.raises(ServiceError, match="尚不满足拨付条件（任务书签订后）"):
        services.pay(tranche=tranche, actor=staff, paid_on=date(2023, 1, 5), voucher="P-1")
    _sign(project, staff)
    services.pay(tranche=tranche, actor=staff, paid_on=date(2023, 1, 5), voucher="P-1")
    book = selectors.ledger(selectors.visible_projects(staff))
    row = book["projects"][project.number]
    assert (row.planned, row.paid, row.released_unpaid) == (50_000, 50_000, 0)
    assert book["total"].planned == sum(p.amount for p in selectors.visible_projects(staff))
    assert book["years"]["2023"].paid == 50_000
    assert book["sections"]["国外智力引进与人才科"].paid == 50_000


def test_yearly_tranche_waits_for_the_accepted_report():
    project, staff = _project()
    project.funding_mode = "yearly_tranches"
    project.save()
    project.tranches.all().delete()
    payments = load_guide_data("guilin-2022").payments
    for sequence, (condition, amount) in enumerate(
        services.tranche_plan(mode="yearly_tranches", amount=50_000, years=2, payments=payments), 1
    ):
        project.tranches.create(sequence=sequence, condition=condition, planned_amount=amount)
    _sign(project, staff)
    second = project.tranches.get(sequence=2)
    assert second.status == TrancheStatus.PLANNED
    report = services.submit_report(
        project=project,
        actor=project.application.leader,
        year=1,
        progress={"new_technology_or_funding": 0},
        narrative="完成样品制备",
        spent=20_000,
        today=date(2027, 12, 31),
    )
    with pytest.raises(ServiceError, match="年度报告退回须填写理由"):
        services.review_report(report=report, actor=staff, accept=False)
    services.review_report(report=report, actor=staff, accept=True)
    second.refresh_from_db()
    assert second.status == TrancheStatus.RELEASED


@pytest.mark.parametrize(
    ("new_benefit", "executed", "decided", "expected"),
    [
        (4_999_999, 10_000_000, 300_000, 0),
        (5_000_000, 10_000_000, 300_000, 50_000),
        (10_000_000, 10_000_000, 300_000, 80_000),
        (60_000_000, 10_000_000, 300_000, 300_000),
        (60_000_000, 100_000, 300_000, 50_000),
        (60_000_000, 10_000_000, 200_000, 200_000),
    ],
)
def test_post_subsidy_verification_applies_the_guides_formula(new_benefit, executed, decided, expected):
    project, staff = _project()
    project.funding_mode, project.amount = "post_subsidy", decided
    project.save()
    project.tranches.all().delete()
    project.tranches.create(sequence=1, condition="verification", planned_amount=decided)
    from stplan.guides.models import Direction

    project.application.direction = Direction.objects.get(guide=project.application.guide, number=27)
    project.application.save()
    project = _sign(project, staff)
    project = services.verify_post_subsidy(
        project=project, actor=staff, new_benefit=new_benefit, budget_executed=executed
    )
    tranche = project.tranches.get()
    assert (project.amount, tranche.planned_amount) == (expected, expected)
    assert tranche.status == (TrancheStatus.RELEASED if expected else TrancheStatus.CANCELLED)


def test_acceptance_compares_achieved_with_committed_and_failure_is_recorded():
    project, staff = _project()
    _sign(project, staff)
    leader = project.application.leader
    services.submit_acceptance(
        project=project,
        actor=leader,
        achieved={"new_technology_or_funding": 0},
        total_investment=100_000,
        new_output=0,
        summary="未完成",
        today=date(2029, 1, 5),
    )
    assert services.indicator_comparison(project) == [
        {
            "metric": "new_technology_or_funding",
            "label": "新技术、新工艺、新产品、成果转化或省部级项目（择一）（项）",
            "committed": 1,
            "achieved": 0,
            "met": False,
        }
    ]
    with pytest.raises(ServiceError, match="验收不通过须填写理由"):
        services.decide_acceptance(project=project, actor=staff, decision="failed", reason="")
    services.decide_acceptance(project=project, actor=staff, decision="failed", reason="考核指标未完成")
    record = CreditRecord.objects.get()
    assert (record.unit, record.person, record.kind) == (project.application.lead_unit, leader, "failed")
    project.refresh_from_db()
    assert project.status == ProjectStatus.FAILED


def test_input_output_ratio_where_the_direction_asks_for_it():
    project, _staff = _project()
    assert services.input_output_required(project) is None
    from stplan.guides.models import Direction

    for number in (1, 3):
        project.application.direction = Direction.objects.get(guide=project.application.guide, number=number)
        assert services.input_output_required(project) == 3


def test_extension_moves_the_end_date_once_approved():
    project, staff = _project()
    _sign(project, staff)
    later = project.ends_on + timedelta(days=180)
    with pytest.raises(ServiceError, match="须晚于原结束日期"):
        services.request_change(
            project=project,
            actor=project.application.leader,
            kind="extension",
            details={"ends_on": str(project.ends_on)},
            reason="疫情",
        )
    change = services.request_change(
        project=project,
        actor=project.application.leader,
        kind="extension",
        details={"ends_on": later.isoformat()},
        reason="设备延迟到货",
    )
    services.decide_change(change=change, actor=staff, approve=True, note="同意")
    project.refresh_from_db()
    assert project.ends_on == later


def test_dashboard_counts_money_and_overdue_items():
    project, staff = _project()
    _sign(project, staff)
    board = selectors.dashboard(
        selectors.visible_projects(staff), today=project.starts_on + timedelta(days=400)
    )
    assert board.by_status["实施中"] == 1
    assert (board.planned, board.paid) == (50_000, 0)
    assert f"{project.number}：第1笔（50,000元）已满足条件，待拨付" in board.overdue
    assert f"{project.number}：第1年度报告未提交或未通过" in board.overdue


def test_termination_cancels_unpaid_tranches_records_credit_and_the_ledger_still_reconciles():
    project, staff = _project()
    with pytest.raises(ServiceError, match="终止实施须填写理由"):
        services.terminate(project=project, actor=staff, reason=" ")
    services.terminate(project=project, actor=staff, reason="负责人调离，单位申请终止")
    record = CreditRecord.objects.get()
    assert (record.kind, record.unit) == ("abandoned", project.application.lead_unit)
    row = selectors.ledger(selectors.visible_projects(staff))["projects"][project.number]
    assert (row.planned, row.paid, row.cancelled) == (0, 0, 50_000)
    assert row.planned + row.cancelled == project.amount


def test_evidence_must_be_a_real_pdf_or_image():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stplan.demo.builders import MINIMAL_PDF

    project, _staff = _project()
    leader = project.application.leader
    with pytest.raises(ServiceError, match="不是 PDF 或 JPG/PNG 图片"):
        services.add_evidence(
            project=project,
            actor=leader,
            purpose="acceptance",
            upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00"),
        )
    record = services.add_evidence(
        project=project, actor=leader, purpose="acceptance", upload=SimpleUploadedFile("a.pdf", MINIMAL_PDF)
    )
    import hashlib

    assert record.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()


def test_overdue_report_reminder_goes_to_the_leader(django_capture_on_commit_callbacks):
    from django.core import mail

    project, staff = _project()
    _sign(project, staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(today=project.starts_on + timedelta(days=370)) == 1
    assert mail.outbox[-1].to == [project.application.leader.email]
    assert mail.outbox[-1].subject == f"【科技计划项目管理系统】年度报告逾期：{project.number}"


@pytest.mark.parametrize("decision", ["failed", "closed"])
def test_unpaid_money_of_a_failed_or_closed_project_cannot_be_paid(decision):
    project, staff = _project()
    project.tranches.all().delete()
    project.tranches.create(sequence=1, condition="signing", planned_amount=25_000)
    project.tranches.create(sequence=2, condition="report:1", planned_amount=25_000)
    _sign(project, staff)
    services.submit_acceptance(
        project=project,
        actor=project.application.leader,
        achieved={},
        total_investment=1,
        new_output=0,
        summary="总结",
        today=date(2029, 1, 5),
    )
    services.decide_acceptance(project=project, actor=staff, decision=decision, reason="未完成")
    first, second = project.tranches.order_by("sequence")
    assert (first.status, second.status) == (TrancheStatus.CANCELLED, TrancheStatus.CANCELLED)
    with pytest.raises(ServiceError, match="尚不满足拨付条件"):
        services.pay(tranche=first, actor=staff, paid_on=date(2023, 1, 1), voucher="x")


def test_terminated_project_stays_terminated():
    project, staff = _project()
    services.terminate(project=project, actor=staff, reason="申请终止")
    with pytest.raises(ServiceError, match="项目已终止实施"):
        services.advance_contract(project=project, actor=project.application.leader, action="confirm")
    type(project).objects.filter(pk=project.pk).update(funding_mode="post_subsidy")
    project.tranches.create(sequence=9, condition="verification", planned_amount=1)
    with pytest.raises(ServiceError, match="项目已终止实施"):
        services.verify_post_subsidy(project=project, actor=staff, new_benefit=10**8, budget_executed=10**8)


def test_report_year_and_amounts_are_checked():
    project, staff = _project()
    _sign(project, staff)
    leader = project.application.leader
    with pytest.raises(ServiceError, match="项目年度应为1至2"):
        services.submit_report(
            project=project,
            actor=leader,
            year=0,
            progress={},
            narrative="进展",
            spent=0,
            today=date(2027, 12, 31),
        )
    with pytest.raises(ServiceError, match="金额不能为负数"):
        services.submit_report(
            project=project,
            actor=leader,
            year=1,
            progress={},
            narrative="进展",
            spent=-1,
            today=date(2027, 12, 31),
        )
    with pytest.raises(ServiceError, match="金额不能为负数"):
        services.submit_acceptance(
            project=project,
            actor=leader,
            achieved={},
            total_investment=-5,
            new_output=0,
            summary="s",
            today=date(2029, 1, 5),
        )


def test_dashboard_survives_a_start_on_29_february():
    project, staff = _project()
    _sign(project, staff)
    type(project).objects.filter(pk=project.pk).update(
        starts_on=date(2024, 2, 29), ends_on=date(2026, 12, 31)
    )
    board = selectors.dashboard(selectors.visible_projects(staff), today=date(2025, 3, 1))
    assert f"{project.number}：第1年度报告未提交或未通过" in board.overdue


def test_approved_leader_change_hands_the_project_to_the_new_leader():
    project, staff = _project()
    _sign(project, staff)
    old = project.application.leader
    with pytest.raises(ServiceError, match="新负责人须是本单位已注册的其他项目负责人"):
        services.request_change(
            project=project,
            actor=old,
            kind="leader",
            details={"username": LeaderFactory().username},
            reason="调离",
        )
    successor = LeaderFactory(unit=project.application.lead_unit)
    change = services.request_change(
        project=project, actor=old, kind="leader", details={"username": successor.username}, reason="调离"
    )
    services.decide_change(change=change, actor=staff, approve=True, note="同意")
    project.refresh_from_db()
    assert project.application.leader == successor
    assert successor.has_perm("projects.act_as_leader", project)
    assert not old.has_perm("projects.act_as_leader", project)


def test_approved_budget_adjustment_is_written_into_the_contract():
    project, staff = _project()
    _sign(project, staff)
    leader = project.application.leader
    with pytest.raises(ServiceError, match="请写明预算调整的内容"):
        services.request_change(
            project=project, actor=leader, kind="budget", details={"description": " "}, reason="设备涨价"
        )
    with pytest.raises(ServiceError, match="请选择变更类型"):
        services.request_change(project=project, actor=leader, kind="other", details={}, reason="x")
    change = services.request_change(
        project=project,
        actor=leader,
        kind="budget",
        details={"description": "设备费调减1万元，业务费调增1万元"},
        reason="设备涨价",
    )
    services.decide_change(change=change, actor=staff, approve=True, note="同意")
    project.contract.refresh_from_db()
    assert [c["description"] for c in project.contract.content["budget_changes"]] == [
        "设备费调减1万元，业务费调增1万元"
    ]


def test_county_award_follows_direction_40_and_is_recorded_once():
    from tests.world import BureauAdminFactory

    open_guide()
    staff = BureauAdminFactory()
    with pytest.raises(ServiceError, match="县级配套不少于100,000元（方向40）"):
        services.record_award(
            actor=staff,
            county="阳朔县",
            year=2022,
            amount=300_000,
            county_match=50_000,
            proof="桂科奖〔2022〕1号",
        )
    with pytest.raises(ServiceError, match="奖励金额应大于0且不超过300,000元"):
        services.record_award(
            actor=staff,
            county="阳朔县",
            year=2022,
            amount=300_001,
            county_match=100_000,
            proof="桂科奖〔2022〕1号",
        )
    award = services.record_award(
        actor=staff,
        county="阳朔县",
        year=2022,
        amount=300_000,
        county_match=100_000,
        proof="桂科奖〔2022〕1号",
    )
    assert (award.county, award.amount, award.county_match) == ("阳朔县", 300_000, 100_000)
    with pytest.raises(ServiceError, match="阳朔县2022年度的奖励已登记"):
        services.record_award(
            actor=staff, county="阳朔县", year=2022, amount=300_000, county_match=100_000, proof="x"
        )


def test_dashboard_reads_a_fixed_number_of_queries_however_many_projects():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    current, _applications, staff = scored_round(open_guide(), [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    first, second = projects_of_plan(plan)
    _sign(first, staff)
    later = first.starts_on + timedelta(days=400)
    with CaptureQueriesContext(connection) as one_in_progress:
        selectors.dashboard(selectors.visible_projects(staff), today=later)
    _sign(second, staff)
    with CaptureQueriesContext(connection) as two_in_progress:
        board = selectors.dashboard(selectors.visible_projects(staff), today=later)
    assert board.by_status["实施中"] == 2
    assert f"{second.number}：第1年度报告未提交或未通过" in board.overdue
    assert len(two_in_progress) == len(one_in_progress)
