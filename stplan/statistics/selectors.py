"""统计分析: the programme's numbers, aggregated in the database (one grouped query per table).

Every figure counts applications ever submitted (drafts never reached the bureau). A person
sees the numbers of what they may see elsewhere: the 局管理员 all of it, a 科室 its own 方向.

投入产出比 (`ROI_DEFINITION`): the 新增产值 the 验收 of projects that passed or were closed
(通过、结题) report, divided by those projects' 项目总投入 — the ratio the guide's 考核指标
“投入产出比达到1:N” and the 验收 page use, summed over a group; beside it the same output
divided by the 市财政资助 of those projects (what one 元 of city funding yielded).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role, User
from stplan.applications.models import Application, Status
from stplan.eligibility import labels
from stplan.guides.models import Direction
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


def one_user_per_scope() -> list[User]:
    """Someone for each scope of figures: a 局管理员 (all of them), and an officer of each 科室."""
    active = User.objects.filter(is_active=True).order_by("pk")
    admin = active.filter(role=Role.BUREAU_ADMIN).first()
    officers: dict[str, User] = {}
    for officer in active.filter(role=Role.OFFICER).exclude(section=""):
        officers.setdefault(officer.section, officer)
    return [*([admin] if admin else []), *(officers[section] for section in sorted(officers))]


def counted_applications(user) -> QuerySet[Application]:
    return Application.objects.filter(counted(user))


def counted(user, path: str = "") -> Q:
    """The applications `user` counts, as a condition on the relation `path` to them (a join
    the query makes anyway, rather than an IN over a second scan of the applications)."""
    if user.role == Role.OFFICER:
        return Q(**{f"{path}version__gt": 0, f"{path}direction__section": user.section})
    if user.role == Role.BUREAU_ADMIN:
        # What hangs off an application (a project, a review task) came after its submission:
        # no join to the applications just to ask.
        return Q(**{f"{path}version__gt": 0}) if not path else Q()
    return Q(pk__in=[])


# The finest grouping every table is rolled up from: a 方向 (which gives its year, 计划, 科室,
# number and batch) × the lead unit's 县（市、区） × its 性质. A few thousand groups at most, so
# the database scans the applications once per figure and every dimension is a sum over groups.
GROUP = ("direction_id", "lead_unit__county", "lead_unit__kind")
# Where each dimension's value comes from: a field of the group's 方向, or of the group itself.
_FROM_DIRECTION = {
    "year": "guide__year",
    "programme": "category__programme",
    "direction": "number",
    "section": "section",
    "batch": "guide_id",
}


def _grouped(queryset: QuerySet, path: str, **aggregates) -> list[dict]:
    """`aggregates` of `queryset` per group, the group's fields read through `path`."""
    fields = [f"{path}{f}" for f in GROUP]
    rows = queryset.values(*fields).annotate(**aggregates).order_by()
    return [{**{f: row.pop(f"{path}{f}") for f in GROUP}, **row} for row in rows]


def _directions() -> dict[int, dict]:
    """Every 方向 by key, with what the dimensions and their labels read of it."""
    fields = ("guide_id", "number", "title", "section", "guide__year", "guide__title", "category__programme")
    return {d["pk"]: d for d in Direction.objects.order_by("guide__year", "pk").values("pk", *fields)}


def _value(by: str, group: dict, directions: dict[int, dict]):
    if by in _FROM_DIRECTION:
        return directions[group["direction_id"]][_FROM_DIRECTION[by]]
    value = group[DIMENSIONS[by].field]
    # A missing 县 or 性质 is one “（未填）” row, whether stored empty or NULL.
    return value or None


def rolled_up(rows: list[dict], by: str, *, directions: dict[int, dict]) -> list[dict]:
    """The groups' figures summed per value of the dimension `by`, in the order of the value
    (none last), each row with `value` (as the drill-down names it) and `label` beside them."""
    figures = [key for key in rows[0] if key not in GROUP] if rows else []
    sums: dict = {}
    for row in rows:
        value = _value(by, row, directions)
        total = sums.get(value)
        if total is None:
            total = sums[value] = dict.fromkeys(figures, 0)
        for key in figures:
            total[key] += row[key] or 0
    titles = _titles(by, directions)
    return [
        {"value": "" if value is None else str(value), "label": _label(by, value, titles), **sums[value]}
        for value in sorted(sums, key=lambda v: (v is None, v if v is not None else 0))
    ]


