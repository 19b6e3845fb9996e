"""申报书 and what happens to it up to 形式审查.

`Application.form` keeps exactly what the applicant typed (every field, valid or not), so
that nothing is lost to a failed validation; the eligibility facts are derived from it.
A submission freezes `ApplicationVersion`; `ApplicationEvent` is the append-only audit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Unit
from stplan.audit import AppendOnly
from stplan.challenges.models import ChallengeItem
from stplan.eligibility import labels
from stplan.guides.models import Direction, Guide
from stplan.workflow import Event, workflow_of


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待单位审核")
    UNIT_APPROVED = "unit_approved", _("单位已审核，待推荐")
    RECOMMENDED = "recommended", _("已推荐，待形式审查")
    PASSED = "passed", _("形式审查通过")
    FUNDED = "funded", _("已立项")
    REJECTED = "rejected", _("形式审查不通过")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")


class Application(models.Model):
    guide = models.ForeignKey(
        Guide, on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报指南")
    )
    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="applications", verbose_name=_("方向")
    )
    number = models.CharField(_("申报编号"), max_length=40, unique=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_applications", verbose_name=_("牵头单位")
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("项目负责人"),
    )
    recommender = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_applications",
        verbose_name=_("推荐单位"),
    )
    title = models.CharField(_("项目名称"), max_length=200, blank=True)
    # 揭榜挂帅: the 榜单 item the application answers, as its 揭榜方案 names it.
    challenge_item = models.ForeignKey(
        ChallengeItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("所揭榜单项目"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    form = models.JSONField(_("申报书填报内容"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("已提交版本数"), default=0)
    # The 市财政 funds the last submitted version asks for, kept beside it so statistics can
    # sum it in the database (the version's snapshot is JSON).
    requested_amount = models.PositiveIntegerField(_("申请市财政资助（元）"), default=0)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        ordering = ["-updated_at", "-pk"]
        # One for each filter the desk and the lists offer: status alone (workspaces), the
        # desk's per-方向 queue in submission order, a unit's own list.
        indexes = [
            models.Index(fields=["status"], name="application_status"),
            models.Index(fields=["direction", "status", "first_submitted_at"], name="application_desk"),
            models.Index(fields=["lead_unit", "status"], name="application_unit_status"),
            models.Index(fields=["first_submitted_at"], name="application_first_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class ApplicationVersion(AppendOnly):
    """The 申报书 as submitted: readable forever, identified by the SHA-256 of its JSON."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    snapshot = models.JSONField(_("申报书"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The guide data (`Guide.data_sha256`) the version was checked against at submission;
    # empty for versions submitted before it was recorded.
    guide_sha256 = models.CharField(_("审查所依据的指南数据 SHA-256"), max_length=64, blank=True, default="")
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("申报书版本")
        verbose_name_plural = _("申报书版本")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.application} 第{self.number}版"


ATTACHMENT_CHOICES = [*labels.ATTACHMENTS.items(), ("other", _("其他附件"))]


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    code = models.CharField(_("附件类型"), max_length=40, choices=ATTACHMENT_CHOICES)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Removed files stay stored: an earlier submitted version may list them.
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(Event):
    """One row per change of an application, written by the workflow kernel."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta(Event.Meta):
        verbose_name = _("申报操作记录")
        verbose_name_plural = _("申报操作记录")

    def __str__(self) -> str:
        return f"{self.application} {self.action}"

    @property
    def action_label(self) -> str:
        return workflow_of(Application).label_of(self.action)


class FindingOverride(models.Model):
    """An officer's written decision to set aside one automatic error at 形式审查."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="overrides")
    version = models.PositiveIntegerField(_("版本"))
    rule = models.CharField(_("规则"), max_length=50)
    clause = models.CharField(_("条款"), max_length=100)
    message = models.TextField(_("自动审查意见"))
    reason = models.TextField(_("不予采纳的理由"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自动审查意见的人工处理")
        verbose_name_plural = _("自动审查意见的人工处理")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.clause}"


class LimitSlot(models.Model):
    """One place under a 限报N项 limit, held by a submitted application.

    The unique constraint is what makes two racing submissions for the last place end with
    one winner on any database: the second insert of the same slot fails.
    """

    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="+")
    direction_number = models.PositiveSmallIntegerField()
    rule_kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    slot = models.PositiveSmallIntegerField()
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="limit_slots")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "direction_number", "rule_kind", "key", "slot"], name="limit_slot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_kind} {self.key} #{self.slot}"
