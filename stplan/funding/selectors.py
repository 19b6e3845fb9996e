from django.db.models import QuerySet

from stplan.funding.models import FundingPlan
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
