"""注册审核: the only ways a unit's registration status may change."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.accounts.models import (
    Role,
    Unit,
    UnitChange,
    UnitChangeEvent,
    UnitChangeStatus,
    UnitEvent,
    UnitStatus,
)
from stplan.notifications import notify

t = workflow.transition
UNIT = workflow.register(
    workflow.Workflow(
        model=Unit,
        event_model=UnitEvent,
        subject="unit",
        transitions={
            "approve": t(_("审核通过"), {UnitStatus.PENDING}, UnitStatus.APPROVED, "accounts.review_unit"),
            "reject": t(
                _("审核不通过"),
                {UnitStatus.PENDING},
                UnitStatus.REJECTED,
                "accounts.review_unit",
                reason_required=True,
            ),
            "resubmit": t(
                _("重新提交审核"), {UnitStatus.REJECTED}, UnitStatus.PENDING, "accounts.resubmit_unit"
            ),
        },
        records={"register": _("提交注册"), "update": _("修改单位信息")},
        payload_labels={"changes": _("修改内容")},
    )
)

_VERDICT = {"approve": "已通过", "reject": "未通过", "resubmit": "已重新提交"}


def _notify(unit: Unit, action, rule, event) -> None:
    verdict = _VERDICT[action]
    notify(
        recipients=unit.people.filter(role=Role.UNIT_ADMIN).values_list("email", flat=True),
        subject=f"单位注册审核{verdict}：{unit.name}",
        body=f"{unit.name}的注册审核结果：{verdict}。" + (f"\n理由：{event.reason}" if event.reason else ""),
        link=reverse("accounts:unit"),
    )


UNIT.notify = _notify


UNIT_CHANGE = workflow.register(
    workflow.Workflow(
        model=UnitChange,
        event_model=UnitChangeEvent,
        subject="change",
        transitions={
            "approve": t(
                _("单位信息变更审核通过"),
                {UnitChangeStatus.PENDING},
                UnitChangeStatus.APPROVED,
                "accounts.review_unit",
            ),
            "reject": t(
                _("单位信息变更审核不通过"),
                {UnitChangeStatus.PENDING},
                UnitChangeStatus.REJECTED,
                "accounts.review_unit",
                reason_required=True,
            ),
        },
        records={"request": _("提交单位信息变更")},
        payload_labels={"changes": _("变更内容")},
    )
)