def application_groups(user) -> list[dict]:
    """Per group: applications, 形审 outcome, funded, amounts requested, funded and paid."""
    rows = _grouped(
        counted_applications(user),
        "",
        applications=Count("pk"),
        passed=Count("pk", filter=Q(status__in=PASSED)),
        rejected=Count("pk", filter=Q(status=Status.REJECTED)),
        funded=Count("pk", filter=Q(status=Status.FUNDED)),
        requested_amount=Coalesce(Sum("requested_amount"), Value(0)),
        funded_amount=Coalesce(Sum("project__amount"), Value(0)),
    )
    # Paid tranches in a query of their own: joined into the applications' query they would
    # multiply its counts.
    paid = {
        tuple(row[f] for f in GROUP): row["total"]
        for row in _grouped(
            Tranche.objects.filter(counted(user, "project__application__"), status=TrancheStatus.PAID),
            "project__application__",
            total=Coalesce(Sum("paid_amount"), Value(0)),
        )
    }
    for row in rows:
        row["paid_amount"] = paid.get(tuple(row[f] for f in GROUP), 0)
    return rows


def breakdown(user, by: str) -> list[dict]:
    """One row per value of the dimension `by`: applications, 形审 outcome, funded, amounts."""
    return breakdown_table(rolled_up(application_groups(user), by, directions=_directions()))


def breakdown_table(rows: list[dict]) -> list[dict]:
    for row in rows:
        decided = row["passed"] + row["rejected"]
        row["pass_rate"] = round(100 * row["passed"] / decided, 1) if decided else None
    return rows


def _titles(by: str, directions: dict[int, dict]) -> dict:
    """Names of the values of `by` that are keys."""
    if by == "direction":
        # 方向 names by number, a later guide's name winning (`directions` are in order of year).
        return {d["number"]: d["title"] for d in directions.values()}
    if by == "batch":
        return {d["guide_id"]: f"{d['guide__year']}年 {d['guide__title']}" for d in directions.values()}
    return {}


def label(by: str, value) -> str:
    """How one value of the dimension `by` reads on the page (a drill-down's heading)."""
    if by in NUMERIC and isinstance(value, str):
        value = int(value) if value.isdigit() and len(value) <= 9 else value
    return _label(by, value, _titles(by, _directions()))


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


CONCLUDED = (AcceptanceStatus.PASSED, AcceptanceStatus.CLOSED)


def project_groups(user, *, today) -> list[dict]:
    """Per group, in one query over the projects: projects in each state (`project:<state>`),
    验收 by conclusion (`acceptance:<status>`) with the output and investment of those passed or
    closed, and the yearly reports overdue on `today`: projects in progress, those owing a
    report, and reports owed."""
    concluded = Q(acceptance__status__in=CONCLUDED)
    years = _report_years(user)
    owing = Q()
    for year in years:
        owing |= _overdue_in_year(year, today)
    rows = _grouped(
        Project.objects.filter(counted(user, "application__")),
        "application__",
        **{f"project:{s.value}": Count("pk", filter=Q(status=s.value)) for s in ProjectStatus},
        **{
            f"acceptance:{s.value}": Count("pk", filter=Q(acceptance__status=s.value))
            for s in AcceptanceStatus
        },
        concluded_amount=Coalesce(Sum("amount", filter=concluded), Value(0)),
        new_output=Coalesce(Sum("acceptance__new_output", filter=concluded), Value(0)),
        total_investment=Coalesce(Sum("acceptance__total_investment", filter=concluded), Value(0)),
        **({"owing": Count("pk", filter=owing)} if years else {}),
        **{f"year{y}": Count("pk", filter=_overdue_in_year(y, today)) for y in years},
    )
    for row in rows:
        row.setdefault("owing", 0)
        row["missing"] = sum(row.pop(f"year{y}") for y in years)
    return rows


