"""Writes for 专家评审: the pool, conflicts, assignment, publication and scoring."""

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stplan.accounts.models import Role, User
from stplan.applications.models import Application
from stplan.applications.selectors import latest_contents
from stplan.errors import ServiceError
from stplan.notifications import notify
from stplan.review import affinity, selectors, solver
from stplan.review.models import (
    Assignment,
    AssignmentStatus,
    DeclaredConflict,
    Expert,
    ExpertEvent,
    PairRule,
    Recommendation,
    Review,
    ReviewRound,
    ReviewStatus,
    RoundStatus,
)
from stplan.review.workflow import not_conflicted, round_open
from stplan.taxonomy.models import FieldOfStudy
from stplan.workflow import perform, record

EXPERT_FIELDS = (
    "id_number",
    "unit_name",
    "unit_credit_code",
    "county",
    "title",
    "keywords",
    "profile",
    "past_work",
    "available",
    "load_cap",
    "enabled",
)


def _staff(actor: User) -> None:
    if not actor.has_perm("review.manage_review"):
        raise ServiceError("只有科技局经办人可以管理专家评审。")


@transaction.atomic
def save_expert(
    *, actor: User, expert: Expert | None, values: dict, fields=None, user_values: dict | None = None
) -> Expert:
    """Create or change an expert; every change is written to the expert's history."""
    _staff(actor)
    user_values = user_values or {}
    if expert is None:
        username = user_values.get("username") or ""
        if not username:
            raise ServiceError("请填写专家的登录用户名。")
        if User.objects.filter(username=username).exists():
            raise ServiceError(f"用户名“{username}”已被使用。")
        user = User.objects.create(
            username=username,
            full_name=user_values.get("full_name", ""),
            email=user_values.get("email", ""),
            phone=user_values.get("phone", ""),
            role=Role.EXPERT,
        )
        user.set_unusable_password()
        user.save()
        expert = Expert(user=user)
        before = {}
        action = "create"
    else:
        expert = Expert.objects.select_for_update().get(pk=expert.pk)
        before = {name: getattr(expert, name) for name in EXPERT_FIELDS}
        before["fields"] = sorted(expert.fields.values_list("code", flat=True))
        for name in ("full_name", "email", "phone"):
            if name in user_values:
                setattr(expert.user, name, user_values[name])
        expert.user.save()
        action = "update"
    for name, value in values.items():
        if name in EXPERT_FIELDS:
            setattr(expert, name, value)
    expert.save()
    if fields is not None:
        expert.fields.set(fields)
    after = {name: getattr(expert, name) for name in EXPERT_FIELDS}
    after["fields"] = sorted(expert.fields.values_list("code", flat=True))
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes or action == "create":
        ExpertEvent.objects.create(expert=expert, actor=actor, action=action, changes=_jsonable(changes))
    return expert


def _jsonable(changes: dict) -> dict:
    return {
        k: [v if isinstance(v, (str, int, bool, list, type(None))) else str(v) for v in pair]
        for k, pair in changes.items()
    }


@transaction.atomic
def declare_conflict_by_bureau(
    *, actor: User, expert: Expert, application: Application, kind: str, reason: str
) -> DeclaredConflict:
    if not actor.has_perm("review.declare_conflict", application):
        raise ServiceError("只有管理该方向的科室经办人或局管理员可以登记回避。")
    if not reason.strip():
        raise ServiceError("请写明回避理由。")
    conflict = DeclaredConflict.objects.create(
        expert=expert,
        application=application,
        kind=kind,
        reason=reason.strip(),
        declared_on=timezone.localdate(),
        declared_by=actor,
    )
    _withdraw_everywhere(expert, application, actor, reason.strip())
    return conflict


