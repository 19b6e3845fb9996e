"""专家论证 of technology needs: a panel of the expert pool scores each accepted need's
importance and feasibility before it becomes a 榜单 item; the 科室 records the panel's
recommendation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.challenges.models import Need, NeedCall
from stplan.review.models import Expert
from stplan.workflow import Event

MAX_POINTS = 100


class PanelStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    OPEN = "open", _("论证中")
    CLOSED = "closed", _("已结束")


class Panel(models.Model):
    call = models.ForeignKey(
        NeedCall, on_delete=models.PROTECT, related_name="panels", verbose_name=_("需求征集")
    )
    name = models.CharField(_("名称"), max_length=100)
    experts_per_need = models.PositiveSmallIntegerField(_("每项需求的论证专家数"), default=3)
    due_at = models.DateTimeField(_("论证截止"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PanelStatus.choices, default=PanelStatus.DRAFT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专家论证")
        verbose_name_plural = _("专家论证")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def direction(self):
        return self.call.direction


class PanelEvent(Event):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("专家论证记录")
        verbose_name_plural = _("专家论证记录")

    def __str__(self) -> str:
        return f"{self.panel} {self.action}"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待论证")
    SUBMITTED = "submitted", _("已提交")
    WITHDRAWN = "withdrawn", _("已回避")


class PanelTask(models.Model):
    """One expert's 论证 of one need."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="tasks")
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, related_name="panel_tasks", verbose_name=_("技术需求")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="panel_tasks", verbose_name=_("专家")
    )
    importance = models.PositiveSmallIntegerField(_("重要性（0-100分）"), null=True, blank=True)
    feasibility = models.PositiveSmallIntegerField(_("可行性（0-100分）"), null=True, blank=True)
    comment = models.TextField(_("论证意见"), blank=True)
    recommend = models.BooleanField(_("建议列入榜单"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("论证任务")
        verbose_name_plural = _("论证任务")
        ordering = ["need", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "need", "expert"], name="panel_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.need}"


class PanelTaskEvent(Event):
    task = models.ForeignKey(PanelTask, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("论证任务记录")
        verbose_name_plural = _("论证任务记录")

    def __str__(self) -> str:
        return f"{self.task} {self.action}"


class PanelOpinion(models.Model):
    """The panel's recommendation on a need, as the 科室 records it."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="opinions")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="panel_opinions")
    recommended = models.BooleanField(_("专家组建议列入榜单"))
    opinion = models.TextField(_("专家组意见"))
    importance = models.FloatField(_("重要性平均分"), null=True)
    feasibility = models.FloatField(_("可行性平均分"), null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("专家组意见")
        verbose_name_plural = _("专家组意见")
        constraints = [models.UniqueConstraint(fields=["panel", "need"], name="panel_opinion_unique")]

    def __str__(self) -> str:
        return f"{self.panel} · {self.need}"
