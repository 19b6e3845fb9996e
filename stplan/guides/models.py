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
    # The call's dates live in its batches (CallBatch); how long a returned application may
    # take after the deadline is one rule for the whole guide.
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

    @cached_property
    def call_batches(self) -> list["CallBatch"]:
        return list(self.batches.all())

    def _first_batch(self) -> "CallBatch | None":
        return next((b for b in self.call_batches if not b.year_round), None)

    @property
    def opens_at(self):
        """The first batch's opening, as the API has always given the guide's window."""
        return batch.opens_at if (batch := self._first_batch()) else None

    @property
    def closes_at(self):
        return batch.closes_at if (batch := self._first_batch()) else None


class CallBatch(models.Model):
    """A 申报批次: the 方向 it takes and its dates. Reloading the data file adds batches the
    file names and updates their 方向, but never touches dates the bureau set here."""

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="batches", verbose_name=_("申报指南")
    )
    code = models.SlugField(_("标识"), max_length=30)
    name = models.CharField(_("批次名称"), max_length=50)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    direction_numbers = models.JSONField(
        _("所含方向编号"),
        default=list,
        blank=True,
        help_text=_("如 [27]；留空表示没有列入其他批次的全部方向。"),
    )
    year_round = models.BooleanField(_("常年受理"), default=False)
    opens_at = models.DateTimeField(_("申报开始"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("申报截止"), null=True, blank=True, help_text=_("常年受理的批次可不填。")
    )
    interpretation = models.TextField(_("理解与执行口径"), blank=True)

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["guide", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["guide", "code"], name="call_batch_unique_in_guide")]

    def __str__(self) -> str:
        return f"{self.guide.title} {self.name}"

    def takes(self, number: int, named: set[int]) -> bool:
        """Whether this batch takes 方向 `number`; `named` are the 方向 some batch lists."""
        return number in self.direction_numbers if self.direction_numbers else number not in named


class AttachmentTemplateFile(models.Model):
    """The bureau's own file for a template the guide declares, replacing the generated one."""

    guide = models.ForeignKey(
        Guide, on_delete=models.CASCADE, related_name="template_files", verbose_name=_("申报指南")
    )
    code = models.CharField(_("附件代码"), max_length=50)
    file = models.FileField(_("模板文件"), upload_to="guide-templates/")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    class Meta:
        verbose_name = _("附件模板")
        verbose_name_plural = _("附件模板")
        constraints = [
            models.UniqueConstraint(fields=["guide", "code"], name="template_file_unique_in_guide")
        ]

    def __str__(self) -> str:
        return self.code


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
