"""查重 results: pairs of near-duplicate texts an officer decides on, the runs that found them,
and the registry of projects funded elsewhere (自治区/国家 lists) they are compared against."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stplan.applications.models import Application
from stplan.audit import AppendOnly
from stplan.guides.models import Guide
from stplan.workflow import Event


class FundedElsewhere(models.Model):
    """A project funded by another 计划 (自治区、国家), imported from the funder's list."""

    unit_name = models.CharField(_("承担单位"), max_length=200)
    leader_name = models.CharField(_("项目负责人"), max_length=50, blank=True)
    title = models.CharField(_("项目名称"), max_length=200)
    summary = models.TextField(_("项目摘要"), blank=True)
    year = models.PositiveSmallIntegerField(_("立项年度"))
    funder = models.CharField(_("资助来源"), max_length=100)
    amount = models.PositiveBigIntegerField(_("资助金额（元）"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("外部已立项项目")
        verbose_name_plural = _("外部已立项项目")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "year", "title", "unit_name"], name="funded_elsewhere_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.funder}「{self.title}」"

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.summary) if part)


class SanctionSubject(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")


class SanctionEntry(models.Model):
    """A 失信 record from an outside list (信用中国, 自治区科技厅的科研失信行为记录 …), against a
    unit by its 统一社会信用代码 or a person by identity number: the credit_sanction rule
    bars them as it does for the system's own credit records."""

    subject_kind = models.CharField(_("主体类型"), max_length=10, choices=SanctionSubject.choices)
    name = models.CharField(_("名称或姓名"), max_length=200)
    identifier = models.CharField(_("统一社会信用代码或身份证号"), max_length=40)
    sanctioned_on = models.DateField(_("认定日期"))
    until = models.DateField(_("惩戒截止日期"), null=True, blank=True)
    authority = models.CharField(_("认定机关"), max_length=100)
    reason = models.CharField(_("失信行为"), max_length=300)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("外部失信记录")
        verbose_name_plural = _("外部失信记录")
        ordering = ["-sanctioned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "sanctioned_on", "authority"], name="sanction_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.authority} {self.sanctioned_on}）"

    @property
    def shown_identifier(self) -> str:
        """An identity number shows only its last four characters on lists."""
        if self.subject_kind == SanctionSubject.PERSON:
            return "*" * max(len(self.identifier) - 4, 0) + self.identifier[-4:]
        return self.identifier


class PairStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    DISTINCT = "distinct", _("不是重复")
    DUPLICATE = "duplicate", _("重复申报")
    ALLOWED = "allowed", _("重复申报，准予立项")


class SimilarPair(models.Model):
    """An application whose text is near one earlier: another application or a project funded
    elsewhere. `application` is the later one, the one a confirmed duplicate keeps from 立项."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="similar_pairs", verbose_name=_("申报")
    )
    earlier = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later_pairs",
        verbose_name=_("相似的在先申报"),
    )
    registered = models.ForeignKey(
        FundedElsewhere,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name=_("相似的外部已立项项目"),
    )
    similarity = models.FloatField(_("相似度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PairStatus.choices, default=PairStatus.PENDING
    )
    # The texts as compared (the submitted versions named) and where their shared passages are.
    application_version = models.PositiveIntegerField(_("申报版本"))
    earlier_version = models.PositiveIntegerField(_("在先申报版本"), null=True, blank=True)
    application_text = models.TextField(_("申报文本"))
    other_text = models.TextField(_("相似文本"))
    application_spans = models.JSONField(default=list)
    other_spans = models.JSONField(default=list)
    shared = models.JSONField(_("相同段落"), default=list)
    found_at = models.DateTimeField(_("最近一次查重发现时间"))
    # Not found again by the latest run (the texts changed, or the threshold did).
    stale = models.BooleanField(_("最近一次查重未再发现"), default=False)

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        ordering = ["-similarity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(earlier__isnull=False, registered__isnull=True)
                | Q(earlier__isnull=True, registered__isnull=False),
                name="pair_has_one_other",
            ),
            models.UniqueConstraint(
                fields=["application", "earlier"],
                condition=Q(earlier__isnull=False),
                name="pair_unique_earlier",
            ),
            models.UniqueConstraint(
                fields=["application", "registered"],
                condition=Q(registered__isnull=False),
                name="pair_unique_registered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.number} ~ {self.other_label}"

    @property
    def other_label(self) -> str:
        if self.earlier_id:
            return f"{self.earlier.number}「{self.earlier.title}」"
        return str(self.registered)

    @property
    def blocks_funding(self) -> bool:
        return self.status == PairStatus.DUPLICATE


class PairEvent(Event):
    pair = models.ForeignKey(SimilarPair, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("查重处理记录")
        verbose_name_plural = _("查重处理记录")

    def __str__(self) -> str:
        return f"{self.pair} {self.action}"


class ScanRun(AppendOnly):
    """One 查重 of a guide's batch: when, by whom, over how many texts, with what threshold."""

    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    threshold = models.FloatField(_("阈值"))
    texts = models.PositiveIntegerField(_("比对文本数"))
    pairs = models.PositiveIntegerField(_("疑似重复对数"))
    seconds = models.FloatField(_("用时（秒）"))

    class Meta:
        verbose_name = _("查重记录")
        verbose_name_plural = _("查重记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.guide} {self.at:%Y-%m-%d %H:%M}"
