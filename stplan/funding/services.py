"""Writes for 立项: plans, the optimiser run, officers' changes, 公示, objections, final."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from stplan.accounts.models import User
from stplan.applications.models import Status
from stplan.applications.selectors import latest_contents
from stplan.applications.services import fund_application
from stplan.applications.submission import SubmittedApplication
from stplan.challenges.models import ChallengeItem
from stplan.eligibility.guide import load_guide_data
from stplan.errors import ServiceError
from stplan.funding import optimizer
from stplan.funding.models import FundingPlan, Objection, ObjectionStatus, PlanItem, PlanStatus
from stplan.guides import calls
from stplan.guides.models import CallBatch
from stplan.integrity.selectors import blocking_pairs, funding_refusal
from stplan.review.selectors import standings
from stplan.workflow import perform, record


def _manage(actor: User, plan: FundingPlan) -> None:
    _staff(actor)
    if not actor.has_perm("funding.manage_plan", plan):
        raise ServiceError("该立项方案不属于您所在科室管理的方向，您不能进行此操作。")


def _staff(actor: User) -> None:
    if not actor.has_perm("review.manage_review"):
        raise ServiceError("只有科技局经办人可以编制立项方案。")


def _fixed_amount(application) -> int | None:
    direction = load_guide_data(application.guide.slug).direction(application.direction.number)
    return direction.amount.amount if direction.amount.kind == "fixed" else None


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


NAME_LENGTH = FundingPlan._meta.get_field("name").max_length


def default_batch(review_round) -> CallBatch | None:
    """The batch a plan of this round funds when none is chosen: the current batch of the
    round's first 方向."""
    first = review_round.directions.order_by("number").first()
    return calls.current_batch(review_round.guide, first.number) if first else None


def funded_elsewhere(plan: FundingPlan) -> dict[int, int]:
    """方向 number → projects final plans of the guide's other batches already fund, which
    the 方向's 拟立项数 counts with this plan's."""
    rows = (
        PlanItem.objects.filter(plan__guide=plan.guide, plan__status=PlanStatus.FINAL, selected=True)
        .exclude(plan=plan)
        .values_list("application__direction__number", flat=True)
    )
    counts: dict[int, int] = {}
    for number in rows:
        counts[number] = counts.get(number, 0) + 1
    return counts


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
    batch: CallBatch | None = None,
) -> FundingPlan:
    _staff(actor)
    if not actor.has_perm("review.manage_round", review_round):
        raise ServiceError("该评审批次不属于您所在科室管理的方向，您不能据此编制立项方案。")
    batch = batch or default_batch(review_round)
    if batch is None or batch.guide_id != review_round.guide_id:
        raise ServiceError("请选择本指南的申报批次。")
    taken = set(calls.directions_of(batch))
    if not taken & set(review_round.directions.values_list("number", flat=True)):
        raise ServiceError(f"该评审批次的方向都不属于“{batch.name}”，请选择其他申报批次。")
    if total_budget <= 0:
        raise ServiceError("请填写总预算（元）。")
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise ServiceError(f"方案名称不能超过{NAME_LENGTH}个字。")
    if objective not in dict(FundingPlan._meta.get_field("objective").choices):
        raise ServiceError("请选择优化目标。")
    plan = FundingPlan.objects.create(
        guide=review_round.guide,
        review_round=review_round,
        batch=batch,
        name=name,
        objective=objective,
        total_budget=total_budget,
        min_score=min_score,
        section_budgets=section_budgets or {},
        created_by=actor,
    )
    excluded, duplicates = [], []
    ranked = standings(review_round)
    contents = latest_contents([s.application for s in ranked])
    blocked = blocking_pairs([s.application for s in ranked])
    items = []
    for standing in ranked:
        if standing.application.direction.number not in taken:
            continue
        if standing.application.status == Status.FUNDED:
            excluded.append(standing.application.number)
            continue
        if standing.application.pk in blocked:
            duplicates.append(standing.application.number)
            continue
        content = contents.get(standing.application.pk)
        items.append(
            PlanItem(
                plan=plan,
                application=standing.application,
                score=standing.score,
                fundable_max=content.fundable_max if content else 0,
                amount=default_amount(standing.application, content),
            )
        )
    # One insert for the whole plan, not one per ranked application.
    PlanItem.objects.bulk_create(items, batch_size=1000)
    record(
        plan,
        "create",
        actor=actor,
        payload={
            "batch": batch.name,
            "budget": total_budget,
            "objective": plan.get_objective_display(),
            "excluded": excluded,
            "duplicates": duplicates,
        },
    )
    return optimise(plan=plan, actor=actor)


