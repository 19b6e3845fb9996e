"""A guide copied into the database, for the admin, the public pages and the later stages
(applications, funding plans) that point at a 方向 by foreign key. The YAML file stays the
source: `services.load_guide` rewrites these rows from it."""

from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.eligibility import guide as guide_data

FUNDING_MODE_CHOICES = [
    ("upfront", _("前资助")),
    ("yearly_tranches", _("分年拨付")),
    ("post_subsidy", _("先实施后补助")),
    ("mixed", _("前资助与后补助结合")),
    ("award", _("奖励")),
]
QUOTA_KIND_CHOICES = [
    ("exact", _("N项")),
    ("at_most", _("不超过N项")),
    ("unlimited", _("不限项")),
    ("unstated", _("未规定")),
    ("per_track", _("按子类")),
]


class Guide(models.Model):
    slug = models.SlugField(_("标识"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    data_sha256 = models.CharField(_("数据文件 SHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)
    # The call window is the bureau's decision, not the guide text's: set in the admin, and
    # never touched by reloading the data file.
    opens_at = models.DateTimeField(_("申报开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("申报截止"), null=True, blank=True)
    revision_days = models.PositiveSmallIntegerField(
        _("退回修改期限（天）"),
        default=7,
        help_text=_("截止后，被退回修改的申报在退回之日起这么多天内仍可重新提交。"),
    )

    class Meta:
        verbose_name = _("申报指南")
        verbose_name_plural = _("申报指南")
        ordering = ["-year", "slug"]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def spec(self) -> guide_data.Guide:
        return guide_data.load_guide_data(self.slug)


class Category(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="categories", verbose_name=_("申报指南")
    )
    programme = models.CharField(_("计划"), max_length=100)
    name = models.CharField(_("类别"), max_length=100)
    max_projects = models.PositiveIntegerField(_("拟支持项数上限"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("类别")
        verbose_name_plural = _("类别")
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "programme", "name"], name="category_unique_in_guide"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} / {self.name}"


class Direction(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="directions", verbose_name=_("申报指南")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="directions", verbose_name=_("类别")
    )
    number = models.PositiveSmallIntegerField(_("方向编号"))
    title = models.CharField(_("方向名称"), max_length=200)
    section = models.CharField(_("科室"), max_length=100)
    section_role = models.CharField(_("科室职责"), max_length=10)
    research_scope = models.TextField(_("研究内容"))
    indicators = models.TextField(_("考核指标"), blank=True)
    requirements = models.TextField(_("申报要求"), blank=True)
    duration_years = models.PositiveSmallIntegerField(_("实施年限（年）"))
    funding_mode = models.CharField(_("资助方式"), max_length=20, choices=FUNDING_MODE_CHOICES)
    quota_kind = models.CharField(_("拟立项数类型"), max_length=20, choices=QUOTA_KIND_CHOICES)
    quota_count = models.PositiveIntegerField(_("拟立项数"), null=True, blank=True)
    amount_kind = models.CharField(_("资助金额类型"), max_length=20)
    amount_max = models.PositiveIntegerField(_("资助金额上限（元）"), null=True, blank=True)
    novelty_exempt = models.BooleanField(_("免查新报告"), default=False)
    accepts_applications = models.BooleanField(_("接受申报"), default=True)
    data = models.JSONField(_("完整数据（规则、考核指标、子类）"))

    class Meta:
        verbose_name = _("方向")
        verbose_name_plural = _("方向")
        ordering = ["guide", "number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="direction_number_unique_in_guide"),
        ]

    def __str__(self) -> str:
        return f"方向{self.number}：{self.title}"

    @cached_property
    def spec(self) -> guide_data.Direction:
        """The 方向 as the eligibility engine reads it, rebuilt from the stored data; a row
        stored before 方向 carried the guide's city takes it from the guide's file."""
        data = self.data if "city" in self.data else {**self.data, "city": self.guide.spec.city}
        return guide_data.Direction.model_validate(data)
