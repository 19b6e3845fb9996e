"""统计分析: the programme's numbers, aggregated in the database (one grouped query per table).

Every figure counts applications ever submitted (drafts never reached the bureau). A person
sees the numbers of what they may see elsewhere: the 局管理员 all of it, a 科室 its own 方向.

投入产出比 (`ROI_DEFINITION`): the 新增产值 the 验收 of projects that passed or were closed
(通过、结题) report, divided by those projects' 项目总投入 — the ratio the guide's 考核指标
“投入产出比达到1:N” and the 验收 page use, summed over a group; beside it the same output
divided by the 市财政资助 of those projects (what one 元 of city funding yielded).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role
from stplan.applications.models import Application, Status
from stplan.eligibility import labels
from stplan.guides.models import Direction, Guide
from stplan.projects.models import (
    AcceptanceStatus,
    ProgressReport,
    Project,
    ProjectStatus,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from stplan.review.models import Assignment, AssignmentStatus, Expert

ROI_DEFINITION = _(
    "投入产出比＝验收通过或结题项目验收时填报的新增产值合计 ÷ 这些项目的项目总投入合计"
    "（与指南考核指标“投入产出比达到1:N”及验收页的算法相同）；"
    "财政资金产出比＝同一新增产值合计 ÷ 这些项目的市财政资助金额合计。"
)


@dataclass(frozen=True)
class Dimension:
    label: str
    field: str


DIMENSIONS = {
    "year": Dimension(_("年度"), "guide__year"),
    "programme": Dimension(_("计划"), "direction__category__programme"),
    "direction": Dimension(_("方向"), "direction__number"),
    "section": Dimension(_("科室"), "direction__section"),
    "county": Dimension(_("县（市、区）"), "lead_unit__county"),
    "unit_kind": Dimension(_("单位性质"), "lead_unit__kind"),
    "batch": Dimension(_("批次"), "guide_id"),
}
# Dimensions whose values are whole numbers (a year, a 方向 number, a guide's key).
NUMERIC = ("year", "direction", "batch")
PASSED = (Status.PASSED, Status.FUNDED)


def may_see_statistics(user) -> bool:
    return user.is_authenticated and (
        user.role == Role.BUREAU_ADMIN or (user.role == Role.OFFICER and bool(user.section))
    )


def counted_applications(user) -> QuerySet[Application]:
    return Application.objects.filter(counted(user))


def counted(user, path: str = "") -> Q:
    """The applications `user` counts, as a condition on the relation `path` to them (a join
    the query makes anyway, rather than an IN over a second scan of the applications)."""
    if user.role == Role.OFFICER:
        return Q(**{f"{path}version__gt": 0, f"{path}direction__section": user.section})
    if user.role == Role.BUREAU_ADMIN:
        return Q(**{f"{path}version__gt": 0})
    return Q(pk__in=[])


def _paid_by(user, field: str) -> dict:
    """Paid tranches summed per value of `field`, in a query of their own: joined into the
    applications' query they would multiply its counts."""
    paid = (
        Tranche.objects.filter(counted(user, "project__application__"), status=TrancheStatus.PAID)
        .values(f"project__application__{field}")
        .annotate(total=Sum("paid_amount"))
    )
    return {row[f"project__application__{field}"]: row["total"] or 0 for row in paid}


