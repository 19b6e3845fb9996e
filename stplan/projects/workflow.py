"""A funded project from 任务书 to 验收, and 方向40's county awards."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.projects.models import (
    Acceptance,
    AcceptanceEvent,
    AcceptancePanel,
    AcceptancePanelEvent,
    AcceptancePanelStatus,
    AcceptanceReview,
    AcceptanceReviewEvent,
    AcceptanceReviewStatus,
    AcceptanceStatus,
    AwardEvent,
    AwardStatus,
    ChangeEvent,
    ChangeRequest,
    ChangeStatus,
    Contract,
    ContractEvent,
    ContractStatus,
    CountyAward,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectStatus,
    ReportEvent,
    ReportStatus,
    Tranche,
    TrancheEvent,
    TrancheStatus,
)


def project_open(obj, **context) -> str | None:
    project = obj if isinstance(obj, Project) else obj.project
    if project.status == ProjectStatus.TERMINATED:
        return "项目已终止实施。"
    return None


def project_contracting(obj, **context) -> str | None:
    project = obj.project
    if project.status != ProjectStatus.CONTRACTING:
        return f"项目当前为“{project.get_status_display()}”，不能办理任务书。"
    return None


def project_paying(obj, **context) -> str | None:
    project = obj.project
    if project.status not in (ProjectStatus.IN_PROGRESS, ProjectStatus.ACCEPTED):
        return f"项目当前为“{project.get_status_display()}”，不能拨付。"
    return None


def panel_settled(acceptance: Acceptance, **context) -> str | None:
    """The 验收结论 is taken on the 验收专家组's finished judgement, not during it."""
    if acceptance.panels.exclude(status=AcceptancePanelStatus.CLOSED).exists():
        return "验收专家组评审尚未结束，请先结束专家组评审，再作出验收结论。"
    return None


def panel_open(review: AcceptanceReview, *, now=None, **context) -> str | None:
    panel = review.panel
    if panel.status != AcceptancePanelStatus.OPEN:
        return "验收专家组评审未开始或已结束，不能再提交。"
    if (now or timezone.now()) > panel.due_at:
        return f"验收评审截止时间为{timezone.localtime(panel.due_at):%Y-%m-%d %H:%M}，已过期，不能再提交。如需延期，请联系科技局经办人。"
    return None


def has_reviews(panel: AcceptancePanel, **context) -> str | None:
    if not panel.reviews.exists():
        return "验收专家组没有专家，不能发布。"
    return None


t = workflow.transition
MANAGE, LEADER, UNIT = "projects.manage_project", "projects.act_as_leader", "projects.act_as_unit"
_money = {"amount": _("金额（元）"), "sequence": _("批次"), "voucher": _("凭证号"), "paid_on": _("拨付日期")}

PROJECT = workflow.register(
    workflow.Workflow(
        model=Project,
        event_model=ProjectEvent,
        subject="project",
        transitions={
            "start": t(
                _("任务书签订，开始实施"), {ProjectStatus.CONTRACTING}, ProjectStatus.IN_PROGRESS, MANAGE
            ),
            "pass": t(_("验收通过"), {ProjectStatus.IN_PROGRESS}, ProjectStatus.ACCEPTED, MANAGE),
            "close": t(
                _("结题"), {ProjectStatus.IN_PROGRESS}, ProjectStatus.CLOSED, MANAGE, reason_required=True
            ),
            "fail": t(
                _("验收不通过"),
                {ProjectStatus.IN_PROGRESS},
                ProjectStatus.FAILED,
                MANAGE,
                reason_required=True,
            ),
            "terminate": t(
                _("终止实施"),
                {ProjectStatus.CONTRACTING, ProjectStatus.IN_PROGRESS},
                ProjectStatus.TERMINATED,
                MANAGE,
                reason_required=True,
            ),
        },
        records={
            "create": _("立项"),
            "evidence_uploaded": _("上传佐证材料"),
            "leader_changed": _("负责人变更"),
            "extended": _("延期"),
            "allow_early": _("准许提前办理"),
            "verified": _("后补助核验"),
        },
        payload_labels={
            **_money,
            "purpose": _("用途"),
            "sha256": _("SHA-256"),
            "before": _("原负责人"),
            "after": _("新负责人"),
            "ends_on": _("结束日期"),
            "label": _("事项"),
            "new_benefit": _("新增效益（元）"),
            "budget_executed": _("预算执行（元）"),
        },
    )
)

CONTRACT = workflow.register(
    workflow.Workflow(
        model=Contract,
        event_model=ContractEvent,
        subject="contract",
        transitions={
            "confirm": t(
                _("负责人确认任务书"),
                {ContractStatus.DRAFT},
                ContractStatus.CONFIRMED,
                LEADER,
                guards=[project_open, project_contracting],
            ),
            "unit_approve": t(
                _("单位审核任务书"),
                {ContractStatus.CONFIRMED},
                ContractStatus.UNIT_APPROVED,
                UNIT,
                guards=[project_open, project_contracting],
            ),
            "approve": t(
                _("科室审核任务书，签订"),
                {ContractStatus.UNIT_APPROVED},
                ContractStatus.APPROVED,
                MANAGE,
                guards=[project_open, project_contracting],
            ),
        },
        records={"budget_changed": _("预算调整写入任务书")},
        payload_labels={"description": _("调整内容")},
    )
)

