"""Writes for 立项: plans, the optimiser run, officers' changes, 公示, objections, final."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from stplan.accounts.models import User
from stplan.applications.selectors import latest_contents
from stplan.applications.submission import SubmittedApplication
from stplan.errors import ServiceError
from stplan.funding import optimizer
from stplan.funding.models import FundingPlan, Objection, PlanEvent, PlanItem, PlanStatus
from stplan.guides.schema import load_guide_data
from stplan.review.selectors import standings


def _staff(actor: User) -> None:
    if not actor.has_perm("review.manage_review"):
        raise ServiceError("只有科技局经办人可以编制立项方案。")


def default_amount(application, content: SubmittedApplication | None) -> int:
    """The amount a plan starts from: what the guide allows the submission, within its 子类's cap."""
    direction = load_guide_data(application.guide.slug).direction(application.direction.number)
    fundable_max = content.fundable_max if content else 0
    track = content.track if content else None
    cap = direction.tracks[track].amount_max if track and track in direction.tracks else None
    amount = fundable_max if cap is None else min(fundable_max, cap)
    if direction.amount.kind == "fixed":
        amount = direction.amount.amount if fundable_max else 0
    return amount


@transaction.atomic
def create_plan(
    *,
    actor: User,
    review_round,
    name: str,
    total_budget: int,
    objective: str = "score",
    min_score: float = 60,
    section_budgets: dict[str, int] | None = None,
) -> FundingPlan:
    _staff(actor)
    if total_budget <= 0:
        raise ServiceError("请填写总预算（元）。")
    plan = FundingPlan.objects.create(
        guide=review_round.guide,
        review_round=review_round,
        name=name,
        objective=objective,
        total_budget=total_budget,
        min_score=min_score,
        section_budgets=section_budgets or {},
        created_by=actor,
    )
    ranked = standings(review_round)
    contents = latest_contents([s.application for s in ranked])
    for standing in ranked:
        content = contents.get(standing.application.pk)
        PlanItem.objects.create(
            plan=plan,
            application=standing.application,
            score=standing.score,
            fundable_max=content.fundable_max if content else 0,
            amount=default_amount(standing.application, content),
        )
    PlanEvent.objects.create(
        plan=plan, actor=actor, action="create", after={"budget": total_budget, "objective": objective}
    )
    return optimise(plan=plan, actor=actor)


def limits(plan: FundingPlan) -> optimizer.Limits:
    guide = load_guide_data(plan.guide.slug)
    result = optimizer.Limits(
        budget=plan.total_budget, section_budgets=dict(plan.section_budgets), min_score=plan.min_score
    )
    for d in guide.directions:
        if d.quota.kind in ("exact", "at_most") and d.quota.count is not None:
            # “拟立项N项” is the most the bureau plans to fund: an upper bound, like 不超过N项.
            result.direction_quota[d.number] = d.quota.count
        for code, track in d.tracks.items():
            if track.quota is not None:
                result.track_quota[(d.number, code)] = track.quota
            if track.amount_max is not None:
                result.track_amount_max[(d.number, code)] = track.amount_max
    for c in guide.categories:
        if c.max_projects is not None:
            result.category_cap[f"{c.programme}/{c.name}"] = c.max_projects
    return result


def candidates(plan: FundingPlan) -> list[optimizer.Candidate]:
    items = list(plan.items.select_related("application__direction__category"))
    contents = latest_contents([item.application for item in items])
    result = []
    for item in items:
        content = contents.get(item.application_id)
        track = content.track if content else None
        direction = item.application.direction
        result.append(
            optimizer.Candidate(
                key=item.application_id,
                direction=direction.number,
                category=f"{direction.category.programme}/{direction.category.name}",
                section=direction.section,
                score=item.score,
                amount=item.amount,
                fundable_max=item.fundable_max,
                track=track,
                forced=item.forced,
            )
        )
    return result


def _lock(plan: FundingPlan) -> FundingPlan:
    plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ServiceError("方案已公示或已立项，不能再修改。")
    return plan


def _store(plan: FundingPlan, selected: set[int], reasons: dict[int, list[str]]) -> None:
    for item in plan.items.all():
        item.selected = item.application_id in selected
        item.reasons = reasons.get(item.application_id, [])
        item.save(update_fields=["selected", "reasons"])


@transaction.atomic
def optimise(*, plan: FundingPlan, actor: User) -> FundingPlan:
    _staff(actor)
    plan = _lock(plan)
    result = optimizer.solve(candidates(plan), limits(plan), objective=plan.objective)
    if result.status == "infeasible":
        raise ServiceError("经办人指定入选的项目已超出限额，无法生成方案。请取消部分指定。")
    _store(plan, result.selected, result.reasons)
    PlanEvent.objects.create(
        plan=plan,
        actor=actor,
        action="optimise",
        after={"selected": sorted(result.selected), "status": result.status},
    )
    return plan


