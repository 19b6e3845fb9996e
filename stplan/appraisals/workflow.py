"""专家论证: a panel from draft to open to closed, and each expert's task on a need."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.appraisals.models import Panel, PanelEvent, PanelStatus, PanelTask, PanelTaskEvent, TaskStatus


def panel_open(task: PanelTask, *, now=None, **context) -> str | None:
    panel = task.panel
    if panel.status != PanelStatus.OPEN:
        return "专家论证未开始或已结束，不能再提交。"
    if (now or timezone.now()) > panel.due_at:
        return f"论证截止时间为{timezone.localtime(panel.due_at):%Y-%m-%d %H:%M}，已过期，不能再提交。"
    return None


def has_tasks(panel: Panel, **context) -> str | None:
    if not panel.tasks.exists():
        return "没有可论证的需求或没有可分配的专家，不能发布。"
    return None


t = workflow.transition
MANAGE = "appraisals.manage_panel"
PANEL = workflow.register(
    workflow.Workflow(
        model=Panel,
        event_model=PanelEvent,
        subject="panel",
        transitions={
            "publish": t(
                _("发布论证任务"), {PanelStatus.DRAFT}, PanelStatus.OPEN, MANAGE, guards=[has_tasks]
            ),
            "close": t(_("结束论证"), {PanelStatus.OPEN}, PanelStatus.CLOSED, MANAGE),
        },
        records={"create": _("组织专家论证"), "opinion": _("记录专家组意见")},
        payload_labels={
            "needs": _("需求数"),
            "tasks": _("论证任务数"),
            "shortfall": _("专家不足的需求"),
            "need": _("技术需求"),
            "recommended": _("建议列入榜单"),
        },
    )
)

SCORE = "appraisals.score_task"
TASK = workflow.register(
    workflow.Workflow(
        model=PanelTask,
        event_model=PanelTaskEvent,
        subject="task",
        transitions={
            "submit": t(
                _("提交论证意见"), {TaskStatus.ASSIGNED}, TaskStatus.SUBMITTED, SCORE, guards=[panel_open]
            ),
            "decline": t(
                _("申请回避"), {TaskStatus.ASSIGNED}, TaskStatus.WITHDRAWN, SCORE, reason_required=True
            ),
        },
        payload_labels={
            "importance": _("重要性"),
            "feasibility": _("可行性"),
            "recommend": _("建议列入榜单"),
        },
    )
)
