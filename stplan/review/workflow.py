"""专家评审: review rounds, the experts' tasks (assignments) and their scores."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.accounts.models import Role
from stplan.review.models import (
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    DeclaredConflict,
    Review,
    ReviewEvent,
    ReviewRound,
    ReviewStatus,
    RoundEvent,
    RoundStatus,
)


def round_open(obj, **context) -> str | None:
    review_round = obj if isinstance(obj, ReviewRound) else _assignment(obj).round
    if review_round.status == RoundStatus.CLOSED:
        return "评审已结束，不能再进行此操作。"
    return None


def before_due(obj, *, now=None, **context) -> str | None:
    """A task is done by its due date: the round's, or the one an officer extended it to."""
    assignment = _assignment(obj)
    due = assignment.effective_due_at
    if due is not None and (now or timezone.now()) > due:
        return f"评审截止时间为{timezone.localtime(due):%Y-%m-%d %H:%M}，已过期，不能再确认或提交。如需延期，请联系科技局经办人。"
    return None


def not_conflicted(obj, **context) -> str | None:
    """A conflict declared on an application holds for every task of that expert on it."""
    assignment = _assignment(obj)
    if DeclaredConflict.objects.filter(
        expert=assignment.expert_id, application=assignment.application_id
    ).exists():
        return "已声明与该项目存在利益冲突，不能评审该项目。"
    return None


def _assignment(obj) -> Assignment:
    return obj.assignment if isinstance(obj, Review) else obj


def other_section(noun: str):
    """The refusal an officer of another 科室 reads: the object is not their 科室's."""

    def denied(actor) -> str | None:
        if actor is not None and getattr(actor, "role", "") == Role.OFFICER:
            return f"该{noun}不属于您所在科室管理的方向，您不能进行此操作。"
        return None

    return denied


t = workflow.transition
ROUND = workflow.register(
    workflow.Workflow(
        model=ReviewRound,
        event_model=RoundEvent,
        subject="review_round",
        denied=other_section("评审批次"),
        transitions={
            # Publishing again gives out the tasks of a re-solve after late conflicts.
            "publish": t(
                _("发布评审任务"),
                {RoundStatus.DRAFT, RoundStatus.PUBLISHED},
                RoundStatus.PUBLISHED,
                "review.manage_round",
            ),
            "close": t(_("结束评审"), {RoundStatus.PUBLISHED}, RoundStatus.CLOSED, "review.manage_round"),
        },
        records={
            "create": _("创建评审批次"),
            "solve": _("分配专家（拟分配）"),
            "pair_rule": _("指定或排除专家"),
        },
        payload_labels={
            "pairs": _("分配组合数"),
            "uncovered": _("未配齐的项目数"),
            "rule": _("规则"),
            "application": _("申报编号"),
            "expert": _("专家"),
            "directions": _("方向"),
            "excluded": _("已立项、不再参加评审的申报"),
        },
    )
)

ASSIGNMENT = workflow.register(
    workflow.Workflow(
        model=Assignment,
        event_model=AssignmentEvent,
        subject="assignment",
        transitions={
            "publish": t(
                _("发布"),
                {AssignmentStatus.PROPOSED},
                AssignmentStatus.PUBLISHED,
                "review.manage_assignment",
                guards=[round_open],
            ),
            "confirm": t(
                _("确认无利益冲突并签署保密承诺"),
                {AssignmentStatus.PUBLISHED},
                AssignmentStatus.CONFIRMED,
                "review.open_assignment",
                guards=[round_open, not_conflicted, before_due],
            ),
            "submit": t(
                _("提交评审意见"),
                {AssignmentStatus.CONFIRMED},
                AssignmentStatus.SUBMITTED,
                "review.score_assignment",
                guards=[round_open, not_conflicted, before_due],
            ),
            "withdraw": t(
                _("回避"),
                {AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED, AssignmentStatus.PROPOSED},
                AssignmentStatus.WITHDRAWN,
                "review.withdraw_assignment",
            ),
            # Only the bureau, with a reason: a conflict found after the score was in takes it out.
            "revoke": t(
                _("撤销已提交的评审意见"),
                {AssignmentStatus.SUBMITTED},
                AssignmentStatus.WITHDRAWN,
                "review.manage_assignment",
                reason_required=True,
            ),
        },
        records={"extend": _("延长评审截止时间")},
        payload_labels={"due_at": _("新的截止时间")},
    )
)

SCORE = workflow.register(
    workflow.Workflow(
        model=Review,
        event_model=ReviewEvent,
        subject="review",
        transitions={
            "submit": t(
                _("提交评分"),
                {ReviewStatus.DRAFT},
                ReviewStatus.SUBMITTED,
                "review.submit_review",
                guards=[round_open, not_conflicted, before_due],
            ),
            "revoke": t(
                _("作废评分"),
                {ReviewStatus.SUBMITTED},
                ReviewStatus.REVOKED,
                "review.revoke_review",
                reason_required=True,
            ),
        },
        payload_labels={"total": _("总分"), "recommendation": _("推荐意见")},
    )
)