def breakdown(user, by: str) -> list[dict]:
    """One row per value of the dimension `by`: applications, 形审 outcome, funded, amounts."""
    field = DIMENSIONS[by].field
    rows = (
        counted_applications(user)
        .values(field)
        .annotate(
            applications=Count("pk"),
            passed=Count("pk", filter=Q(status__in=PASSED)),
            rejected=Count("pk", filter=Q(status=Status.REJECTED)),
            funded=Count("pk", filter=Q(status=Status.FUNDED)),
            requested_amount=Coalesce(Sum("requested_amount"), Value(0)),
            funded_amount=Coalesce(Sum("project__amount"), Value(0)),
        )
        .order_by(field)
    )
    paid = _paid_by(user, field)
    titles = _titles(by)
    result = []
    for row in rows:
        value = row[field]
        decided = row["passed"] + row["rejected"]
        result.append(
            {
                "value": "" if value is None else str(value),
                "label": _label(by, value, titles),
                "applications": row["applications"],
                "passed": row["passed"],
                "rejected": row["rejected"],
                "pass_rate": round(100 * row["passed"] / decided, 1) if decided else None,
                "funded": row["funded"],
                "requested_amount": row["requested_amount"],
                "funded_amount": row["funded_amount"],
                "paid_amount": paid.get(value, 0),
            }
        )
    return result


def _titles(by: str) -> dict:
    """Names of the values of `by` that are keys: one small query, not a join over the applications."""
    if by == "direction":
        # 方向 names by number, a later guide's name winning.
        return dict(Direction.objects.order_by("guide__year").values_list("number", "title"))
    if by == "batch":
        return {
            pk: f"{year}年 {title}" for pk, year, title in Guide.objects.values_list("pk", "year", "title")
        }
    return {}


def label(by: str, value) -> str:
    """How one value of the dimension `by` reads on the page (a drill-down's heading)."""
    if by in NUMERIC and isinstance(value, str):
        value = int(value) if value.isdigit() and len(value) <= 9 else value
    return _label(by, value, _titles(by))


def _label(by: str, value, titles: dict) -> str:
    if value in (None, ""):
        return str(_("（未填）"))
    if by == "batch":
        return titles.get(value, str(value))
    if by == "direction":
        return f"方向{value} {titles.get(value, '')}".strip()
    if by == "unit_kind":
        return labels.ORGANIZATION_KINDS.get(value, value)
    if by == "year":
        return f"{value}年"
    return str(value)


def projects_by_state(user) -> list[dict]:
    projects = Project.objects.filter(counted(user, "application__"))
    counts = dict(projects.values_list("status").annotate(n=Count("pk")))
    return [
        {"status": s.value, "label": str(s.label), "count": counts.get(s.value, 0)} for s in ProjectStatus
    ]


def _grouped_projects(user, by: str, **aggregates) -> list[dict]:
    """Projects grouped by the dimension `by` of their application, one query; each row gets
    `value` and `label` beside the aggregates."""
    field = f"application__{DIMENSIONS[by].field}"
    rows = (
        Project.objects.filter(counted(user, "application__"))
        .values(field)
        .annotate(**aggregates)
        .order_by(field)
    )
    titles = _titles(by)
    return [
        {
            "value": "" if row[field] is None else str(row[field]),
            "label": _label(by, row[field], titles),
            **{k: v for k, v in row.items() if k != field},
        }
        for row in rows
    ]


def projects_by_dimension(user, by: str) -> list[dict]:
    """Projects in each state, per value of `by`."""
    return _grouped_projects(
        user, by, **{s.value: Count("pk", filter=Q(status=s.value)) for s in ProjectStatus}
    )


class AddYears(Func):
    """The same date `years` later, in the database (29 February: PostgreSQL gives the 28th,
    SQLite 1 March)."""

    output_field = DateField()

    def __init__(self, expression, years: int):
        self.years = int(years)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template=f"(%(expressions)s + make_interval(years => {self.years}))::date"
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template=f"date(%(expressions)s, '+{self.years} years')")


def _report_years(user) -> range:
    """Project years any project in progress can owe a report for: 1 to its longest span."""
    longest = (
        Project.objects.filter(counted(user, "application__"), status=ProjectStatus.IN_PROGRESS)
        .annotate(span=ExtractYear("ends_on") - ExtractYear("starts_on") + 1)
        .aggregate(n=Max("span"))["n"]
    )
    return range(1, (longest or 0) + 1)


