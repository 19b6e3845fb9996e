from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stplan.amounts import yuan
from stplan.funding.models import FundingPlan, ObjectionEvent, PlanEvent, PlanStatus
from stplan.guides.models import CallBatch
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


def batches_of(rounds) -> QuerySet[CallBatch]:
    """The 申报批次 of the guides of these review rounds, for the plan form."""
    final = FundingPlan.objects.filter(batch=OuterRef("pk"), status=PlanStatus.FINAL)
    return (
        CallBatch.objects.filter(guide__review_rounds__in=rounds)
        .distinct()
        .select_related("guide")
        .annotate(final_plan=Exists(final))
    )


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    actor: str
    text: str


def _yes_no(value) -> str:
    return _("是") if value else _("否")


def _change_text(payload: dict) -> str:
    parts = []
    if payload.get("before_amount") != payload.get("amount"):
        parts.append(
            _("拟资助金额：%(old)s → %(new)s")
            % {"old": yuan(payload.get("before_amount")), "new": yuan(payload.get("amount"))}
        )
    if payload.get("before_chosen") != payload.get("chosen"):
        parts.append(
            _("拟立项：%(old)s → %(new)s")
            % {"old": _yes_no(payload.get("before_chosen")), "new": _yes_no(payload.get("chosen"))}
        )
    return _("%(number)s：%(changes)s") % {
        "number": payload.get("application", ""),
        "changes": "；".join(parts) or _("未改变"),
    }


def _plan_text(event: PlanEvent) -> str:
    p = event.payload
    match event.action:
        case "create":
            text = _("生成方案：总预算%(budget)s，优化目标“%(objective)s”") % {
                "budget": yuan(p.get("budget")),
                "objective": p.get("objective", ""),
            }
            if p.get("batch"):
                text = _("%(text)s，申报批次“%(batch)s”") % {"text": text, "batch": p["batch"]}
            if p.get("excluded"):
                text += _("；已立项、不再列入：%(numbers)s") % {"numbers": "、".join(p["excluded"])}
            if p.get("duplicates"):
                text += _("；经查重确认重复申报、不列入：%(numbers)s") % {
                    "numbers": "、".join(p["duplicates"])
                }
            return text
        case "optimise":
            return _("重新优化：拟立项%(count)s项") % {"count": p.get("selected", 0)}
        case "change":
            return _change_text(p)
        case "publicize":
            return _("开始公示，公示至%(ends)s") % {"ends": p.get("ends", "")}
        case "finalize":
            return _("确定立项：%(count)s个项目") % {"count": p.get("projects", 0)}
    return event.action_label


def change_log(plan: FundingPlan) -> list[LogEntry]:
    """What happened to the plan and its objections, oldest first, in sentences a reader
    understands: labels in Chinese, amounts as 万元, applications by 申报编号."""
    entries = [
        LogEntry(event.at, str(event.actor) if event.actor else _("公众"), _plan_text(event))
        for event in PlanEvent.objects.filter(plan=plan).select_related("actor")
    ]
    for event in ObjectionEvent.objects.filter(objection__plan=plan).select_related("actor", "objection"):
        if event.action == "receive":
            text = _("收到异议（%(name)s）") % {"name": event.objection.name}
        else:
            text = _("处理异议（%(name)s）：%(handling)s") % {
                "name": event.objection.name,
                "handling": event.reason,
            }
        entries.append(LogEntry(event.at, str(event.actor) if event.actor else _("公众"), text))
    return sorted(entries, key=lambda e: e.at)