def _withdraw_everywhere(expert: Expert, application: Application, actor: User, reason: str) -> None:
    """A declared conflict holds for every task of the expert on the application, in every
    round: open tasks are withdrawn and scores already given are taken out."""
    cause = f"声明回避：{reason}"
    for assignment in (
        Assignment.objects.select_for_update()
        .filter(expert=expert, application=application)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .order_by("pk")
    ):
        if assignment.status == AssignmentStatus.SUBMITTED:
            review = Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).first()
            if review is not None:
                perform(review, "revoke", actor=actor, reason=reason, cause=cause)
            perform(assignment, "revoke", actor=actor, reason=reason, cause=cause, locked=True)
        else:
            perform(assignment, "withdraw", actor=actor, reason=reason, cause=cause, locked=True)


@dataclass
class Matrices:
    applications: list[Application]
    experts: list[Expert]
    affinity: np.ndarray
    allowed: np.ndarray
    reasons: dict[tuple[int, int], list[str]]


def build_matrices(review_round: ReviewRound) -> Matrices:
    # The application's own columns are not read here: its content is the submitted version's.
    applications = list(
        selectors.round_applications(review_round).defer(
            "form", "direction__data", "direction__research_scope", "direction__indicators"
        )
    )
    experts = list(selectors.pool(review_round))
    # Every application here passed 形式审查, so each has a submitted version.
    by_pk = latest_contents(applications)
    contents = [by_pk[a.pk] for a in applications]
    text = affinity.text_affinity(
        [selectors.application_text(c) for c in contents],
        [expert_text(e) for e in experts],
    )
    fields = _application_fields(contents)
    bonus = affinity.field_bonus(
        [f.code if f else None for f in fields],
        [f.parent.code if f and f.parent_id else None for f in fields],
        [{f.code for f in e.fields.all()} for e in experts],
        [{f.parent.code for f in e.fields.all() if f.parent_id} for e in experts],
        review_round.field_bonus,
    )
    allowed, reasons = conflicts(applications, contents, experts)
    return Matrices(applications, experts, np.round(text + bonus, 4), allowed, reasons)


def conflicts(applications, contents, experts) -> tuple[np.ndarray, dict[tuple[int, int], list[str]]]:
    """The 回避 matrix, found by looking each application's units and people up in indexes
    of the pool rather than comparing every pair."""
    by_code, by_unit_name, by_id, by_name = {}, {}, {}, {}
    for j, expert in enumerate(experts):
        if expert.unit_credit_code:
            by_code.setdefault(expert.unit_credit_code, []).append(j)
        by_unit_name.setdefault(expert.unit_name, []).append(j)
        if expert.id_number:
            by_id.setdefault(expert.id_number.upper(), []).append(j)
        by_name.setdefault(expert.name, []).append(j)
    position = {e.pk: j for j, e in enumerate(experts)}
    declared = selectors.declared_pairs(applications)
    allowed = np.ones((len(applications), len(experts)), dtype=bool)
    reasons: dict[tuple[int, int], list[str]] = {}

    def mark(i, j, reason):
        allowed[i, j] = False
        reasons.setdefault((applications[i].pk, experts[j].pk), []).append(reason)

    for i, content in enumerate(contents):
        codes, names = selectors.application_units(content)
        for j in {j for c in codes for j in by_code.get(c, [])} | {
            j for n in names for j in by_unit_name.get(n, [])
        }:
            mark(i, j, "专家所在单位是本项目的申报单位（牵头或合作）")
        for j in {j for n in selectors.application_people(content) for j in by_id.get(n, [])}:
            mark(i, j, "专家是本项目的负责人或团队成员")
        for exclusion in content.exclusion_requests:
            for j in by_name.get(exclusion.name, []):
                if not exclusion.unit_name or exclusion.unit_name == experts[j].unit_name:
                    mark(i, j, f"申报人申请回避：{exclusion.reason}")
    row_of = {a.pk: i for i, a in enumerate(applications)}
    for expert_pk, application_pk in declared:
        if application_pk in row_of and expert_pk in position:
            mark(row_of[application_pk], position[expert_pk], "已声明利益冲突")
    return allowed, reasons


def expert_text(expert: Expert) -> str:
    """What an expert is matched by: fields, keywords, profile and past work."""
    fields = " ".join(str(f) for f in expert.fields.all())
    return "\n".join([fields, expert.keywords, expert.profile, expert.past_work])


