"""立项: funding plans built from the ranking, 公示 and objections, final decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.applications.models import Application
from stplan.guides.models import CallBatch, Guide
from stplan.review.models import ReviewRound
from stplan.workflow import Event


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PUBLICIZED = "publicized", _("公示中")
    FINAL = "final", _("已立项")


class FundingPlan(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="funding_plans")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="funding_plans")
    # The 申报批次 this plan funds: one plan per batch can be final (第一批, 第二批, and a
    # 常年受理 方向 such as 27 batch by batch); None only for plans made before batches.
    batch = models.ForeignKey(
        CallBatch,
        on_delete=models.PROTECT,
        null=True,
        related_name="funding_plans",
        verbose_name=_("申报批次"),
    )
    name = models.CharField(_("方案名称"), max_length=100)
    objective = models.CharField(
        _("优化目标"),
        max_length=20,
        choices=[("score", _("总分最高")), ("score_amount", _("得分加权的资助金额最高"))],
        default="score",
    )
    total_budget = models.PositiveBigIntegerField(_("总预算（元）"))
    # {"高新技术科": 3000000}: optional budgets per 科室.
    section_budgets = models.JSONField(_("科室预算（元）"), default=dict, blank=True)
    min_score = models.FloatField(_("立项分数线"), default=60)
    status = models.CharField(_("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    publicity_starts = models.DateTimeField(_("公示开始"), null=True, blank=True)
    publicity_ends = models.DateTimeField(_("公示结束"), null=True, blank=True)
    # Where the public sends objections during 公示 (the deadline is publicity_ends).
    objection_office = models.CharField(_("异议受理部门及联系人"), max_length=100, blank=True)
    objection_phone = models.CharField(_("异议受理电话"), max_length=50, blank=True)
    objection_email = models.EmailField(_("异议受理邮箱"), blank=True)
    objection_address = models.CharField(_("异议受理地址"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("立项方案")
        verbose_name_plural = _("立项方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class PlanItem(models.Model):
    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="plan_items")
    score = models.FloatField(_("评审得分"), null=True)
    fundable_max = models.PositiveIntegerField(_("可资助上限（元）"))
    amount = models.PositiveIntegerField(_("拟资助金额（元）"))
    # The officer's own pick: in, out, or left to the optimiser.
    forced = models.BooleanField(_("经办人指定"), null=True, blank=True)
    selected = models.BooleanField(_("拟立项"), default=False)
    reasons = models.JSONField(_("未入选原因"), default=list, blank=True)

    class Meta:
        ordering = ["application__direction__number", "-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "application"], name="plan_item_unique")]

    def __str__(self) -> str:
        return f"{self.plan} / {self.application}"


class PlanEvent(Event):
    """Every change to a plan; an item's change names its application."""

    plan = models.ForeignKey(FundingPlan, on_delete=models.PROTECT, related_name="events")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(Event.Meta):
        verbose_name = _("立项方案记录")
        verbose_name_plural = _("立项方案记录")

    def __str__(self) -> str:
        return f"{self.plan} {self.action}"


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("待处理")
    HANDLED = "handled", _("已处理")


class Objection(models.Model):
    """异议 received during 公示, and how the bureau handled it."""

    plan = models.ForeignKey(FundingPlan, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("异议人"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    content = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED
    )
    handling = models.TextField(_("处理意见"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.name}：{self.content[:20]}"


class ObjectionEvent(Event):
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("异议处理记录")
        verbose_name_plural = _("异议处理记录")

    def __str__(self) -> str:
        return f"{self.objection} {self.action}"
