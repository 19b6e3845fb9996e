"""立项: a funding plan from draft through 公示 to final, and the objections to it."""

from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.funding.models import (
    FundingPlan,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    PlanEvent,
    PlanStatus,
)
from stplan.review.workflow import other_section

t = workflow.transition
PLAN = workflow.register(
    workflow.Workflow(
        model=FundingPlan,
        event_model=PlanEvent,
        subject="plan",
        denied=other_section("立项方案"),
        transitions={
            "publicize": t(_("开始公示"), {PlanStatus.DRAFT}, PlanStatus.PUBLICIZED, "funding.manage_plan"),
            "finalize": t(_("确定立项"), {PlanStatus.PUBLICIZED}, PlanStatus.FINAL, "funding.manage_plan"),
        },
        records={
            "create": _("生成方案"),
            "optimise": _("优化"),
            "change": _("经办人修改"),
            "contact": _("设置异议受理联系方式"),
        },
        payload_labels={
            "application": _("申报编号"),
            "batch": _("申报批次"),
            "budget": _("总预算（元）"),
            "objective": _("优化目标"),
            "selected": _("拟立项项目数"),
            "excluded": _("已立项、不再列入的申报"),
            "duplicates": _("经查重确认重复申报、不列入的申报"),
            "amount": _("拟资助金额（元）"),
            "before_amount": _("原金额（元）"),
            "chosen": _("拟立项"),
            "before_chosen": _("原为拟立项"),
            "ends": _("公示结束"),
            "projects": _("立项项目数"),
            "objection_office": _("异议受理部门及联系人"),
            "objection_phone": _("异议受理电话"),
            "objection_email": _("异议受理邮箱"),
            "objection_address": _("异议受理地址"),
        },
    )
)

OBJECTION = workflow.register(
    workflow.Workflow(
        model=Objection,
        event_model=ObjectionEvent,
        subject="objection",
        denied=other_section("异议"),
        transitions={
            "handle": t(
                _("处理异议"),
                {ObjectionStatus.RECEIVED},
                ObjectionStatus.HANDLED,
                "funding.handle_objection",
                reason_required=True,
            ),
        },
        records={"receive": _("收到异议")},
    )
)
