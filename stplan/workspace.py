"""The 工作台: what waits for the person who logs in, from every part of the system.

It reads applications and projects, so it sits above both (like the history page). Each
to-do is one count and one short list, whatever the number of rows: a fixed number of
queries per role."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role, Unit, UnitStatus
from stplan.applications import selectors as applications
from stplan.applications.models import Status
from stplan.guides.models import Direction
from stplan.projects import selectors as projects
from stplan.projects.models import (
    Acceptance,
    AcceptanceStatus,
    ChangeRequest,
    ChangeStatus,
    ContractStatus,
    ProgressReport,
    ReportStatus,
    Tranche,
    TrancheStatus,
)

# The 工作台 shows the first few of each list; the full list pages and searches.
WORKSPACE_ROWS = 20
TODO_ROWS = 5


def _first(rows, list_url: str) -> dict:
    rows = rows.defer("form", "direction__data").order_by("-updated_at", "-pk")
    return {"rows": rows[:WORKSPACE_ROWS], "total": rows.count(), "url": list_url}


@dataclass(frozen=True)
class Item:
    number: str
    text: str
    url: str


@dataclass(frozen=True)
class Todo:
    """One kind of thing waiting for the person: how many, the first few, and where all are."""

    key: str
    label: Promise
    total: int
    items: list[Item]
    url: str


def _todo(key, label, rows: QuerySet, item, url) -> Todo | None:
    total = rows.count()
    if not total:
        return None
    return Todo(key, label, total, [item(row) for row in rows[:TODO_ROWS]], url)


def _project_item(anchor):
    def item(project):
        return Item(
            project.number,
            project.application.title,
            reverse("projects:detail", args=[project.pk]) + anchor,
        )

    return item


def _part_item(anchor, text):
    def item(part):
        project = part.project
        return Item(project.number, text(part), reverse("projects:detail", args=[project.pk]) + anchor)

    return item


def project_todos(user) -> list[Todo]:
    """The project steps waiting for `user`: the 任务书 step that is theirs, a 年度报告 sent
    back to its 负责人, and for the 科室 the reports, changes, 验收 and payments to decide."""
    visible = projects.visible_projects(user)
    listed = reverse("projects:list")
    found = []
    contract_step = {
        Role.LEADER: (ContractStatus.DRAFT, _("任务书待您确认")),
        Role.UNIT_ADMIN: (ContractStatus.CONFIRMED, _("任务书待单位审核")),
        Role.OFFICER: (ContractStatus.UNIT_APPROVED, _("任务书待科室审核")),
        Role.BUREAU_ADMIN: (ContractStatus.UNIT_APPROVED, _("任务书待科室审核")),
    }.get(user.role)
    if contract_step:
        status, label = contract_step
        contracts = visible.filter(contract__status=status).order_by("number")
        found.append(_todo("contracts", label, contracts, _project_item("#contract"), listed))
    parts = {"project__in": visible.values("pk")}
    if user.role == Role.LEADER:
        refiled = ProgressReport.objects.filter(
            project=OuterRef("project"),
            year=OuterRef("year"),
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        )
        returned = (
            ProgressReport.objects.filter(status=ReportStatus.RETURNED, **parts)
            .exclude(Exists(refiled))
            .select_related("project__application")
            .order_by("project__number", "year")
        )
        found.append(
            _todo(
                "returned_reports",
                _("退回修改的年度报告"),
                returned,
                _part_item("#reports", lambda r: _("第%(year)s年度报告") % {"year": r.year}),
                listed,
            )
        )
    if user.is_bureau:
        waiting = [
            (
                "reports",
                _("年度报告待审核"),
                ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, **parts),
                "#reports",
                lambda r: _("第%(year)s年度报告") % {"year": r.year},
            ),
            (
                "changes",
                _("变更申请待审批"),
                ChangeRequest.objects.filter(status=ChangeStatus.PENDING, **parts),
                "#changes",
                lambda c: c.get_kind_display(),
            ),
            (
                "acceptances",
                _("验收申请待结论"),
                Acceptance.objects.filter(status=AcceptanceStatus.SUBMITTED, **parts),
                "#acceptance",
                lambda a: a.project.application.title,
            ),
            (
                "tranches",
                _("可拨付，待登记拨付"),
                Tranche.objects.filter(status=TrancheStatus.RELEASED, **parts),
                "#tranches",
                lambda t: _("第%(n)s笔") % {"n": t.sequence},
            ),
        ]
        for key, label, rows, anchor, text in waiting:
            rows = rows.select_related("project__application").order_by("project__number", "pk")
            found.append(_todo(key, label, rows, _part_item(anchor, text), listed))
    return [todo for todo in found if todo]


@login_required
def workspace(request):
    user = request.user
    if user.role == Role.EXPERT:
        return redirect("review:mine")
    visible = applications.visible_applications(user)
    context = {"unit": user.unit, "todos": project_todos(user)}
    listed = reverse("applications:list")
    if user.role == Role.LEADER:
        context["todo"] = _first(visible.filter(status=Status.RETURNED), f"{listed}?status={Status.RETURNED}")
        context["applications"] = _first(visible, listed)
        if user.unit and user.unit.status == UnitStatus.APPROVED:
            context["directions"] = Direction.objects.filter(accepts_applications=True).select_related(
                "guide", "category"
            )
    elif user.role == Role.UNIT_ADMIN:
        context["todo"] = _first(
            visible.filter(status=Status.SUBMITTED), f"{listed}?status={Status.SUBMITTED}"
        )
        context["applications"] = _first(visible.filter(version__gt=0), listed)
    elif user.role == Role.RECOMMENDER:
        context["todo"] = _first(
            visible.filter(status=Status.UNIT_APPROVED), f"{listed}?status={Status.UNIT_APPROVED}"
        )
        context["applications"] = _first(visible, listed)
    elif user.is_bureau:
        context["todo"] = _first(
            visible.filter(status=Status.RECOMMENDED),
            f"{reverse('applications:desk')}?status={Status.RECOMMENDED}",
        )
        if user.role == Role.BUREAU_ADMIN:
            context["pending_units"] = Unit.objects.registered().filter(status=UnitStatus.PENDING).count()
    return render(request, "applications/workspace.html", context)
