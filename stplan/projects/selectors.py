"""Reads for funded projects: what a person may see, the payments ledger, the dashboard."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role
from stplan.applications.selectors import leader_ids
from stplan.eligibility.rules import Sanction
from stplan.listing import Sort
from stplan.projects.models import (
    CreditRecord,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    Tranche,
    TrancheStatus,
)


def visible_projects(user) -> QuerySet[Project]:
    base = Project.objects.select_related(
        "application__direction", "application__lead_unit", "application__leader", "contract"
    )
    if not user.is_authenticated:
        return base.none()
    match user.role:
        case Role.LEADER:
            return base.filter(application__leader=user)
        case Role.UNIT_ADMIN if user.unit_id:
            return base.filter(application__lead_unit_id=user.unit_id)
        case Role.OFFICER if user.section:
            return base.filter(application__direction__section=user.section)
        case Role.BUREAU_ADMIN:
            return base
    return base.none()


PROJECT_SORTS = {
    "number": Sort(_("立项编号"), ("number",)),
    "amount": Sort(_("资助金额从高到低"), ("-amount", "number")),
    "status": Sort(_("状态"), ("status", "number")),
    "unit": Sort(_("承担单位"), ("application__lead_unit__name", "number")),
}


def project_keyword(q: str) -> Q:
    return Q(number__icontains=q) | Q(application__title__icontains=q) | Q(application__number__icontains=q)


@dataclass
class LedgerRow:
    key: str
    planned: int = 0
    paid: int = 0
    released_unpaid: int = 0
    cancelled: int = 0


def ledger(projects: QuerySet[Project]) -> dict:
    """Planned vs paid per project, per 科室 and per year of payment; the totals reconcile
    with the projects' amounts by construction and are checked by the tests."""
    tranches = Tranche.objects.filter(project__in=projects).select_related("project__application__direction")
    by_project: dict[str, LedgerRow] = {}
    by_section: dict[str, LedgerRow] = {}
    by_year: dict[str, LedgerRow] = defaultdict(lambda: LedgerRow(""))
    for t in tranches:
        for table, key in (
            (by_project, t.project.number),
            (by_section, t.project.application.direction.section),
        ):
            row = table.setdefault(key, LedgerRow(key))
            if t.status == TrancheStatus.CANCELLED:
                row.cancelled += t.planned_amount
                continue
            row.planned += t.planned_amount
            row.paid += t.paid_amount or 0
            row.released_unpaid += t.planned_amount if t.status == TrancheStatus.RELEASED else 0
        if t.paid_on:
            year_row = by_year[str(t.paid_on.year)]
            year_row.key = str(t.paid_on.year)
            year_row.paid += t.paid_amount
    total = LedgerRow(
        "合计", sum(r.planned for r in by_project.values()), sum(r.paid for r in by_project.values())
    )
    total.released_unpaid = sum(r.released_unpaid for r in by_project.values())
    total.cancelled = sum(r.cancelled for r in by_project.values())
    return {"projects": by_project, "sections": by_section, "years": dict(by_year), "total": total}


@dataclass
class Dashboard:
    by_status: dict[str, int] = field(default_factory=dict)
    planned: int = 0
    paid: int = 0
    indicators: list[dict] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)


