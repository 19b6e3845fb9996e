import pytest

from stplan.errors import ServiceError
from stplan.pledges import services
from stplan.pledges.models import PledgeEvent, PledgeStatus
from stplan.projects import services as projects
from stplan.projects.models import CreditRecord
from tests.world import OfficerFactory, UnitAdminFactory, challenge_project, open_guide

pytestmark = pytest.mark.django_db
SECTION_1 = "发展规划与科技监督科"


@pytest.fixture
def funded():
    return challenge_project(open_guide())


def _sign(project):
    leader = project.application.leader
    pledge = services.confirm(pledge=project.pledge, actor=leader, action="leader_confirm")
    return services.confirm(
        pledge=pledge, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_confirm"
    )


def _running(project):
    officer = OfficerFactory(section=SECTION_1)
    leader = project.application.leader
    projects.advance_contract(project=project, actor=leader, action="confirm")
    projects.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )
    projects.advance_contract(project=project, actor=officer, action="approve")
    project.refresh_from_db()
    projects.allow_early(project=project, actor=officer, what="acceptance", reason="提前完成")
    return officer


def _accept(project, achieved):
    projects.submit_acceptance(
        project=project,
        actor=project.application.leader,
        achieved=achieved,
        total_investment=8_000_000,
        new_output=30_000_000,
        summary="完成",
    )


def test_pledge_drawn_up_for_winner_from_item_and_plan(funded):
    project, item, teams = funded

    pledge = project.pledge
    assert project.application == teams[0]
    assert (pledge.item, pledge.status) == (item, PledgeStatus.AWAITING_LEADER)
    assert pledge.content["indicators"] == [
        {
            "metric": "major_breakthrough",
            "label": "产业重大技术突破",
            "unit": "项",
            "required": 3,
            "committed": 3,
        },
        {"metric": "new_product", "label": "新产品", "unit": "个", "required": 4, "committed": 4},
    ]
    assert pledge.content["consequences"][1] == "记入项目承担单位和首席专家的科研信用记录"
    assert pledge.content["technical_route"] == "需求分解—架构设计—流片验证—整机适配—小批量试产。"


def test_pledge_confirmed_by_leader_then_unit_is_signed(funded):
    project, _, _ = funded

    pledge = _sign(project)

    assert pledge.status == PledgeStatus.SIGNED
    assert list(PledgeEvent.objects.filter(pledge=pledge).values_list("action", flat=True)) == [
        "draw_up", "leader_confirm", "unit_confirm",
    ]  # fmt: skip


def test_pledge_confirmed_by_unit_before_leader_is_refused(funded):
    project, _, _ = funded
    with pytest.raises(ServiceError, match="待首席专家确认"):
        services.confirm(
            pledge=project.pledge,
            actor=UnitAdminFactory(unit=project.application.lead_unit),
            action="unit_confirm",
        )


def test_contract_approved_before_pledge_signed_is_refused(funded):
    project, _, _ = funded
    projects.advance_contract(project=project, actor=project.application.leader, action="confirm")
    projects.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )

    with pytest.raises(ServiceError, match="须由首席专家和牵头单位确认军令状后，任务书才能审核通过"):
        projects.advance_contract(project=project, actor=OfficerFactory(section=SECTION_1), action="approve")

    project.contract.refresh_from_db()
    assert project.contract.status == "unit_approved"


def test_acceptance_passed_with_pledge_indicators_missed_is_refused(funded):
    project, _, _ = funded
    _sign(project)
    officer = _running(project)
    _accept(project, {"major_breakthrough": 3, "new_product": 3, "input_output_ratio": 3})

    with pytest.raises(ServiceError, match="新产品承诺4个，完成3个"):
        projects.decide_acceptance(project=project, actor=officer, decision="passed", reason="")

    project.pledge.refresh_from_db()
    assert project.pledge.status == PledgeStatus.SIGNED


def test_acceptance_passed_with_pledge_indicators_met_fulfils_it(funded):
    project, _, _ = funded
    _sign(project)
    officer = _running(project)
    _accept(project, {"major_breakthrough": 4, "new_product": 4, "input_output_ratio": 3})

    projects.decide_acceptance(project=project, actor=officer, decision="passed", reason="达到指标")

    project.pledge.refresh_from_db()
    assert project.pledge.status == PledgeStatus.FULFILLED


def test_acceptance_failed_breaches_pledge_with_its_consequences(funded):
    project, _, _ = funded
    _sign(project)
    officer = _running(project)
    _accept(project, {"major_breakthrough": 1, "new_product": 4})

    projects.decide_acceptance(project=project, actor=officer, decision="failed", reason="指标未完成")

    pledge = project.pledge
    pledge.refresh_from_db()
    event = PledgeEvent.objects.get(pledge=pledge, action="breach")
    assert pledge.status == PledgeStatus.BREACHED
    assert event.payload["unmet"] == ["产业重大技术突破承诺3项，完成1项"]
    assert event.payload["consequences"] == pledge.content["consequences"]
    assert list(CreditRecord.objects.filter(project=project).values_list("kind", flat=True)) == ["failed"]


def test_acceptance_closed_with_indicators_missed_records_pledge_credit(funded):
    project, _, _ = funded
    _sign(project)
    officer = _running(project)
    _accept(project, {"major_breakthrough": 3, "new_product": 2})

    projects.decide_acceptance(project=project, actor=officer, decision="closed", reason="结题")

    record = CreditRecord.objects.get(project=project)
    assert (record.kind, record.note) == ("pledge", "未履行军令状：新产品承诺4个，完成2个")


def test_terminated_project_breaches_pledge(funded):
    project, _, _ = funded
    _sign(project)

    projects.terminate(project=project, actor=OfficerFactory(section=SECTION_1), reason="无法实施")

    project.pledge.refresh_from_db()
    assert project.pledge.status == PledgeStatus.BREACHED