def _overdue_in_year(year: int, today) -> Q:
    """A project in progress whose `year`-th year has ended within the project (a full 365
    days after its start, as the reminders count) with no report submitted or accepted for it
    — the yearly report is overdue."""
    reported = ProgressReport.objects.filter(
        project=OuterRef("pk"), year=year, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    )
    return Q(
        Q(status=ProjectStatus.IN_PROGRESS),
        Q(starts_on__lte=today - timedelta(days=365 * year)),
        Q(ends_on__gte=AddYears(F("starts_on"), year)),
        ~Exists(reported),
    )


def overdue_reports(user, by: str, *, today) -> list[dict]:
    """Per value of `by`: yearly reports missing past their due date, and the projects owing one."""
    years = _report_years(user)
    if not years:
        return []
    owing = Q()
    for year in years:
        owing |= _overdue_in_year(year, today)
    rows = _grouped_projects(
        user,
        by,
        projects=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS)),
        owing=Count("pk", filter=owing),
        **{f"year{y}": Count("pk", filter=_overdue_in_year(y, today)) for y in years},
    )
    for row in rows:
        row["missing"] = sum(row.pop(f"year{y}") for y in years)
    return [row for row in rows if row["projects"]]


def overdue_projects(user, *, today) -> QuerySet[Project]:
    owing = Q()
    for year in _report_years(user):
        owing |= _overdue_in_year(year, today)
    return Project.objects.filter(owing) if owing else Project.objects.none()


CONCLUDED = (AcceptanceStatus.PASSED, AcceptanceStatus.CLOSED)


def acceptance_outcomes(user, by: str) -> list[dict]:
    """Per value of `by`: 验收 by conclusion, and the 投入产出比 of those passed or closed."""
    concluded = Q(acceptance__status__in=CONCLUDED)
    rows = _grouped_projects(
        user,
        by,
        **{s.value: Count("pk", filter=Q(acceptance__status=s.value)) for s in AcceptanceStatus},
        concluded_amount=Coalesce(Sum("amount", filter=concluded), Value(0)),
        new_output=Coalesce(Sum("acceptance__new_output", filter=concluded), Value(0)),
        total_investment=Coalesce(Sum("acceptance__total_investment", filter=concluded), Value(0)),
    )
    for row in rows:
        amount = row["concluded_amount"]
        invested = row["total_investment"]
        row["roi"] = round(row["new_output"] / invested, 2) if invested else None
        row["funding_yield"] = round(row["new_output"] / amount, 2) if amount else None
    return [row for row in rows if any(row[s.value] for s in AcceptanceStatus)]


def expert_workload(user, *, now) -> list[dict]:
    """Per expert, over the review tasks of the applications `user` may count: tasks given
    (published to the expert, not withdrawn), submitted, submitted after the task's due time,
    still open past it, and withdrawn (回避)."""
    due = Coalesce(F("due_at"), F("round__due_at"))
    open_ = Q(status__in=(AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED))
    rows = (
        Assignment.objects.filter(counted(user, "application__"))
        .exclude(status=AssignmentStatus.PROPOSED)
        .values("expert_id")
        .annotate(
            tasks=Count("pk", filter=~Q(status=AssignmentStatus.WITHDRAWN)),
            submitted=Count("pk", filter=Q(status=AssignmentStatus.SUBMITTED)),
            late=Count(
                "pk",
                filter=Q(GreaterThan(F("review__submitted_at"), due), status=AssignmentStatus.SUBMITTED),
            ),
            overdue=Count("pk", filter=open_ & Q(LessThan(due, Value(now)))),
            withdrawn=Count("pk", filter=Q(status=AssignmentStatus.WITHDRAWN)),
        )
        .order_by("-tasks", "expert_id")
    )
    # Names in a query of their own: grouping by them would sort every task by its texts.
    people = {
        pk: (full_name or username, unit)
        for pk, full_name, username, unit in Expert.objects.values_list(
            "pk", "user__full_name", "user__username", "unit_name"
        )
    }
    return [
        {
            "value": str(row["expert_id"]),
            "label": people[row["expert_id"]][0],
            "unit": people[row["expert_id"]][1],
            "tasks": row["tasks"],
            "submitted": row["submitted"],
            "late": row["late"],
            "overdue": row["overdue"],
            "withdrawn": row["withdrawn"],
            "late_rate": round(100 * row["late"] / row["submitted"], 1) if row["submitted"] else None,
        }
        for row in rows
    ]


