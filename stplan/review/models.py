"""专家评审: the expert pool, conflicts of interest, review rounds, assignments and scores."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Unit
from stplan.applications.models import Application
from stplan.audit import AppendOnly
from stplan.guides.models import Direction, Guide
from stplan.taxonomy.models import FieldOfStudy
from stplan.workflow import Event


class Expert(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    unit_name = models.CharField(_("工作单位"), max_length=200)
    unit_credit_code = models.CharField(_("单位统一社会信用代码"), max_length=18, blank=True)
    county = models.CharField(_("单位所在县（市、区）"), max_length=50, blank=True)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    fields = models.ManyToManyField(
        FieldOfStudy, blank=True, related_name="experts", verbose_name=_("学科领域")
    )
    keywords = models.CharField(_("关键词"), max_length=300, blank=True)
    profile = models.TextField(_("个人简介"), blank=True)
    past_work = models.TextField(_("代表性项目和论文（每行一个题目）"), blank=True)
    available = models.BooleanField(_("可参加评审"), default=True)
    load_cap = models.PositiveSmallIntegerField(_("每轮最多评审项数"), default=15)
    enabled = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.user.full_name or self.user.username}（{self.unit_name}）"

    @property
    def name(self) -> str:
        return self.user.full_name or self.user.username

    @property
    def unit(self) -> Unit | None:
        return (
            Unit.objects.filter(credit_code=self.unit_credit_code).first() if self.unit_credit_code else None
        )


class ExpertEvent(AppendOnly):
    """Every change to an expert's record; written once, never changed."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=30)
    changes = models.JSONField(_("变更"), default=dict)

    class Meta:
        verbose_name = _("专家变更记录")
        verbose_name_plural = _("专家变更记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.expert} {self.action}"


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("亲属关系")
    TEACHER_STUDENT = "teacher_student", _("师生关系")
    COLLABORATOR = "collaborator", _("近期合作者")
    OTHER = "other", _("其他利益关系")


class DeclaredConflict(models.Model):
    """A conflict the expert or the bureau declared; hard, like the automatic ones."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="declared_conflicts")
    kind = models.CharField(_("回避原因"), max_length=20, choices=ConflictKind.choices)
    reason = models.TextField(_("说明"))
    declared_on = models.DateField(_("声明日期"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.expert} ↔ {self.application}"


class ScoreSheet(models.Model):
    """评分表: weighted criteria as data; the most specific sheet for a 方向 applies."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="score_sheets")
    name = models.CharField(_("名称"), max_length=100)
    programme = models.CharField(_("适用计划（空为全部）"), max_length=100, blank=True)
    direction_numbers = models.JSONField(_("适用方向编号（空为全部）"), default=list, blank=True)
    # [{"code": "innovation", "label": "创新性", "max": 25}, …]: a criterion's weight is its maximum.
    criteria = models.JSONField(_("评分项"))

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return self.name

    @property
    def total_max(self) -> int:
        return sum(c["max"] for c in self.criteria)


class Aggregation(models.TextChoices):
    TRIMMED_MEAN = "trimmed_mean", _("去掉最高分和最低分后的平均分（不少于5份时）")
    MEAN = "mean", _("平均分")
    MEDIAN = "median", _("中位数")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    PUBLISHED = "published", _("评审中")
    CLOSED = "closed", _("已结束")


class ReviewRound(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="review_rounds")
    name = models.CharField(_("名称"), max_length=100)
    directions = models.ManyToManyField(Direction, related_name="review_rounds", verbose_name=_("方向"))
    experts_per_application = models.PositiveSmallIntegerField(_("每项评审专家数"), default=5)
    # {"25": 3}: a 方向 that needs another number of experts.
    experts_per_direction = models.JSONField(_("按方向的专家数"), default=dict, blank=True)
    require_outside_county = models.BooleanField(
        _("至少一名专家来自申报单位所在县（市、区）以外"), default=True
    )
    max_experts_per_unit = models.PositiveSmallIntegerField(
        _("同一单位的专家评同一项目的上限"), null=True, blank=True, default=2
    )
    field_bonus = models.FloatField(_("学科领域相同的加分"), default=0.2)
    show_scores_after_submit = models.BooleanField(_("专家提交后可看其他专家的评分"), default=False)
    hide_applicant_identity = models.BooleanField(_("对专家隐藏申报单位和负责人信息"), default=False)
    aggregation = models.CharField(
        _("汇总方法"), max_length=20, choices=Aggregation.choices, default=Aggregation.TRIMMED_MEAN
    )
    disagreement_threshold = models.FloatField(_("分歧提示阈值（标准差）"), default=10.0)
    due_at = models.DateTimeField(_("评审截止时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    solver_report = models.JSONField(_("分配结果说明"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审批次")
        verbose_name_plural = _("评审批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def experts_needed(self, direction_number: int) -> int:
        return int(self.experts_per_direction.get(str(direction_number), self.experts_per_application))


class RoundEvent(Event):
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("评审批次记录")
        verbose_name_plural = _("评审批次记录")

    def __str__(self) -> str:
        return f"{self.review_round} {self.action}"


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("指定")
    FORBID = "forbid", _("排除")


class PairRule(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="pair_rules")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PairRuleKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "expert"], name="pair_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.expert} → {self.application}"


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟分配")
    PUBLISHED = "published", _("已发布，待专家确认")
    CONFIRMED = "confirmed", _("已确认无利益冲突")
    SUBMITTED = "submitted", _("已提交评审意见")
    WITHDRAWN = "withdrawn", _("已回避")


class Assignment(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    affinity = models.FloatField(_("匹配度"))
    status = models.CharField(_("状态"), max_length=20, choices=AssignmentStatus.choices, default="proposed")
    pledged_at = models.DateTimeField(_("签署保密承诺时间"), null=True, blank=True)
    # An officer's explicit extension of this one task beyond the round's due date.
    due_at = models.DateTimeField(_("延长后的截止时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["application_id", "-affinity"]
        constraints = [
            models.UniqueConstraint(fields=["round", "application", "expert"], name="assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"

    @property
    def effective_due_at(self):
        return self.due_at or self.round.due_at


class AssignmentEvent(Event):
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("评审分配记录")
        verbose_name_plural = _("评审分配记录")

    def __str__(self) -> str:
        return f"{self.assignment} {self.action}"


class Recommendation(models.TextChoices):
    FUND = "fund", _("建议资助")
    MAY_FUND = "may_fund", _("可资助")
    DO_NOT_FUND = "do_not_fund", _("不建议资助")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REVOKED = "revoked", _("已作废（回避）")


class Review(models.Model):
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="+")
    scores = models.JSONField(_("各项得分"), default=dict)
    comments = models.JSONField(_("各项意见"), default=dict)
    overall_comment = models.TextField(_("综合意见"), blank=True)
    recommendation = models.CharField(
        _("推荐意见"), max_length=20, choices=Recommendation.choices, blank=True
    )
    total = models.PositiveSmallIntegerField(_("总分"), null=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审意见")
        verbose_name_plural = _("评审意见")

    def __str__(self) -> str:
        return f"{self.assignment}：{self.total}"


class ReviewEvent(Event):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("评审意见记录")
        verbose_name_plural = _("评审意见记录")

    def __str__(self) -> str:
        return f"{self.review} {self.action}"
