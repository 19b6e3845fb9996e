"""技术需求 from draft to the 榜单, and 榜单 items from draft to published or withdrawn."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.accounts.models import Role, User
from stplan.challenges.models import (
    ChallengeItem,
    ChallengeItemEvent,
    ItemStatus,
    Need,
    NeedEvent,
    NeedStatus,
)
from stplan.notifications import notify


def call_open(need: Need, *, now=None, **context) -> str | None:
    call = need.call
    if not call.is_open(now):
        opens, closes = timezone.localtime(call.opens_at), timezone.localtime(call.closes_at)
        return (
            f"技术需求征集时间为{opens:%Y-%m-%d %H:%M}至{closes:%Y-%m-%d %H:%M}，现在不在征集期内，不能提交。"
        )
    return None


def other_section(actor) -> str | None:
    if actor is not None and getattr(actor, "role", "") == Role.OFFICER:
        return "该需求或榜单项目不属于您所在科室统筹的方向，您不能进行此操作。"
    return None


t = workflow.transition
REVIEW = "challenges.review_need"
NEED = workflow.register(
    workflow.Workflow(
        model=Need,
        event_model=NeedEvent,
        subject="need",
        transitions={
            "submit": t(
                _("提交"),
                {NeedStatus.DRAFT, NeedStatus.RETURNED},
                NeedStatus.SUBMITTED,
                "challenges.submit_need",
                guards=[call_open],
            ),
            "withdraw": t(
                _("撤回"),
                {NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.RETURNED},
                NeedStatus.WITHDRAWN,
                "challenges.submit_need",
            ),
            "return": t(
                _("退回修改"), {NeedStatus.SUBMITTED}, NeedStatus.RETURNED, REVIEW, reason_required=True
            ),
            "accept": t(_("采纳"), {NeedStatus.SUBMITTED}, NeedStatus.ACCEPTED, REVIEW),
            "decline": t(
                _("不予采纳"),
                {NeedStatus.SUBMITTED, NeedStatus.ACCEPTED},
                NeedStatus.DECLINED,
                REVIEW,
                reason_required=True,
            ),
            "merge": t(
                _("合并到其他需求"),
                {NeedStatus.SUBMITTED, NeedStatus.ACCEPTED},
                NeedStatus.MERGED,
                REVIEW,
                reason_required=True,
            ),
            # Performed when a 榜单 item is made of the need, never by hand.
            "list": t(_("列入榜单"), {NeedStatus.ACCEPTED}, NeedStatus.LISTED, "challenges.manage_item"),
        },
        records={"edit": _("保存需求")},
        denied=other_section,
        payload_labels={"into": _("合并到"), "item": _("榜单项目")},
    )
)

ITEM = workflow.register(
    workflow.Workflow(
        model=ChallengeItem,
        event_model=ChallengeItemEvent,
        subject="item",
        transitions={
            "publish": t(_("发布"), {ItemStatus.DRAFT}, ItemStatus.PUBLISHED, "challenges.manage_item"),
            "withdraw": t(
                _("撤榜"),
                {ItemStatus.DRAFT, ItemStatus.PUBLISHED},
                ItemStatus.WITHDRAWN,
                "challenges.manage_item",
                reason_required=True,
            ),
        },
        records={"create": _("编制榜单项目"), "revise": _("修改榜单项目")},
        denied=other_section,
        payload_labels={"version": _("榜单版本"), "changes": _("变更内容")},
    )
)


def _notify_need(need: Need, action, rule, event) -> None:
    people = User.objects.filter(is_active=True)
    recipients = set(
        people.filter(unit=need.unit_id, role__in=(Role.UNIT_ADMIN, Role.LEADER)).values_list(
            "email", flat=True
        )
    )
    if rule.target == NeedStatus.SUBMITTED:
        recipients = set(
            people.filter(role=Role.OFFICER, section=need.call.direction.section).values_list(
                "email", flat=True
            )
        )
    notify(
        recipients=recipients,
        subject=f"技术需求「{need.title}」{rule.label}",
        body=(
            f"需求名称：{need.title}\n提出单位：{need.unit.name}\n操作：{rule.label}\n"
            f"当前状态：{need.get_status_display()}\n" + (f"意见：{event.reason}\n" if event.reason else "")
        ),
    )


NEED.notify = _notify_need
