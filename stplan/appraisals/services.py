"""专家论证 of the accepted needs of a call, with the review app's expert pool and solver."""

from datetime import datetime
from statistics import mean

import numpy as np
from django.db import transaction
from django.utils import timezone

from stplan.accounts.models import User
from stplan.appraisals.models import MAX_POINTS, Panel, PanelOpinion, PanelTask, TaskStatus
from stplan.challenges.models import Need, NeedCall, NeedStatus
from stplan.errors import ServiceError
from stplan.review import affinity, solver
from stplan.review.models import Expert
from stplan.review.services import expert_text
from stplan.workflow import perform, record


def need_text(need: Need) -> str:
    return "\n".join([need.title, need.segment, need.problem, need.bottleneck, need.target_text])


def conflicted(expert: Expert, need: Need) -> bool:
    """An expert of the need's own enterprise may not argue it."""
    return bool(expert.unit_credit_code) and expert.unit_credit_code == need.unit.credit_code


@transaction.atomic
def create_panel(*, actor: User, call: NeedCall, name: str, experts_per_need: int, due_at: datetime) -> Panel:
    """A panel over the call's accepted needs, experts assigned by affinity, none of a need's own enterprise."""
    panel = Panel(
        call=call,
        name=(name or "").strip()[:100] or "专家论证",
        experts_per_need=experts_per_need,
        due_at=due_at,
    )
    if not actor.has_perm("appraisals.manage_panel", panel):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以组织专家论证。")
    if not 1 <= experts_per_need <= 15:
        raise ServiceError("每项需求的论证专家数须为1至15。")
    if due_at <= timezone.now():
        raise ServiceError("论证截止须晚于现在。")
    needs = list(
        Need.objects.filter(call=call, status=NeedStatus.ACCEPTED).select_related("unit").order_by("pk")
    )
    if not needs:
        raise ServiceError("本次征集没有已采纳、待论证的需求。")
    panel.save()
    experts = list(
        Expert.objects.filter(enabled=True, available=True).prefetch_related("fields").order_by("pk")
    )
    pairs, shortfall = _assign(needs, experts, experts_per_need)
    PanelTask.objects.bulk_create(PanelTask(panel=panel, need=needs[n], expert=experts[e]) for n, e in pairs)
    record(
        panel,
        "create",
        actor=actor,
        payload={"needs": len(needs), "tasks": len(pairs), "shortfall": [needs[n].title for n in shortfall]},
    )
    return panel


def _assign(needs: list[Need], experts: list[Expert], k: int) -> tuple[list[tuple[int, int]], list[int]]:
    if not experts:
        return [], list(range(len(needs)))
    problem = solver.Problem(
        affinity=affinity.text_affinity([need_text(n) for n in needs], [expert_text(e) for e in experts]),
        allowed=np.array([[not conflicted(e, n) for e in experts] for n in needs], dtype=bool),
        k=np.full(len(needs), k),
        capacity=np.array([e.load_cap for e in experts]),
    )
    solution = solver.solve(problem)
    return [(int(n), int(e)) for n, e in solution.pairs], sorted(solution.shortfall)


def transition_panel(*, panel: Panel, action: str, actor: User) -> Panel:
    return perform(panel, action, actor=actor)


def _points(value, label: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_POINTS:
        raise ServiceError(f"{label}须为0至{MAX_POINTS}的整数。")
    return value


def submit_task(
    *, task: PanelTask, actor: User, importance, feasibility, comment: str, recommend: bool | None
) -> PanelTask:
    def apply(locked: PanelTask) -> dict:
        locked.importance = _points(importance, "重要性")
        locked.feasibility = _points(feasibility, "可行性")
        if not (comment or "").strip():
            raise ServiceError("请填写论证意见。")
        if recommend is None:
            raise ServiceError("请选择是否建议列入榜单。")
        locked.comment, locked.recommend, locked.submitted_at = comment.strip(), recommend, timezone.now()
        return {"importance": locked.importance, "feasibility": locked.feasibility, "recommend": recommend}

    return perform(task, "submit", actor=actor, apply=apply)


def decline_task(*, task: PanelTask, actor: User, reason: str) -> PanelTask:
    """The expert declares a conflict with the need: the task is withdrawn."""
    return perform(task, "decline", actor=actor, reason=reason)


def averages(panel: Panel, need: Need) -> tuple[float | None, float | None, int]:
    done = list(panel.tasks.filter(need=need, status=TaskStatus.SUBMITTED))
    if not done:
        return None, None, 0
    return mean(t.importance for t in done), mean(t.feasibility for t in done), len(done)


@transaction.atomic
def record_opinion(*, panel: Panel, need: Need, actor: User, recommended: bool, opinion: str) -> PanelOpinion:
    """The panel's recommendation on a need, with the experts' average scores."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if not actor.has_perm("appraisals.manage_panel", panel):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以记录专家组意见。")
    if not panel.tasks.filter(need=need).exists():
        raise ServiceError("该需求不在本次论证中。")
    if not (opinion or "").strip():
        raise ServiceError("请填写专家组意见。")
    importance, feasibility, count = averages(panel, need)
    if count == 0:
        raise ServiceError("该需求还没有专家提交论证意见。")
    result, _ = PanelOpinion.objects.update_or_create(
        panel=panel,
        need=need,
        defaults={
            "recommended": recommended,
            "opinion": opinion.strip(),
            "importance": importance,
            "feasibility": feasibility,
            "recorded_by": actor,
        },
    )
    record(
        panel,
        "opinion",
        actor=actor,
        reason=opinion,
        payload={"need": need.title, "recommended": recommended},
    )
    return result