def _application_fields(contents):
    pks = [c.field_of_study_id for c in contents]
    known = {
        f.pk: f for f in FieldOfStudy.objects.filter(pk__in=[p for p in pks if p]).select_related("parent")
    }
    return [known.get(p) for p in pks]


@transaction.atomic
def propose_assignment(*, review_round: ReviewRound, actor: User) -> ReviewRound:
    """Solve the assignment and replace the proposed (unpublished) pairs with the result.

    Published pairs stay and are pinned, so a re-solve after a late conflict only fills
    the slots that opened."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _manage(actor, review_round)
    if review_round.status == RoundStatus.CLOSED:
        raise ServiceError("评审已结束，不能再分配。")
    m = build_matrices(review_round)
    if not m.applications:
        raise ServiceError("本批次没有形式审查通过的申报。")
    if not m.experts:
        raise ServiceError("专家库中没有可参加评审的专家。")
    a_index = {a.pk: i for i, a in enumerate(m.applications)}
    e_index = {e.pk: j for j, e in enumerate(m.experts)}
    pinned = np.zeros_like(m.allowed)
    allowed = m.allowed.copy()
    for rule in PairRule.objects.filter(round=review_round):
        i, j = a_index.get(rule.application_id), e_index.get(rule.expert_id)
        if i is None or j is None:
            continue
        if rule.kind == "forbid":
            allowed[i, j] = False
        else:
            pinned[i, j] = True
    withdrawn = Assignment.objects.filter(round=review_round, status=AssignmentStatus.WITHDRAWN)
    for a_pk, e_pk in withdrawn.values_list("application_id", "expert_id"):
        if a_pk in a_index and e_pk in e_index:
            allowed[a_index[a_pk], e_index[e_pk]] = False
    # Tasks already given out stay, unless their pair is no longer allowed (a conflict found
    # since): those not yet scored are withdrawn. Kept tasks of experts who have left the pool
    # still count towards the application's k.
    k = np.array([review_round.experts_needed(a.direction.number) for a in m.applications])
    kept = Assignment.objects.filter(round=review_round, status__in=selectors.ACTIVE)
    for assignment in kept:
        i, j = a_index.get(assignment.application_id), e_index.get(assignment.expert_id)
        if i is None:
            continue
        if j is None:
            k[i] = max(0, k[i] - 1)
        elif allowed[i, j]:
            pinned[i, j] = True
        elif assignment.status != AssignmentStatus.SUBMITTED:
            perform(assignment, "withdraw", actor=actor, reason="重新分配时发现需回避")
    kept = kept.filter(status__in=selectors.ACTIVE)
    pinned &= allowed
    county_of_unit = _unit_counties(m.experts)
    # Counties as numbers, compared as whole rows: 10 million pairs are too many for Python.
    county_codes = {c: n for n, c in enumerate({*county_of_unit.values()} - {""})}
    application_county = np.array([county_codes.get(a.lead_unit.county, -1) for a in m.applications])
    expert_county = np.array([county_codes.get(county_of_unit[_unit_key(e)], -2) for e in m.experts])
    same_county = application_county[:, None] == expert_county[None, :]
    units = {}
    expert_unit = np.array([units.setdefault(_unit_key(e), len(units)) for e in m.experts])
    problem = solver.Problem(
        affinity=m.affinity,
        allowed=allowed,
        k=k,
        capacity=np.array([e.load_cap for e in m.experts]),
        pinned=pinned,
        same_county=same_county,
        require_outside=review_round.require_outside_county,
        expert_unit=expert_unit,
        max_per_unit=review_round.max_experts_per_unit,
    )
    solution = solver.solve(problem)
    Assignment.objects.filter(round=review_round, status=AssignmentStatus.PROPOSED).delete()
    existing = set(kept.values_list("application_id", "expert_id"))
    new = [
        Assignment(
            round=review_round,
            application=m.applications[i],
            expert=m.experts[j],
            affinity=float(m.affinity[i, j]),
        )
        for i, j in solution.pairs.tolist()
        if (m.applications[i].pk, m.experts[j].pk) not in existing
    ]
    Assignment.objects.bulk_create(new)
    review_round.solver_report = {
        "solved_at": timezone.now().isoformat(),
        "total_affinity": round(solution.total_affinity, 4),
        "pairs": len(solution.pairs),
        "uncovered": [
            {
                "application": m.applications[i].pk,
                "number": m.applications[i].number,
                "missing": missing,
                "reason": _why_uncovered(m, allowed, i, problem),
            }
            for i, missing in sorted(solution.shortfall.items())
        ],
    }
    review_round.save(update_fields=["solver_report"])
    funded = selectors.funded_in_directions(review_round)
    record(
        review_round,
        "solve",
        actor=actor,
        payload={
            "pairs": len(solution.pairs),
            "uncovered": len(solution.shortfall),
            "excluded": [a.number for a in funded],
        },
    )
    return review_round


def _manage(actor: User, review_round: ReviewRound) -> None:
    _staff(actor)
    if not actor.has_perm("review.manage_round", review_round):
        raise ServiceError("该评审批次不属于您所在科室管理的方向，您不能进行此操作。")


@transaction.atomic
def create_round(*, actor: User, review_round: ReviewRound, directions) -> ReviewRound:
    """A round of the officer's own 科室's 方向; one that spans 科室 is the 局管理员's."""
    directions = list(directions)
    if not directions:
        raise ServiceError("请选择方向。")
    sections = {d.section for d in directions}
    if not actor.has_perm("review.manage_review") or not (
        actor.role == Role.BUREAU_ADMIN or sections == {actor.section}
    ):
        raise ServiceError("科室经办人只能为本科室管理的方向创建评审批次；跨科室的评审批次由局管理员创建。")
    review_round.guide = directions[0].guide
    review_round.save()
    review_round.directions.set(directions)
    record(
        review_round, "create", actor=actor, payload={"directions": [f"方向{d.number}" for d in directions]}
    )
    return review_round


