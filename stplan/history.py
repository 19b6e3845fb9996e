"""One history page per object, in Chinese: who did what, when and why.

Each kind names the objects a person may see the history of, the same set their pages show
them; an object outside it is not found (404), as on its own page."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role, Unit
from stplan.applications.selectors import visible_applications
from stplan.funding.selectors import managed_plans
from stplan.projects.models import CountyAward
from stplan.projects.selectors import visible_projects
from stplan.review.selectors import managed_rounds
from stplan.workflow import history


def _units(user) -> QuerySet[Unit]:
    if user.role == Role.BUREAU_ADMIN:
        return Unit.objects.all()
    if user.role == Role.UNIT_ADMIN and user.unit_id:
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.none()


def _awards(user) -> QuerySet[CountyAward]:
    return (
        CountyAward.objects.all() if user.has_perm("projects.manage_awards") else CountyAward.objects.none()
    )


def _project_parts(project) -> list:
    return [
        project,
        project.contract,
        getattr(project, "acceptance", None),
        *project.tranches.all(),
        *project.reports.all(),
        *project.changes.all(),
    ]


def _plan_parts(plan) -> list:
    return [plan, *plan.objections.all()]


@dataclass(frozen=True)
class Kind:
    noun: str
    visible: Callable[..., QuerySet]
    parts: Callable[..., list] = lambda obj: [obj]


KINDS = {
    "unit": Kind(_("单位"), _units),
    "application": Kind(_("项目申报"), visible_applications),
    "round": Kind(_("评审批次"), managed_rounds),
    "plan": Kind(_("立项方案"), managed_plans, _plan_parts),
    "project": Kind(_("项目"), visible_projects, _project_parts),
    "award": Kind(_("县域奖励"), _awards),
}


@login_required
def history_page(request, kind: str, pk: int):
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    obj = get_object_or_404(spec.visible(request.user), pk=pk)
    return render(
        request,
        "workflow/history.html",
        {"object": obj, "noun": spec.noun, "history": history(*spec.parts(obj))},
    )