def limits(plan: FundingPlan) -> optimizer.Limits:
    guide = load_guide_data(plan.guide.slug)
    result = optimizer.Limits(
        budget=plan.total_budget, section_budgets=dict(plan.section_budgets), min_score=plan.min_score
    )
    funded = funded_elsewhere(plan)
    for d in guide.directions:
        if d.quota.kind in ("exact", "at_most") and d.quota.count is not None:
            # “拟立项N项” is the most the bureau plans to fund: an upper bound, like 不超过N项,
            # over all batches together.
            result.direction_quota[d.number] = max(0, d.quota.count - funded.get(d.number, 0))
        for code, track in d.tracks.items():
            if track.quota is not None:
                result.track_quota[(d.number, code)] = track.quota
            if track.amount_max is not None:
                result.track_amount_max[(d.number, code)] = track.amount_max
    for c in guide.categories:
        if c.max_projects is not None:
            result.category_cap[f"{c.programme}/{c.name}"] = c.max_projects
    for item in ChallengeItem.objects.filter(direction__guide=plan.guide):
        result.item_quota[item.code] = item.winners
        result.item_amount_max[item.code] = item.amount_max
    return result


def candidates(plan: FundingPlan) -> list[optimizer.Candidate]:
    items = list(
        plan.items.select_related("application__direction__category", "application__challenge_item").defer(
            "application__form", "application__direction__data"
        )
    )
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
                item=item.application.challenge_item.code if item.application.challenge_item else None,
                number=item.application.number,
            )
        )
    return result


def _lock(plan: FundingPlan, actor: User) -> FundingPlan:
    plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
    _manage(actor, plan)
    if plan.status != PlanStatus.DRAFT:
        raise ServiceError("方案已公示或已立项，不能再修改。")
    return plan


def _store(plan: FundingPlan, selected: set[int], reasons: dict[int, list[str]]) -> None:
    items = list(plan.items.only("pk", "application_id", "selected", "reasons"))
    for item in items:
        item.selected = item.application_id in selected
        item.reasons = reasons.get(item.application_id, [])
    # One statement per thousand items rather than one UPDATE each.
    PlanItem.objects.bulk_update(items, ["selected", "reasons"], batch_size=1000)


@transaction.atomic
def optimise(*, plan: FundingPlan, actor: User) -> FundingPlan:
    plan = _lock(plan, actor)
    result = optimizer.solve(candidates(plan), limits(plan), objective=plan.objective)
    if result.status == "infeasible":
        raise ServiceError("经办人指定入选的项目已超出限额，无法生成方案。请取消部分指定。")
    _store(plan, result.selected, result.reasons)
    record(plan, "optimise", actor=actor, payload={"selected": len(result.selected)})
    return plan


@transaction.atomic
def change_item(
    *, plan: FundingPlan, actor: User, application, amount: int | None = None, selected: bool | None = None
) -> PlanItem:
    """An officer's change: re-validated against every limit with the plan locked, so two
    officers taking the last place of a 方向 at once cannot both succeed."""
    plan = _lock(plan, actor)
    item = (
        plan.items.select_for_update().select_related("application").filter(application=application).first()
    )
    if item is None:
        if application.status == Status.FUNDED:
            raise ServiceError(f"{application.number}已在其他立项方案中立项，不能再次入选。")
        raise ServiceError(f"{application.number}不在本方案中。")
    before = {"before_amount": item.amount, "before_chosen": item.selected}
    if amount is not None:
        if amount <= 0:
            raise ServiceError("拟资助金额须大于0元。")
        fixed = _fixed_amount(item.application)
        if fixed is not None and amount != fixed:
            raise ServiceError(
                f"方向{item.application.direction.number}为定额资助（每项{fixed:,}元），资助金额不能修改。"
            )
        item.amount = amount
    if selected and item.application.status == Status.FUNDED:
        raise ServiceError(f"{item.application.number}已在其他立项方案中立项，不能再次入选。")
    if selected and (pair := blocking_pairs([item.application]).get(item.application_id)):
        raise ServiceError(funding_refusal(pair))
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
    record(
        plan,
        "change",
        actor=actor,
        payload={"application": application.number, **before, "amount": item.amount, "chosen": item.selected},
        application=application,
    )
    item.refresh_from_db()
    return item