@transaction.atomic
def extend_task(*, assignment: Assignment, actor: User, due_at, reason: str) -> Assignment:
    """An officer gives one expert more time on one task, beyond the round's due date."""
    assignment = Assignment.objects.select_for_update().select_related("round").get(pk=assignment.pk)
    if not actor.has_perm("review.manage_assignment", assignment):
        raise ServiceError("该评审批次不属于您所在科室管理的方向，您不能进行此操作。")
    if assignment.status not in (AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED):
        raise ServiceError("只有尚未提交的评审任务可以延期。")
    if due_at is None or due_at <= timezone.now():
        raise ServiceError("延长后的截止时间须晚于现在。")
    if not reason.strip():
        raise ServiceError("请写明延期理由。")
    assignment.due_at = due_at
    assignment.save(update_fields=["due_at"])
    record(
        assignment,
        "extend",
        actor=actor,
        reason=reason,
        payload={"due_at": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")},
    )
    return assignment


def _unit_key(expert: Expert) -> str:
    return expert.unit_credit_code or expert.unit_name


def _unit_counties(experts) -> dict[str, str]:
    """One county per unit (the one most of its experts give), so that a unit's experts all
    fall on the same side of the outside-county rule and its per-unit cap stays whole."""
    seen: dict[str, dict[str, int]] = {}
    for e in experts:
        counts = seen.setdefault(_unit_key(e), {})
        if e.county:
            counts[e.county] = counts.get(e.county, 0) + 1
    return {
        unit: max(counts, key=lambda c: (counts[c], c)) if counts else "" for unit, counts in seen.items()
    }


def _why_uncovered(m: Matrices, allowed: np.ndarray, i: int, problem: solver.Problem) -> str:
    needed = int(problem.k[i])
    free = int(allowed[i].sum())
    in_field = int((allowed[i] & (m.affinity[i] >= 0.1)).sum())
    if free < needed:
        return f"回避后可用的专家只有{free}名，少于所需的{needed}名。"
    if problem.require_outside and not (allowed[i] & ~problem.same_county[i]).any():
        return "没有来自申报单位所在县（市、区）以外、且无需回避的专家。"
    return (
        f"无需回避的专家有{free}名（其中匹配度较高的{in_field}名），但他们的评审名额已被其他项目占满；"
        "可提高专家的每轮评审上限、增加本领域专家，或减少每项所需专家数。"
    )


@transaction.atomic
def set_pair_rule(
    *, review_round: ReviewRound, actor: User, application: Application, expert: Expert, kind: str | None
) -> None:
    _manage(actor, review_round)
    PairRule.objects.filter(round=review_round, application=application, expert=expert).delete()
    if kind in ("pin", "forbid"):
        PairRule.objects.create(
            round=review_round, application=application, expert=expert, kind=kind, created_by=actor
        )
    record(
        review_round,
        "pair_rule",
        actor=actor,
        payload={
            "rule": {"pin": "指定", "forbid": "排除"}.get(kind or "", "取消"),
            "application": application.number,
            "expert": expert.name,
        },
    )


@transaction.atomic
def publish(*, review_round: ReviewRound, actor: User) -> int:
    """Proposed pairs become the experts' tasks; each expert is told once."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _manage(actor, review_round)
    if problem := round_open(review_round):
        raise ServiceError(problem)
    proposed = list(
        Assignment.objects.filter(round=review_round, status=AssignmentStatus.PROPOSED).select_related(
            "expert__user"
        )
    )
    if not proposed:
        raise ServiceError("没有待发布的分配。请先进行分配。")
    perform(review_round, "publish", actor=actor, locked=True)
    for assignment in proposed:
        perform(assignment, "publish", actor=actor)
    by_expert: dict[int, list[Assignment]] = {}
    for assignment in proposed:
        by_expert.setdefault(assignment.expert_id, []).append(assignment)
    for tasks in by_expert.values():
        expert = tasks[0].expert
        notify(
            recipients=[expert.user.email],
            subject=f"评审任务：{review_round.name}",
            body=f"{expert.name}专家：您有{len(tasks)}项评审任务。请登录系统，在“我的评审”中确认无利益冲突并签署保密承诺后开始评审。",
            link=reverse("review:mine"),
        )
    return len(proposed)


def close_round(*, review_round: ReviewRound, actor: User) -> ReviewRound:
    return perform(review_round, "close", actor=actor)


@transaction.atomic
def confirm_no_conflict(
    *, assignment: Assignment, actor: User, pledge: bool, no_conflict: bool, now=None
) -> Assignment:
    if not actor.has_perm("review.open_assignment", assignment):
        raise ServiceError("这不是您的评审任务。")
    if not (pledge and no_conflict):
        raise ServiceError("请确认与本项目无利益冲突，并签署保密承诺。")

    def apply(locked: Assignment) -> None:
        locked.pledged_at = timezone.now()

    return perform(assignment, "confirm", actor=actor, apply=apply, now=now)


@transaction.atomic
def declare_conflict(*, assignment: Assignment, actor: User, kind: str, reason: str) -> DeclaredConflict:
    """An expert's own declaration: the task is withdrawn and its slot opens for a re-solve."""
    if not actor.has_perm("review.open_assignment", assignment):
        raise ServiceError("这不是您的评审任务。")
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise ServiceError("评审意见已提交，如有利益冲突请联系科技局。")
    if not reason.strip():
        raise ServiceError("请写明利益冲突的情况。")
    assignment = perform(assignment, "withdraw", actor=actor, reason=reason)
    conflict = DeclaredConflict.objects.create(
        expert=assignment.expert,
        application=assignment.application,
        kind=kind,
        reason=reason.strip(),
        declared_on=timezone.localdate(),
        declared_by=actor,
    )
    _withdraw_everywhere(assignment.expert, assignment.application, actor, reason.strip())
    notify(
        recipients=User.objects.filter(
            role=Role.OFFICER, section=assignment.application.direction.section
        ).values_list("email", flat=True),
        subject=f"专家声明回避：{assignment.application.number}",
        body=f"{assignment.expert.name}专家声明与{assignment.application.number}存在利益冲突，已退出该项目评审。请重新分配空出的评审名额。",
    )
    return conflict


def save_review(
    *,
    assignment: Assignment,
    actor: User,
    scores: dict,
    comments: dict,
    overall_comment: str,
    recommendation: str,
    submit: bool,
    now=None,
) -> Review:
    """Keep a draft as typed; on submit every criterion needs a score in range and a comment.
    A refused submission is still saved as a draft, so nothing typed is lost."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not actor.has_perm("review.score_assignment", assignment):
            raise ServiceError("请先确认无利益冲突并签署保密承诺。")
        if assignment.status == AssignmentStatus.SUBMITTED:
            raise ServiceError("评审意见已提交，不能修改。")
        if problem := round_open(assignment) or not_conflicted(assignment):
            raise ServiceError(problem)
        sheet = selectors.sheet_for(assignment.round, assignment.application)
        review = Review.objects.filter(assignment=assignment).first() or Review(
            assignment=assignment, sheet=sheet
        )
        review.scores = {c["code"]: scores.get(c["code"]) for c in sheet.criteria}
        review.comments = {c["code"]: (comments.get(c["code"]) or "").strip() for c in sheet.criteria}
        review.overall_comment = overall_comment.strip()
        review.recommendation = recommendation if recommendation in Recommendation.values else ""
        problems = _review_problems(sheet, review, submit=submit)
        complete = all(v is not None for v in review.scores.values())
        review.total = sum(review.scores.values()) if complete and not problems else None
        review.save()
        if submit and not problems:
            try:
                with transaction.atomic():
                    _submit_review(review, assignment, actor, now)
            except ServiceError as refused:
                problems = [str(refused).rstrip("。")]
    if problems:
        raise ServiceError("；".join(problems) + "。")
    review.refresh_from_db()
    return review


def _submit_review(review: Review, assignment: Assignment, actor: User, now) -> None:
    def apply(locked: Review) -> dict:
        locked.submitted_at = now or timezone.now()
        return {"total": locked.total, "recommendation": locked.get_recommendation_display()}

    perform(review, "submit", actor=actor, apply=apply, now=now)
    perform(assignment, "submit", actor=actor, locked=True, now=now)


def _review_problems(sheet, review: Review, *, submit: bool) -> list[str]:
    problems = []
    for criterion in sheet.criteria:
        value = review.scores[criterion["code"]]
        if value is not None and not (0 <= value <= criterion["max"]):
            problems.append(f"“{criterion['label']}”的得分须在0到{criterion['max']}之间")
    if submit:
        for criterion in sheet.criteria:
            if review.scores[criterion["code"]] is None:
                problems.append(f"请为“{criterion['label']}”打分")
            if not review.comments[criterion["code"]]:
                problems.append(f"请填写“{criterion['label']}”的评审意见")
        if not review.recommendation:
            problems.append("请选择推荐意见")
    return problems


def overdue_assignments(now=None):
    now = now or timezone.now()
    return Assignment.objects.filter(
        round__due_at__lt=now,
        round__status=RoundStatus.PUBLISHED,
        status__in=(AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED),
    ).select_related("expert__user", "round", "application")


def send_reminders(*, now=None) -> int:
    """One email per expert listing their overdue reviews."""
    by_expert: dict[int, list[Assignment]] = {}
    for assignment in overdue_assignments(now):
        by_expert.setdefault(assignment.expert_id, []).append(assignment)
    with transaction.atomic():
        for tasks in by_expert.values():
            expert = tasks[0].expert
            numbers = "、".join(t.application.number for t in tasks)
            notify(
                recipients=[expert.user.email],
                subject="评审任务已逾期，请尽快完成",
                body=f"{expert.name}专家：以下评审任务已过截止时间，请尽快完成：{numbers}",
            )
    return len(by_expert)
