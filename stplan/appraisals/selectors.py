from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from stplan.accounts.models import Role
from stplan.appraisals.models import Panel, PanelOpinion, PanelTask
from stplan.appraisals.services import averages
from stplan.challenges.models import Need, NeedCall


def panels_for(user) -> QuerySet[Panel]:
    panels = Panel.objects.select_related("call__direction").order_by("-created_at", "-pk")
    if user.role == Role.BUREAU_ADMIN:
        return panels
    if user.role == Role.OFFICER and user.section:
        return panels.filter(call__direction__section=user.section)
    return panels.none()


def calls_for(user) -> QuerySet[NeedCall]:
    calls = NeedCall.objects.select_related("direction").order_by("-opens_at")
    if user.role == Role.BUREAU_ADMIN:
        return calls
    if user.role == Role.OFFICER and user.section:
        return calls.filter(direction__section=user.section)
    return calls.none()


def panel_for(user, pk: int) -> Panel:
    panel = Panel.objects.select_related("call__direction").filter(pk=pk).first()
    if panel is None or not user.has_perm("appraisals.manage_panel", panel):
        raise Http404
    return panel


def task_for(user, pk: int) -> PanelTask:
    task = (
        PanelTask.objects.select_related("panel__call__direction", "need__unit", "expert__user")
        .filter(pk=pk)
        .first()
    )
    if task is None or not user.has_perm("appraisals.score_task", task):
        raise Http404
    return task


def tasks_of_expert(user) -> QuerySet[PanelTask]:
    return (
        PanelTask.objects.filter(expert__user=user, panel__status__in=("open", "closed"))
        .select_related("panel", "need")
        .order_by("-panel__created_at", "pk")
    )


@dataclass
class NeedRow:
    need: Need
    tasks: list[PanelTask]
    importance: float | None
    feasibility: float | None
    submitted: int
    opinion: PanelOpinion | None


def panel_rows(panel: Panel) -> list[NeedRow]:
    tasks = list(panel.tasks.select_related("need__unit", "expert__user").order_by("need", "pk"))
    opinions = {o.need_id: o for o in panel.opinions.all()}
    by_need: dict[int, list[PanelTask]] = {}
    for task in tasks:
        by_need.setdefault(task.need_id, []).append(task)
    rows = []
    for group in by_need.values():
        need = group[0].need
        importance, feasibility, submitted = averages(panel, need)
        rows.append(NeedRow(need, group, importance, feasibility, submitted, opinions.get(need.pk)))
    return rows