def publicize(*, plan: FundingPlan, actor: User, days: int = 7) -> FundingPlan:
    if not 1 <= days <= 60:
        raise ServiceError("公示期应为1至60天。")

    def apply(locked: FundingPlan) -> dict:
        _refuse_second_final(locked)
        chosen = set(locked.items.filter(selected=True).values_list("application_id", flat=True))
        if not chosen:
            raise ServiceError("方案中没有拟立项项目。")
        _refuse_funded(locked)
        if problems := optimizer.violations(candidates(locked), limits(locked), chosen):
            raise ServiceError("方案超出限额，不能公示：" + "；".join(problems))
        if (
            FundingPlan.objects.filter(guide=locked.guide, batch=locked.batch, status=PlanStatus.PUBLICIZED)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ServiceError("本申报批次已有另一方案在公示中。")
        now = timezone.now()
        locked.publicity_starts, locked.publicity_ends = now, now + timedelta(days=days)
        return {"ends": timezone.localtime(locked.publicity_ends).strftime("%Y-%m-%d %H:%M")}

    return perform(plan, "publicize", actor=actor, apply=apply)


def _refuse_second_final(plan: FundingPlan) -> None:
    """One final plan per 申报批次; other plans of the batch are for what-if only."""
    final = FundingPlan.objects.filter(guide=plan.guide, batch=plan.batch, status=PlanStatus.FINAL).exclude(
        pk=plan.pk
    )
    if final.exists():
        name = plan.batch.name if plan.batch else "本指南"
        raise ServiceError(f"“{name}”已有方案确定立项，同一申报批次的其他方案只能用于测算。")


def _refuse_funded(plan: FundingPlan) -> None:
    """Refuses a plan choosing an application already 立项, or one 查重 confirmed a duplicate."""
    funded = plan.items.filter(selected=True, application__status=Status.FUNDED).select_related("application")
    if numbers := "、".join(item.application.number for item in funded):
        raise ServiceError(f"{numbers}已立项，不能再列入其他立项方案。")
    chosen = [item.application for item in plan.items.filter(selected=True).select_related("application")]
    if blocked := blocking_pairs(chosen):
        raise ServiceError("".join(funding_refusal(pair) for pair in blocked.values()))


CONTACT_FIELDS = ("objection_office", "objection_phone", "objection_email", "objection_address")


@transaction.atomic
def set_publicity_contact(*, plan: FundingPlan, actor: User, values: dict[str, str]) -> FundingPlan:
    """Who receives objections during 公示 and how to reach them: shown on the public page.
    Set before or during 公示; a final plan's notice is kept as it was published."""
    _manage(actor, plan)
    plan = FundingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.FINAL:
        raise ServiceError("已确定立项的方案，公示内容不再修改。")
    cleaned = {field: (values.get(field) or "").strip() for field in CONTACT_FIELDS}
    if not cleaned["objection_office"] or not (cleaned["objection_phone"] or cleaned["objection_email"]):
        raise ServiceError("请填写异议受理部门及联系人，以及电话或邮箱中的至少一项。")
    changed = {k: v for k, v in cleaned.items() if getattr(plan, k) != v}
    for field, value in cleaned.items():
        setattr(plan, field, value)
    plan.save(update_fields=list(CONTACT_FIELDS))
    if changed:
        record(plan, "contact", actor=actor, payload=changed)
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
    for label, value, field in (("姓名", name, "name"), ("联系方式", contact, "contact")):
        limit = Objection._meta.get_field(field).max_length
        if len(value.strip()) > limit:
            raise ServiceError(f"{label}不能超过{limit}个字。")
    objection = Objection.objects.create(
        plan=plan,
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        content=content.strip(),
    )
    record(objection, "receive", actor=None)
    return objection


def handle_objection(*, objection: Objection, actor: User, handling: str) -> Objection:
    """The bureau's written handling, once: a handled objection is not rewritten."""
    if not handling.strip():
        raise ServiceError("请填写处理意见。")

    def apply(locked: Objection) -> None:
        locked.handling, locked.handled_by, locked.handled_at = handling.strip(), actor, timezone.now()

    return perform(objection, "handle", actor=actor, reason=handling, apply=apply)


def finalize(*, plan: FundingPlan, actor: User, now=None) -> FundingPlan:
    """After 公示 with every objection handled: the decisions are final, the applications
    are 立项 and (by the projects app's hook on this transition) their projects start."""

    def apply(locked: FundingPlan) -> dict:
        moment = now or timezone.now()
        _refuse_second_final(locked)
        if moment < locked.publicity_ends:
            raise ServiceError(
                f"公示期至{timezone.localtime(locked.publicity_ends):%Y-%m-%d %H:%M}，结束后才能立项。"
            )
        if locked.objections.filter(status=ObjectionStatus.RECEIVED).exists():
            raise ServiceError("还有未处理的异议。")
        _refuse_funded(locked)
        items = locked.items.filter(selected=True).select_related("application")
        for item in items:
            fund_application(application=item.application, actor=actor, plan=locked.name, amount=item.amount)
        return {"projects": len(items)}

    return perform(plan, "finalize", actor=actor, apply=apply)
