from django.db.models import QuerySet
from django.utils import timezone

from stplan.funding.models import FundingPlan, PlanStatus
from stplan.review.selectors import managed_rounds


def managed_plans(user) -> QuerySet[FundingPlan]:
    """Plans of the rounds a person runs (see `review.selectors.managed_rounds`)."""
    return FundingPlan.objects.filter(review_round__in=managed_rounds(user))


def compare(left: FundingPlan, right: FundingPlan) -> list[dict]:
    """What-if: each application with its amount in either plan (None when not funded)."""
    rows: dict[int, dict] = {}
    for side, plan in (("left", left), ("right", right)):
        for item in plan.items.select_related("application__direction"):
            row = rows.setdefault(
                item.application_id,
                {"application": item.application, "score": item.score, "left": None, "right": None},
            )
            row[side] = item.amount if item.selected else None
    ordered = sorted(rows.values(), key=lambda r: (-(r["score"] or 0), r["application"].number))
    for row in ordered:
        row["changed"] = row["left"] != row["right"]
    return ordered


def totals(plan: FundingPlan) -> dict:
    items = list(plan.items.filter(selected=True).select_related("application__direction__category"))
    by_direction: dict[str, list[int]] = {}
    for item in items:
        key = f"方向{item.application.direction.number}"
        by_direction.setdefault(key, []).append(item.amount)
    return {
        "count": len(items),
        "amount": sum(i.amount for i in items),
        "directions": {k: (len(v), sum(v)) for k, v in sorted(by_direction.items())},
    }


def public_plans() -> QuerySet[FundingPlan]:
    """The plans the public may read: those in or past 公示, newest first."""
    return (
        FundingPlan.objects.filter(status__in=[PlanStatus.PUBLICIZED, PlanStatus.FINAL])
        .select_related("guide")
        .order_by("-publicity_starts", "-pk")
    )


def publicity_phase(plan: FundingPlan, now=None) -> str:
    """Where the stated 公示 period stands: "upcoming", "running" or "ended". It follows the
    dates alone, so the public page never says 公示已结束 while the period runs."""
    now = now or timezone.now()
    if plan.publicity_starts is None or now < plan.publicity_starts:
        return "upcoming"
    if plan.publicity_ends is None or now <= plan.publicity_ends:
        return "running"
    return "ended"


def objections_open(plan: FundingPlan, now=None) -> bool:
    """Whether objections are taken now: the plan is in 公示 and its period runs."""
    return plan.status == PlanStatus.PUBLICIZED and publicity_phase(plan, now) == "running"