def _states(rows: list[dict], prefix: str, statuses) -> list[dict]:
    return [
        {
            "value": row["value"],
            "label": row["label"],
            **{s.value: row[f"{prefix}{s.value}"] for s in statuses},
        }
        for row in rows
    ]


def projects_by_dimension(user, by: str) -> list[dict]:
    """Projects in each state, per value of `by`."""
    return projects_table(_project_rows(user, by))


def overdue_reports(user, by: str, *, today) -> list[dict]:
    """Per value of `by`: yearly reports missing past their due date, and the projects owing one."""
    return overdue_table(_project_rows(user, by, today=today))


def acceptance_outcomes(user, by: str) -> list[dict]:
    """Per value of `by`: 验收 by conclusion, and the 投入产出比 of those passed or closed."""
    return acceptance_table(_project_rows(user, by))


def _project_rows(user, by: str, *, today=None) -> list[dict]:
    groups = project_groups(user, today=today or timezone.localdate())
    return rolled_up(groups, by, directions=_directions())


def projects_table(rows: list[dict]) -> list[dict]:
    return _states(rows, "project:", ProjectStatus)


def overdue_table(rows: list[dict]) -> list[dict]:
    in_progress = f"project:{ProjectStatus.IN_PROGRESS.value}"
    return [
        {
            "value": row["value"],
            "label": row["label"],
            "projects": row[in_progress],
            "owing": row["owing"],
            "missing": row["missing"],
        }
        for row in rows
        if row[in_progress]
    ]


def acceptance_table(rows: list[dict]) -> list[dict]:
    result = []
    for row in rows:
        if not any(row[f"acceptance:{s.value}"] for s in AcceptanceStatus):
            continue
        amount, invested, output = row["concluded_amount"], row["total_investment"], row["new_output"]
        result.append(
            {
                **_states([row], "acceptance:", AcceptanceStatus)[0],
                "concluded_amount": amount,
                "new_output": output,
                "total_investment": invested,
                "roi": round(output / invested, 2) if invested else None,
                "funding_yield": round(output / amount, 2) if amount else None,
            }
        )
    return result


def overdue_projects(user, *, today) -> QuerySet[Project]:
    owing = Q()
    for year in _report_years(user):
        owing |= _overdue_in_year(year, today)
    return Project.objects.filter(owing) if owing else Project.objects.none()


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
    directions = _directions()
    return series_table(rolled_up(application_groups(user), "batch", directions=directions), directions)


def series_table(rows: list[dict], directions: dict) -> list[dict]:
    years = {d["guide_id"]: d["guide__year"] for d in directions.values()}
    series = [
        {
            "value": row["value"],
            "label": row["label"],
            "year": years[int(row["value"])],
            **{k: row[k] for k in ("applications", "passed", "funded", "requested_amount", "funded_amount")},
        }
        for row in rows
    ]
    return sorted(series, key=lambda row: (row["year"], int(row["value"])))


@dataclass(frozen=True)
class Figures:
    """Everything the page shows for one person's scope, by any dimension: the groups' sums
    from the database, which `by` rolls up per dimension."""

    computed_at: datetime
    directions: dict
    applications: list[dict]
    projects: list[dict]
    experts: list[dict]

    def by(self, by: str) -> dict:
        applications = rolled_up(self.applications, by, directions=self.directions)
        projects = rolled_up(self.projects, by, directions=self.directions)
        batches = rolled_up(self.applications, "batch", directions=self.directions)
        return {
            "breakdown": breakdown_table(applications),
            "series": series_table(batches, self.directions),
            "projects": projects_table(projects),
            "overdue": overdue_table(projects),
            "acceptance": acceptance_table(projects),
            "experts": self.experts,
        }


def figures(user, *, now: datetime) -> Figures:
    """The page's aggregates for `user`'s scope: four grouped queries, whatever the dimension."""
    return Figures(
        computed_at=now,
        directions=_directions(),
        applications=application_groups(user),
        projects=project_groups(user, today=timezone.localdate(now)),
        experts=expert_workload(user, now=now),
    )


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
