"""统计分析: the programme's numbers, aggregated in the database (one grouped query per table).

Every figure counts applications ever submitted (drafts never reached the bureau). A person
sees the numbers of what they may see elsewhere: the 局管理员 all of it, a 科室 its own 方向.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role
from stplan.applications.models import Application, Status
from stplan.eligibility import labels
from stplan.guides.models import Direction
from stplan.projects.models import Project, ProjectStatus, Tranche, TrancheStatus


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
}
PASSED = (Status.PASSED, Status.FUNDED)


def may_see_statistics(user) -> bool:
    return user.is_authenticated and (
        user.role == Role.BUREAU_ADMIN or (user.role == Role.OFFICER and bool(user.section))
    )


def counted_applications(user) -> QuerySet[Application]:
    base = Application.objects.filter(version__gt=0)
    if user.role == Role.OFFICER:
        return base.filter(direction__section=user.section)
    return base if user.role == Role.BUREAU_ADMIN else base.none()


def _paid_by(user, field: str) -> dict:
    """Paid tranches summed per value of `field`, in a query of their own: joined into the
    applications' query they would multiply its counts."""
    paid = (
        Tranche.objects.filter(status=TrancheStatus.PAID, project__application__in=counted_applications(user))
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
            funded_amount=Coalesce(Sum("project__amount"), Value(0)),
        )
        .order_by(field)
    )
    paid = _paid_by(user, field)
    titles = {}
    if by == "direction":
        # 方向 names by number, a later guide's name winning: one small query, not a join over the applications.
        titles = dict(Direction.objects.order_by("guide__year").values_list("number", "title"))
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
                "funded_amount": row["funded_amount"],
                "paid_amount": paid.get(value, 0),
            }
        )
    return result


def _label(by: str, value, titles: dict) -> str:
    if value in (None, ""):
        return str(_("（未填）"))
    if by == "direction":
        return f"方向{value} {titles.get(value, '')}".strip()
    if by == "unit_kind":
        return labels.ORGANIZATION_KINDS.get(value, value)
    if by == "year":
        return f"{value}年"
    return str(value)


def projects_by_state(user) -> list[dict]:
    projects = Project.objects.filter(application__in=counted_applications(user))
    counts = dict(projects.values_list("status").annotate(n=Count("pk")))
    return [
        {"status": s.value, "label": str(s.label), "count": counts.get(s.value, 0)} for s in ProjectStatus
    ]


def drill_down(user, by: str, value: str) -> QuerySet[Application]:
    """The applications behind one row of `breakdown(user, by)`."""
    field = DIMENSIONS[by].field
    applications = counted_applications(user).select_related("direction", "lead_unit").order_by("number")
    if by in ("year", "direction"):
        if not (value.isdigit() and len(value) <= 6):
            return applications.none()
        return applications.filter(**{field: int(value)})
    if value == "":
        return applications.filter(Q(**{f"{field}__isnull": True}) | Q(**{field: ""}))
    return applications.filter(**{field: value})