def dashboard(projects: QuerySet[Project], *, today=None) -> Dashboard:
    today = today or timezone.localdate()
    board = Dashboard()
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    for status, label in ProjectStatus.choices:
        board.by_status[label] = counts.get(status, 0)
    money = (
        Tranche.objects.filter(project__in=projects)
        .exclude(status=TrancheStatus.CANCELLED)
        .aggregate(planned=Sum("planned_amount"), paid=Sum("paid_amount"))
    )
    board.planned, board.paid = money["planned"] or 0, money["paid"] or 0
    committed: dict[str, dict] = {}
    # Only the two JSON columns the totals need, not the applications behind the projects.
    for project in (
        projects.select_related(None)
        .select_related("contract", "acceptance")
        .only("pk", "contract__content", "acceptance__achieved")
    ):
        achieved = project.acceptance.achieved if hasattr(project, "acceptance") else {}
        for row in project.contract.content.get("indicators", []):
            entry = committed.setdefault(
                row["metric"], {"label": row["label"], "committed": 0, "achieved": 0}
            )
            entry["committed"] += row["committed"]
            entry["achieved"] += int(achieved.get(row["metric"], 0) or 0)
    board.indicators = sorted(committed.values(), key=lambda e: -e["committed"])
    for entry in board.indicators:
        entry["percent"] = (
            min(100, round(100 * entry["achieved"] / entry["committed"])) if entry["committed"] else 0
        )
    for project in projects.filter(
        status=ProjectStatus.CONTRACTING, created_at__lt=timezone.now() - timedelta(days=14)
    ):
        board.overdue.append(
            f"{project.number}：任务书超过14天未签订（{project.contract.get_status_display()}）"
        )
    in_progress = list(projects.filter(status=ProjectStatus.IN_PROGRESS).select_related(None))
    accepted = reported_years(in_progress, counted=(ReportStatus.ACCEPTED,))
    for project in in_progress:
        for year in missing_report_years(project, today=today, have=accepted[project.pk]):
            board.overdue.append(f"{project.number}：第{year}年度报告未提交或未通过")
        if project.ends_on < today:
            board.overdue.append(f"{project.number}：已过结束日期（{project.ends_on}），尚未验收")
    for tranche in Tranche.objects.filter(project__in=projects, status=TrancheStatus.RELEASED).select_related(
        "project"
    ):
        board.overdue.append(
            f"{tranche.project.number}：第{tranche.sequence}笔（{tranche.planned_amount:,}元）已满足条件，待拨付"
        )
    board.percent_paid = round(100 * board.paid / board.planned) if board.planned else 0
    return board


def reported_years(projects, *, counted) -> dict[int, set[int]]:
    """The years each project has a report in `counted` for, in one query, keyed by pk."""
    years: dict[int, set[int]] = defaultdict(set)
    for project_id, year in ProgressReport.objects.filter(
        project__in=projects, status__in=counted
    ).values_list("project_id", "year"):
        years[project_id].add(year)
    return years


def missing_report_years(project: Project, *, today, have: set[int]) -> list[int]:
    """Project years that have ended within the project without a report among `have`."""
    years_done = (today - project.starts_on).days // 365
    return [
        year
        for year in range(1, years_done + 1)
        if year not in have and add_years(project.starts_on, year) <= project.ends_on
    ]


def add_years(day, years: int):
    """The same day `years` later; 29 February falls back to the 28th in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def projects_of_plan(plan) -> list[Project]:
    """The projects a final funding plan started, in the order they were created."""
    return list(Project.objects.filter(plan_item__plan=plan).select_related("application").order_by("pk"))


def eligibility_records() -> dict:
    """限项 and 失信 as the eligibility rules read them (`eligibility.rules.Records`): the
    projects each 负责人 leads that are not finished, those past their end date without 验收,
    and the credit records of failed or abandoned projects, against the unit and the person."""
    today = timezone.localdate()
    running = list(
        Project.objects.filter(
            status__in=(ProjectStatus.CONTRACTING, ProjectStatus.IN_PROGRESS)
        ).select_related("application")
    )
    credit = list(CreditRecord.objects.select_related("unit", "person", "project__application"))
    leaders = leader_ids([p.application for p in running] + [c.project.application for c in credit])
    leading: dict[str, list[str]] = {}
    overdue: dict[str, list[str]] = {}
    for project in running:
        person = leaders.get(project.application_id, "")
        leading.setdefault(person, []).append(project.number)
        if project.ends_on < today:
            overdue.setdefault(person, []).append(project.number)
    sanctions = []
    for record in credit:
        on, reason = (
            timezone.localdate(record.recorded_at),
            f"{record.project.number}{record.get_kind_display()}",
        )
        sanctions.append(
            Sanction(subject=record.unit.credit_code, name=record.unit.name, on=on, reason=reason)
        )
        if person := leaders.get(record.project.application_id):
            sanctions.append(Sanction(subject=person, name=str(record.person), on=on, reason=reason))
    return {
        "leading": {k: tuple(v) for k, v in leading.items()},
        "overdue": {k: tuple(v) for k, v in overdue.items()},
        "sanctions": tuple(sanctions),
    }