def time_series(user) -> list[dict]:
    """Per batch (申报指南), in order of year: applications, 形审 outcome, funded, amounts."""
    rows = (
        counted_applications(user)
        .values("guide_id", "guide__year", "guide__title")
        .annotate(
            applications=Count("pk"),
            passed=Count("pk", filter=Q(status__in=PASSED)),
            funded=Count("pk", filter=Q(status=Status.FUNDED)),
            requested_amount=Coalesce(Sum("requested_amount"), Value(0)),
            funded_amount=Coalesce(Sum("project__amount"), Value(0)),
        )
        .order_by("guide__year", "guide_id")
    )
    return [
        {
            "value": str(row["guide_id"]),
            "label": f"{row['guide__year']}年 {row['guide__title']}",
            "year": row["guide__year"],
            **{k: row[k] for k in ("applications", "passed", "funded", "requested_amount", "funded_amount")},
        }
        for row in rows
    ]


SUBSETS = {
    "": Q(),
    "passed": Q(status__in=PASSED),
    "rejected": Q(status=Status.REJECTED),
    "funded": Q(status=Status.FUNDED),
    **{f"project:{s.value}": Q(project__status=s.value) for s in ProjectStatus},
    **{f"acceptance:{s.value}": Q(project__acceptance__status=s.value) for s in AcceptanceStatus},
}


def subset_label(subset: str) -> str:
    if subset.startswith("project:"):
        return str(ProjectStatus(subset.split(":")[1]).label)
    if subset.startswith("acceptance:"):
        return _("验收") + str(AcceptanceStatus(subset.split(":")[1]).label)
    if subset.startswith("expert:") and subset[7:].isdigit():
        person = (
            Expert.objects.filter(pk=int(subset[7:])).values_list("user__full_name", "user__username").first()
        )
        return _("评审任务") + (f"：{person[0] or person[1]}" if person else "")
    return str(
        {
            "": "",
            "passed": _("形审通过"),
            "rejected": _("形审不通过"),
            "funded": _("立项"),
            "overdue": _("年度报告逾期"),
        }.get(subset, _("评审任务"))
    )


def valid_subset(subset: str) -> bool:
    return subset in SUBSETS or subset == "overdue" or (subset.startswith("expert:") and subset[7:].isdigit())


def drill_down(user, by: str, value: str, subset: str = "", *, today=None) -> QuerySet[Application]:
    """The applications behind one row (and, by `subset`, one column) of the page's tables."""
    field = DIMENSIONS[by].field
    applications = counted_applications(user).select_related("direction", "lead_unit").order_by("number")
    if not valid_subset(subset):
        return applications.none()
    if subset == "overdue":
        applications = applications.filter(project__in=overdue_projects(user, today=today))
    elif subset.startswith("expert:"):
        # An expert's row is not of a dimension: their tasks, whatever `value` says.
        return applications.filter(
            Exists(
                Assignment.objects.filter(application=OuterRef("pk"), expert_id=int(subset[7:])).exclude(
                    status=AssignmentStatus.PROPOSED
                )
            )
        )
    else:
        applications = applications.filter(SUBSETS[subset])
    if by in NUMERIC:
        if not (value.isdigit() and len(value) <= 9):
            return applications.none()
        return applications.filter(**{field: int(value)})
    if value == "":
        return applications.filter(Q(**{f"{field}__isnull": True}) | Q(**{field: ""}))
    return applications.filter(**{field: value})
