"""年度报告 and 验收 follow the dates of the 任务书 (the guide's schedule.lead_days = 30); an
officer of the project's 科室 may allow them earlier, with a written reason; a payment is
never dated in the future."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.projects import services
from stplan.projects.models import ProjectEvent, ProjectStatus, TrancheStatus
from tests.projects.test_services import _project, _sign
from tests.world import OfficerFactory

pytestmark = pytest.mark.django_db

SECTION = "国外智力引进与人才科"
NO_PERMISSION = "您没有权限进行此操作。"


@pytest.fixture
def signed():
    project, staff = _project()
    project = _sign(project, staff)
    assert project.status == ProjectStatus.IN_PROGRESS
    return project


def _refused(call) -> str:
    with pytest.raises(ServiceError) as refused:
        call()
    return str(refused.value)


def _report(project, *, year=1, today):
    return services.submit_report(
        project=project,
        actor=project.application.leader,
        year=year,
        progress={"new_technology_or_funding": 0},
        narrative="完成样品制备",
        spent=20_000,
        today=today,
    )


def _acceptance(project, *, today):
    return services.submit_acceptance(
        project=project,
        actor=project.application.leader,
        achieved={"new_technology_or_funding": 1},
        total_investment=100_000,
        new_output=0,
        summary="按任务书完成",
        today=today,
    )


def _early_events(project) -> list[tuple]:
    return list(
        ProjectEvent.objects.filter(project=project, action="allow_early").values_list(
            "actor", "reason", "payload", "from_status", "to_status"
        )
    )


def test_first_year_report_opens_30_days_before_the_end_of_the_first_project_year(signed):
    year_ends = signed.starts_on.replace(year=signed.starts_on.year + 1) - timedelta(days=1)
    assert services.project_year_ends(signed, 1) == year_ends
    opens = year_ends - timedelta(days=30)
    message = _refused(lambda: _report(signed, today=opens - timedelta(days=1)))
    assert message.startswith("按任务书，第1年度报告自")
    assert message == (
        f"按任务书，第1年度报告自{opens:%Y-%m-%d}起办理（项目{signed.starts_on:%Y-%m-%d}开始，"
        f"{year_ends:%Y-%m-%d}到期）。如需提前，请科室经办人准许并写明理由。"
    )
    assert not signed.reports.exists()
    report = _report(signed, today=opens)
    assert (report.year, report.status) == (1, "submitted")


def test_report_is_refused_long_before_its_date_and_even_before_the_project_starts(signed):
    for today in (signed.starts_on, signed.starts_on - timedelta(days=1), timezone.localdate()):
        assert _refused(lambda today=today: _report(signed, today=today)).startswith(
            "按任务书，第1年度报告自"
        )


def test_section_officer_may_allow_the_first_year_report_early_with_a_reason(signed):
    officer = OfficerFactory(section=SECTION)
    early = signed.starts_on + timedelta(days=100)
    services.allow_early(project=signed, actor=officer, what="report:1", reason="  项目提前完成年度任务 ")
    assert _early_events(signed) == [
        (
            officer.pk,
            "项目提前完成年度任务",
            {"what": "report:1", "label": "第1年度报告"},
            ProjectStatus.IN_PROGRESS,
            ProjectStatus.IN_PROGRESS,
        )
    ]
    report = _report(signed, today=early)
    assert report.year == 1


def test_allowing_the_first_year_report_early_does_not_open_the_second_or_the_acceptance(signed):
    officer = OfficerFactory(section=SECTION)
    services.allow_early(project=signed, actor=officer, what="report:1", reason="提前完成")
    early = signed.starts_on + timedelta(days=100)
    assert _refused(lambda: _report(signed, year=2, today=early)).startswith("按任务书，第2年度报告自")
    assert _refused(lambda: _acceptance(signed, today=early)).startswith("按任务书，验收申请自")


def test_allow_early_without_a_reason_is_refused(signed):
    officer = OfficerFactory(section=SECTION)
    for reason in ("", "  \n "):
        message = _refused(
            lambda reason=reason: services.allow_early(
                project=signed, actor=officer, what="report:1", reason=reason
            )
        )
        assert message == "准许提前办理须写明理由。"
    assert _early_events(signed) == []
    assert _refused(lambda: _report(signed, today=signed.starts_on + timedelta(days=100))).startswith(
        "按任务书，第1年度报告自"
    )


def test_allow_early_of_an_unknown_item_is_refused(signed):
    officer = OfficerFactory(section=SECTION)
    for what in ("report:3", "report:0", "payment", ""):
        message = _refused(
            lambda what=what: services.allow_early(project=signed, actor=officer, what=what, reason="理由")
        )
        assert message == "请选择准许提前办理的事项。"
    assert _early_events(signed) == []


def test_allow_early_by_the_leader_is_refused(signed):
    leader = signed.application.leader
    message = _refused(
        lambda: services.allow_early(project=signed, actor=leader, what="report:1", reason="我已完成")
    )
    assert message == NO_PERMISSION
    assert _early_events(signed) == []


def test_allow_early_by_an_officer_of_another_section_is_refused(signed):
    stranger = OfficerFactory(section="农业农村科技科")
    for what in ("report:1", "acceptance"):
        message = _refused(
            lambda what=what: services.allow_early(project=signed, actor=stranger, what=what, reason="理由")
        )
        assert message == NO_PERMISSION
    assert _early_events(signed) == []


def test_acceptance_opens_30_days_before_the_contracts_end(signed):
    opens = signed.ends_on - timedelta(days=30)
    message = _refused(lambda: _acceptance(signed, today=opens - timedelta(days=1)))
    assert message.startswith("按任务书，验收申请自")
    assert message == (
        f"按任务书，验收申请自{opens:%Y-%m-%d}起办理（项目{signed.starts_on:%Y-%m-%d}开始，"
        f"{signed.ends_on:%Y-%m-%d}到期）。如需提前，请科室经办人准许并写明理由。"
    )
    assert not hasattr(signed, "acceptance")
    acceptance = _acceptance(signed, today=opens)
    assert acceptance.status == "submitted"


def test_section_officer_may_allow_the_acceptance_early_with_a_reason(signed):
    officer = OfficerFactory(section=SECTION)
    early = signed.starts_on + timedelta(days=200)
    assert _refused(lambda: _acceptance(signed, today=early)).startswith("按任务书，验收申请自")
    services.allow_early(project=signed, actor=officer, what="acceptance", reason="目标已提前全部完成")
    assert _early_events(signed) == [
        (
            officer.pk,
            "目标已提前全部完成",
            {"what": "acceptance", "label": "验收"},
            ProjectStatus.IN_PROGRESS,
            ProjectStatus.IN_PROGRESS,
        )
    ]
    assert _acceptance(signed, today=early).status == "submitted"
    assert _refused(lambda: _report(signed, today=early)).startswith("按任务书，第1年度报告自")


def test_acceptance_allow_early_by_the_leader_or_without_reason_is_refused(signed):
    leader = signed.application.leader
    officer = OfficerFactory(section=SECTION)
    assert (
        _refused(lambda: services.allow_early(project=signed, actor=leader, what="acceptance", reason="理由"))
        == NO_PERMISSION
    )
    assert (
        _refused(lambda: services.allow_early(project=signed, actor=officer, what="acceptance", reason=""))
        == "准许提前办理须写明理由。"
    )
    assert _early_events(signed) == []


def test_tranche_cannot_be_paid_with_a_date_in_the_future(signed):
    staff = OfficerFactory(section=SECTION)
    (tranche,) = signed.tranches.all()
    assert tranche.status == TrancheStatus.RELEASED
    tomorrow = timezone.localdate() + timedelta(days=1)
    message = _refused(lambda: services.pay(tranche=tranche, actor=staff, paid_on=tomorrow, voucher="P-1"))
    assert message == "拨付日期不能晚于今天。"
    tranche.refresh_from_db()
    assert (tranche.status, tranche.paid_amount, tranche.paid_on) == (TrancheStatus.RELEASED, None, None)
    assert not tranche.events.filter(action="pay").exists()
    paid = services.pay(tranche=tranche, actor=staff, paid_on=timezone.localdate(), voucher="P-1")
    assert (paid.status, paid.paid_on) == (TrancheStatus.PAID, timezone.localdate())
