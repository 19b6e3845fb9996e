"""申报 from draft to 形式审查: the only ways an application's status may change."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.accounts.models import Role, User
from stplan.applications.models import Application, ApplicationEvent, Status
from stplan.notifications import notify

t = workflow.transition
APPLICATION = workflow.register(
    workflow.Workflow(
        model=Application,
        event_model=ApplicationEvent,
        subject="application",
        event_fields=lambda application: {"version": application.version},
        transitions={
            "submit": t(_("提交"), {Status.DRAFT}, Status.SUBMITTED, "applications.submit_application"),
            "resubmit": t(
                _("重新提交"), {Status.RETURNED}, Status.SUBMITTED, "applications.submit_application"
            ),
            "withdraw": t(
                _("撤回"),
                {Status.DRAFT, Status.SUBMITTED, Status.RETURNED},
                Status.WITHDRAWN,
                "applications.withdraw_application",
            ),
            "unit_approve": t(
                _("单位审核通过"),
                {Status.SUBMITTED},
                Status.UNIT_APPROVED,
                "applications.unit_review_application",
            ),
            "unit_return": t(
                _("单位退回修改"),
                {Status.SUBMITTED},
                Status.RETURNED,
                "applications.unit_review_application",
                reason_required=True,
            ),
            "recommend": t(
                _("推荐"), {Status.UNIT_APPROVED}, Status.RECOMMENDED, "applications.recommend_application"
            ),
            "recommender_return": t(
                _("推荐单位退回修改"),
                {Status.UNIT_APPROVED},
                Status.RETURNED,
                "applications.recommend_application",
                reason_required=True,
            ),
            "formal_pass": t(
                _("形式审查通过"),
                {Status.RECOMMENDED},
                Status.PASSED,
                "applications.formal_review_application",
            ),
            "formal_reject": t(
                _("形式审查不通过"),
                {Status.RECOMMENDED},
                Status.REJECTED,
                "applications.formal_review_application",
                reason_required=True,
            ),
            "formal_return": t(
                _("形式审查退回修改"),
                {Status.RECOMMENDED},
                Status.RETURNED,
                "applications.formal_review_application",
                reason_required=True,
            ),
            # Performed by 立项 (a funding plan made final), never by hand.
            "fund": t(_("立项"), {Status.PASSED}, Status.FUNDED, "applications.fund_application"),
        },
        payload_labels={
            "plan": _("立项方案"),
            "amount": _("资助金额（元）"),
            "sha256": _("版本 SHA-256"),
            "overrides": _("不予采纳的自动审查意见"),
        },
    )
)
TRANSITIONS = APPLICATION.transitions

# Who hears of each new status besides the 负责人.
_UNIT_HEARS = {
    Status.SUBMITTED,
    Status.UNIT_APPROVED,
    Status.RETURNED,
    Status.WITHDRAWN,
    Status.PASSED,
    Status.REJECTED,
    Status.FUNDED,
}


def _notify(application: Application, action, rule, event) -> None:
    people = User.objects.filter(is_active=True)
    recipients = {application.leader.email}
    target = rule.target
    if target in _UNIT_HEARS:
        recipients |= set(
            people.filter(role=Role.UNIT_ADMIN, unit=application.lead_unit).values_list("email", flat=True)
        )
    if target == Status.UNIT_APPROVED and application.recommender_id:
        recipients |= set(
            people.filter(role=Role.RECOMMENDER, unit=application.recommender_id).values_list(
                "email", flat=True
            )
        )
    if target == Status.RECOMMENDED:
        recipients |= set(
            people.filter(role=Role.OFFICER, section=application.direction.section).values_list(
                "email", flat=True
            )
        )
    notify(
        recipients=recipients,
        subject=f"{application.number}「{application.title}」{rule.label}",
        body=(
            f"申报编号：{application.number}\n项目名称：{application.title}\n"
            f"方向：方向{application.direction.number} {application.direction.title}\n"
            f"操作：{rule.label}\n当前状态：{application.get_status_display()}\n"
            + (f"意见：{event.reason}\n" if event.reason else "")
        ),
        link=reverse("applications:detail", args=[application.pk]),
    )


APPLICATION.notify = _notify