TRANCHE = workflow.register(
    workflow.Workflow(
        model=Tranche,
        event_model=TrancheEvent,
        subject="tranche",
        transitions={
            "release": t(_("满足拨付条件"), {TrancheStatus.PLANNED}, TrancheStatus.RELEASED, MANAGE),
            "verify": t(
                _("核验补助金额"),
                {TrancheStatus.PLANNED, TrancheStatus.RELEASED},
                TrancheStatus.RELEASED,
                MANAGE,
                guards=[project_open],
            ),
            "pay": t(
                _("拨付"),
                {TrancheStatus.RELEASED},
                TrancheStatus.PAID,
                MANAGE,
                guards=[project_open, project_paying],
            ),
            "cancel": t(
                _("取消未拨付的款项"),
                {TrancheStatus.PLANNED, TrancheStatus.RELEASED},
                TrancheStatus.CANCELLED,
                MANAGE,
                reason_required=True,
            ),
        },
        payload_labels=_money,
    )
)

REPORT = workflow.register(
    workflow.Workflow(
        model=ProgressReport,
        event_model=ReportEvent,
        subject="report",
        transitions={
            "accept": t(_("年度报告通过"), {ReportStatus.SUBMITTED}, ReportStatus.ACCEPTED, MANAGE),
            "return": t(
                _("年度报告退回"),
                {ReportStatus.SUBMITTED},
                ReportStatus.RETURNED,
                MANAGE,
                reason_required=True,
            ),
        },
        records={"submit": _("提交年度报告")},
        payload_labels={"year": _("项目年度"), "spent": _("累计支出（元）")},
    )
)

CHANGE = workflow.register(
    workflow.Workflow(
        model=ChangeRequest,
        event_model=ChangeEvent,
        subject="change",
        transitions={
            "approve": t(
                _("批准变更"), {ChangeStatus.PENDING}, ChangeStatus.APPROVED, MANAGE, guards=[project_open]
            ),
            "reject": t(_("不批准变更"), {ChangeStatus.PENDING}, ChangeStatus.REJECTED, MANAGE),
        },
        records={"request": _("提出变更申请")},
        payload_labels={"kind": _("变更类型")},
    )
)

ACCEPTANCE = workflow.register(
    workflow.Workflow(
        model=Acceptance,
        event_model=AcceptanceEvent,
        subject="acceptance",
        transitions={
            "pass": t(
                _("验收通过"),
                {AcceptanceStatus.SUBMITTED},
                AcceptanceStatus.PASSED,
                MANAGE,
                guards=[panel_settled],
            ),
            "close": t(
                _("结题"),
                {AcceptanceStatus.SUBMITTED},
                AcceptanceStatus.CLOSED,
                MANAGE,
                reason_required=True,
                guards=[panel_settled],
            ),
            "fail": t(
                _("验收不通过"),
                {AcceptanceStatus.SUBMITTED},
                AcceptanceStatus.FAILED,
                MANAGE,
                reason_required=True,
                guards=[panel_settled],
            ),
        },
        records={"submit": _("申请验收"), "revise": _("修改验收申请"), "certificate": _("出具证书")},
        payload_labels={"number": _("证书编号"), "sha256": _("SHA-256")},
    )
)

AWARD = workflow.register(
    workflow.Workflow(
        model=CountyAward,
        event_model=AwardEvent,
        subject="award",
        transitions={
            "revoke": t(
                _("撤销奖励登记"),
                {AwardStatus.RECORDED},
                AwardStatus.REVOKED,
                "projects.manage_awards",
                reason_required=True,
            ),
        },
        records={"record": _("登记奖励")},
        payload_labels={
            "county": _("县（市、区）"),
            "year": _("年度"),
            "amount": _("奖励金额（元）"),
            "county_match": _("县级配套（元）"),
        },
    )
)

ACCEPTANCE_PANEL = workflow.register(
    workflow.Workflow(
        model=AcceptancePanel,
        event_model=AcceptancePanelEvent,
        subject="panel",
        transitions={
            "publish": t(
                _("发布验收评审"),
                {AcceptancePanelStatus.DRAFT},
                AcceptancePanelStatus.OPEN,
                MANAGE,
                guards=[has_reviews],
            ),
            "close": t(
                _("结束验收评审"),
                {AcceptancePanelStatus.DRAFT, AcceptancePanelStatus.OPEN},
                AcceptancePanelStatus.CLOSED,
                MANAGE,
            ),
        },
        records={"create": _("组建验收专家组")},
        payload_labels={"experts": _("专家"), "shortfall": _("专家缺额"), "excluded": _("回避的专家数")},
    )
)

SCORE_ACCEPTANCE = "projects.score_acceptance"
ACCEPTANCE_REVIEW = workflow.register(
    workflow.Workflow(
        model=AcceptanceReview,
        event_model=AcceptanceReviewEvent,
        subject="review",
        transitions={
            "submit": t(
                _("提交验收评审意见"),
                {AcceptanceReviewStatus.ASSIGNED},
                AcceptanceReviewStatus.SUBMITTED,
                SCORE_ACCEPTANCE,
                guards=[panel_open],
            ),
            "decline": t(
                _("申请回避"),
                {AcceptanceReviewStatus.ASSIGNED},
                AcceptanceReviewStatus.WITHDRAWN,
                SCORE_ACCEPTANCE,
                reason_required=True,
            ),
        },
        payload_labels={"opinion": _("总体意见"), "ratings": _("指标评价")},
    )
)
