from datetime import timedelta

import pytest
from django.utils import timezone

from stplan.appraisals import services
from stplan.appraisals.models import PanelStatus, PanelTask, TaskStatus
from stplan.challenges.services import transition_need
from stplan.errors import ServiceError
from tests.world import (
    ExpertFactory,
    OfficerFactory,
    UnitAdminFactory,
    UnitFactory,
    appraisal_panel,
    need_call,
    open_guide,
    submitted_need,
)

pytestmark = pytest.mark.django_db
SECTION_1 = "发展规划与科技监督科"


@pytest.fixture
def guide():
    return open_guide()


def _score(task, importance=80, feasibility=70, recommend=True):
    return services.submit_task(
        task=task,
        actor=task.expert.user,
        importance=importance,
        feasibility=feasibility,
        comment="意见",
        recommend=recommend,
    )


def test_panel_gives_each_need_the_experts_asked(guide):
    panel = appraisal_panel(guide, needs=2, experts=4)

    counts = sorted(panel.tasks.values_list("need", flat=True))
    assert panel.status == PanelStatus.OPEN
    assert len(counts) == 4 and len(set(counts)) == 2


def test_panel_keeps_the_need_enterprise_experts_away(guide):
    officer = OfficerFactory(section=SECTION_1)
    enterprise = UnitFactory(kind="enterprise")
    call = need_call(guide)
    need = submitted_need(call, person=UnitAdminFactory(unit=enterprise))
    transition_need(need=need, action="accept", actor=officer)
    own = ExpertFactory(unit_credit_code=enterprise.credit_code, keywords="伺服驱动 芯片")
    outside = [ExpertFactory(keywords="其他") for _ in range(2)]

    panel = services.create_panel(
        actor=officer, call=call, name="论证", experts_per_need=2, due_at=timezone.now() + timedelta(days=3)
    )

    assert set(panel.tasks.values_list("expert", flat=True)) == {e.pk for e in outside}
    assert own.pk not in panel.tasks.values_list("expert", flat=True)


def test_panel_without_accepted_needs_is_refused(guide):
    call = need_call(guide)
    submitted_need(call)
    with pytest.raises(ServiceError, match="没有已采纳、待论证的需求"):
        services.create_panel(
            actor=OfficerFactory(section=SECTION_1), call=call, name="论证", experts_per_need=2,
            due_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip


def test_panel_by_officer_of_other_section_is_refused(guide):
    with pytest.raises(ServiceError, match="只有该方向所属科室"):
        services.create_panel(
            actor=OfficerFactory(section="高新技术科"), call=need_call(guide), name="论证", experts_per_need=2,
            due_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip


def test_task_scored_by_its_expert_is_submitted(guide):
    task = appraisal_panel(guide).tasks.first()

    task = _score(task, importance=85, feasibility=60)

    assert (task.status, task.importance, task.feasibility, task.recommend) == (
        TaskStatus.SUBMITTED,
        85,
        60,
        True,
    )


def test_task_scored_above_100_is_refused(guide):
    task = appraisal_panel(guide).tasks.first()
    with pytest.raises(ServiceError, match="重要性须为0至100的整数"):
        _score(task, importance=101)


def test_task_scored_by_another_expert_is_refused(guide):
    panel = appraisal_panel(guide)
    task = panel.tasks.first()
    other = panel.tasks.exclude(expert=task.expert).first()
    with pytest.raises(ServiceError, match="您没有权限"):
        services.submit_task(
            task=task, actor=other.expert.user, importance=1, feasibility=1, comment="x", recommend=False
        )


def test_task_scored_after_panel_closed_is_refused(guide):
    officer = OfficerFactory(section=SECTION_1)
    panel = appraisal_panel(guide, officer=officer)
    services.transition_panel(panel=panel, action="close", actor=officer)
    with pytest.raises(ServiceError, match="专家论证未开始或已结束"):
        _score(panel.tasks.first())


def test_task_declined_for_conflict_is_withdrawn(guide):
    task = appraisal_panel(guide).tasks.first()

    task = services.decline_task(task=task, actor=task.expert.user, reason="曾为该企业顾问")

    assert task.status == TaskStatus.WITHDRAWN


def test_opinion_records_the_experts_average(guide):
    officer = OfficerFactory(section=SECTION_1)
    panel = appraisal_panel(guide, officer=officer)
    need = panel.tasks.first().need
    first, second = PanelTask.objects.filter(panel=panel, need=need)
    _score(first, importance=90, feasibility=70)
    _score(second, importance=80, feasibility=60)

    opinion = services.record_opinion(
        panel=panel, need=need, actor=officer, recommended=True, opinion="建议列入"
    )

    assert (opinion.importance, opinion.feasibility, opinion.recommended) == (85, 65, True)


def test_opinion_before_any_score_is_refused(guide):
    officer = OfficerFactory(section=SECTION_1)
    panel = appraisal_panel(guide, officer=officer)
    with pytest.raises(ServiceError, match="还没有专家提交论证意见"):
        services.record_opinion(
            panel=panel, need=panel.tasks.first().need, actor=officer, recommended=True, opinion="建议"
        )