@transaction.atomic
def change_item(
    *, plan: FundingPlan, actor: User, application, amount: int | None = None, selected: bool | None = None
) -> PlanItem:
    """An officer's change: re-validated against every limit with the plan locked, so two
    officers taking the last place of a 方向 at once cannot both succeed."""
    _staff(actor)
    plan = _lock(plan)
    item = plan.items.select_for_update().get(application=application)
    before = {"amount": item.amount, "selected": item.selected}
    if amount is not None:
        if amount <= 0:
            raise ServiceError("拟资助金额须大于0元。")
        item.amount = amount
    if selected is not None:
        item.selected = selected
        item.forced = selected
    item.save()
    pool = candidates(plan)
    chosen = set(plan.items.filter(selected=True).values_list("application_id", flat=True))
    problems = optimizer.violations(pool, limits(plan), chosen)
    if problems:
        raise ServiceError("修改后超出限额：" + "；".join(problems))
    _store(plan, chosen, optimizer.explain(pool, limits(plan), chosen))
    PlanEvent.objects.create(
        plan=plan,
        actor=actor,
        action="change",
        application=application,
        before=before,
        after={"amount": item.amount, "selected": item.selected},
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def publicize(*, plan: FundingPlan, actor: User, days: int = 7) -> FundingPlan:
    _staff(actor)
    if not 1 <= days <= 60:
        raise ServiceError("公示期应为1至60天。")
    plan = _lock(plan)
    if FundingPlan.objects.filter(guide=plan.guide, status=PlanStatus.FINAL).exists():
        raise ServiceError("本指南已有方案确定立项，其他方案只能用于测算。")
    chosen = set(plan.items.filter(selected=True).values_list("application_id", flat=True))
    if not chosen:
        raise ServiceError("方案中没有拟立项项目。")
    if problems := optimizer.violations(candidates(plan), limits(plan), chosen):
        raise ServiceError("方案超出限额，不能公示：" + "；".join(problems))
    if (
        FundingPlan.objects.filter(guide=plan.guide, status=PlanStatus.PUBLICIZED)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise ServiceError("已有另一方案在公示中。")
    now = timezone.now()
    plan.status, plan.publicity_starts, plan.publicity_ends = (
        PlanStatus.PUBLICIZED,
        now,
        now + timedelta(days=days),
    )
    plan.save(update_fields=["status", "publicity_starts", "publicity_ends"])
    PlanEvent.objects.create(
        plan=plan, actor=actor, action="publicize", after={"ends": plan.publicity_ends.isoformat()}
    )
    return plan


@transaction.atomic
def record_objection(
    *, plan: FundingPlan, name: str, contact: str, content: str, application=None
) -> Objection:
    now = timezone.now()
    if plan.status != PlanStatus.PUBLICIZED or not (plan.publicity_starts <= now <= plan.publicity_ends):
        raise ServiceError("不在公示期内，不能提出异议。")
    if not (name.strip() and contact.strip() and content.strip()):
        raise ServiceError("请填写姓名、联系方式和异议内容。")
    return Objection.objects.create(
        plan=plan,
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        content=content.strip(),
    )


@transaction.atomic
def handle_objection(*, objection: Objection, actor: User, handling: str) -> Objection:
    _staff(actor)
    if not handling.strip():
        raise ServiceError("请填写处理意见。")
    objection.handling, objection.handled_by, objection.handled_at = handling.strip(), actor, timezone.now()
    objection.save(update_fields=["handling", "handled_by", "handled_at"])
    return objection


@transaction.atomic
def finalize(*, plan: FundingPlan, actor: User, now=None):
    """After 公示 with every objection handled: the decisions are final and projects start."""
    from stplan.projects.services import create_project

    _staff(actor)
    plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
    now = now or timezone.now()
    if plan.status != PlanStatus.PUBLICIZED:
        raise ServiceError("方案须先公示。")
    if FundingPlan.objects.filter(guide=plan.guide, status=PlanStatus.FINAL).exclude(pk=plan.pk).exists():
        raise ServiceError("本指南已有方案确定立项，其他方案只能用于测算。")
    if now < plan.publicity_ends:
        raise ServiceError(
            f"公示期至{timezone.localtime(plan.publicity_ends):%Y-%m-%d %H:%M}，结束后才能立项。"
        )
    if plan.objections.filter(handled_at__isnull=True).exists():
        raise ServiceError("还有未处理的异议。")
    plan.status = PlanStatus.FINAL
    plan.save(update_fields=["status"])
    PlanEvent.objects.create(plan=plan, actor=actor, action="finalize")
    return [
        create_project(item=item, actor=actor)
        for item in plan.items.filter(selected=True).select_related("application")
    ]
