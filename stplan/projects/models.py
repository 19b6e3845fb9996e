"""A funded project from 任务书 to 验收: contract, tranches and payments, reports, changes,
acceptance against the committed 考核指标, and credit records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Unit
from stplan.applications.models import Application
from stplan.audit import AppendOnly
from stplan.funding.models import PlanItem
from stplan.guides.models import FUNDING_MODE_CHOICES
from stplan.review.models import Expert
from stplan.workflow import Event


class ProjectStatus(models.TextChoices):
    CONTRACTING = "contracting", _("任务书签订中")
    IN_PROGRESS = "in_progress", _("实施中")
    ACCEPTED = "accepted", _("验收通过")
    CLOSED = "closed", _("结题")
    FAILED = "failed", _("验收不通过")
    TERMINATED = "terminated", _("终止实施")


class Project(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="project")
    plan_item = models.OneToOneField(PlanItem, on_delete=models.PROTECT, related_name="project")
    number = models.CharField(_("立项编号"), max_length=40, unique=True)
    amount = models.PositiveIntegerField(_("资助金额（元）"))
    funding_mode = models.CharField(_("资助方式"), max_length=20, choices=FUNDING_MODE_CHOICES)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.CONTRACTING
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.application.title}"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("待负责人确认")
    CONFIRMED = "confirmed", _("负责人已确认，待单位审核")
    UNIT_APPROVED = "unit_approved", _("单位已审核，待科室审核")
    APPROVED = "approved", _("已签订")


class Contract(models.Model):
    """任务书: generated from the approved 申报书 and the decided amount."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="contract")
    content = models.JSONField(_("任务书内容"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )

    class Meta:
        verbose_name = _("任务书")
        verbose_name_plural = _("任务书")

    def __str__(self) -> str:
        return f"{self.project} 任务书"


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("待拨付条件满足")
    RELEASED = "released", _("可拨付")
    PAID = "paid", _("已拨付")
    CANCELLED = "cancelled", _("已取消")


class Tranche(models.Model):
    """One planned payment; its `condition` says what releases it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tranches")
    sequence = models.PositiveSmallIntegerField(_("批次"))
    condition = models.CharField(
        _("拨付条件"), max_length=30
    )  # signing | report:<year> | acceptance | verification
    planned_amount = models.PositiveIntegerField(_("计划金额（元）"))
    status = models.CharField(
        _("状态"), max_length=20, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    paid_amount = models.PositiveIntegerField(_("实拨金额（元）"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    voucher = models.CharField(_("凭证号"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["project", "sequence"]
        constraints = [models.UniqueConstraint(fields=["project", "sequence"], name="tranche_unique")]

    def __str__(self) -> str:
        return f"{self.project} 第{self.sequence}笔"

    @property
    def condition_label(self) -> str:
        if self.condition.startswith("report:"):
            return f"第{self.condition.split(':')[1]}年度报告通过后"
        return {"signing": "任务书签订后", "acceptance": "验收通过后", "verification": "核验通过后"}.get(
            self.condition, self.condition
        )


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("退回修改")


class ProgressReport(models.Model):
    """年度报告 / 中期检查: progress against each committed indicator."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("项目年度"))
    progress = models.JSONField(_("指标完成情况"), default=dict)
    narrative = models.TextField(_("工作进展"))
    spent = models.PositiveIntegerField(_("累计支出（元）"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["project", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.project} 第{self.year}年度报告"


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("延期")
    LEADER = "leader", _("负责人变更")
    BUDGET = "budget", _("预算调整")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class ChangeRequest(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=20, choices=ChangeKind.choices)
    details = models.JSONField(_("变更内容"), default=dict)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PENDING,
    )
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class AcceptanceStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    PASSED = "passed", _("通过")
    CLOSED = "closed", _("结题")
    FAILED = "failed", _("不通过")


class Acceptance(models.Model):
    """验收: achieved indicators against the committed ones, and the 科室's decision."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="acceptance")
    achieved = models.JSONField(_("指标完成情况"), default=dict)
    total_investment = models.PositiveIntegerField(_("项目总投入（元）"), default=0)
    new_output = models.PositiveIntegerField(_("新增产值（元）"), default=0)
    summary = models.TextField(_("验收总结"))
    status = models.CharField(
        _("验收结论"), max_length=20, choices=AcceptanceStatus.choices, default=AcceptanceStatus.SUBMITTED
    )
    decision_reason = models.TextField(_("结论理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("验收")
        verbose_name_plural = _("验收")

    def __str__(self) -> str:
        return f"{self.project} 验收"


class ProjectFile(models.Model):
    """Evidence for reports and acceptance, checked like application attachments."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="files")
    purpose = models.CharField(_("用途"), max_length=30)
    file = models.FileField(upload_to="projects/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class CreditRecord(AppendOnly):
    """信用记录 of a failed or abandoned project, against the unit and the 负责人."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="credit_records")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="credit_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_records"
    )
    kind = models.CharField(
        _("类型"),
        max_length=20,
        choices=[("failed", _("验收不通过")), ("abandoned", _("终止实施")), ("pledge", _("未履行军令状"))],
    )
    note = models.TextField(_("说明"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()}"


class ProjectEvent(Event):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")

    def __str__(self) -> str:
        return f"{self.project} {self.action}"


class ContractEvent(Event):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("任务书记录")
        verbose_name_plural = _("任务书记录")


class TrancheEvent(Event):
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")


class ReportEvent(Event):
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("年度报告记录")
        verbose_name_plural = _("年度报告记录")


class ChangeEvent(Event):
    change = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("变更申请记录")
        verbose_name_plural = _("变更申请记录")


class AcceptanceEvent(Event):
    acceptance = models.ForeignKey(Acceptance, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("验收记录")
        verbose_name_plural = _("验收记录")


class AwardStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记")
    REVOKED = "revoked", _("已撤销")


class CountyAward(models.Model):
    """奖励性后补助 (方向40): a county's yearly award, its 10万 match and the proof of the
    autonomous-region funds."""

    county = models.CharField(_("县（市、区）"), max_length=50)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.PositiveIntegerField(_("奖励金额（元）"))
    county_match = models.PositiveIntegerField(_("县级配套（元）"))
    region_funds_proof = models.CharField(_("自治区级资金到位证明"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.RECORDED
    )

    class Meta:
        verbose_name = _("县域奖励")
        verbose_name_plural = _("县域奖励")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                condition=models.Q(status="recorded"),
                name="county_award_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"


class AwardEvent(Event):
    award = models.ForeignKey(CountyAward, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("县域奖励记录")
        verbose_name_plural = _("县域奖励记录")


class AcceptancePanelStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("已结束")


class AcceptancePanel(models.Model):
    """验收专家组: experts of the pool who judge the achieved 考核指标 against the committed
    ones before the 科室 records the 验收结论."""

    acceptance = models.ForeignKey(
        Acceptance, on_delete=models.PROTECT, related_name="panels", verbose_name=_("验收")
    )
    due_at = models.DateTimeField(_("评审截止"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AcceptancePanelStatus.choices,
        default=AcceptancePanelStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("组建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验收专家组")
        verbose_name_plural = _("验收专家组")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.acceptance.project} 验收专家组"

    @property
    def project(self) -> Project:
        return self.acceptance.project


class AcceptancePanelEvent(Event):
    panel = models.ForeignKey(AcceptancePanel, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("验收专家组记录")
        verbose_name_plural = _("验收专家组记录")

    def __str__(self) -> str:
        return f"{self.panel} {self.action}"


class IndicatorRating(models.TextChoices):
    MET = "met", _("完成")
    PARTIAL = "partial", _("部分完成")
    UNMET = "unmet", _("未完成")


class AcceptanceOpinion(models.TextChoices):
    PASSED = "passed", _("通过")
    CLOSED = "closed", _("结题")
    FAILED = "failed", _("不通过")


class AcceptanceReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评审")
    SUBMITTED = "submitted", _("已提交")
    WITHDRAWN = "withdrawn", _("已回避")


class AcceptanceReview(models.Model):
    """One expert's 验收评审: a rating of each committed indicator and an overall opinion."""

    panel = models.ForeignKey(AcceptancePanel, on_delete=models.PROTECT, related_name="reviews")
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="acceptance_reviews", verbose_name=_("专家")
    )
    ratings = models.JSONField(_("指标评价"), default=dict)  # metric -> IndicatorRating
    remarks = models.JSONField(_("指标意见"), default=dict)  # metric -> text
    opinion = models.CharField(_("总体意见"), max_length=20, choices=AcceptanceOpinion.choices, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AcceptanceReviewStatus.choices,
        default=AcceptanceReviewStatus.ASSIGNED,
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验收评审")
        verbose_name_plural = _("验收评审")
        ordering = ["panel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="acceptance_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} · {self.panel}"

    @property
    def project(self) -> Project:
        return self.panel.acceptance.project


class AcceptanceReviewEvent(Event):
    review = models.ForeignKey(AcceptanceReview, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("验收评审记录")
        verbose_name_plural = _("验收评审记录")

    def __str__(self) -> str:
        return f"{self.review} {self.action}"


class CertificateKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("验收证书")
    CLOSURE = "closure", _("结题证书")


class AcceptanceCertificate(AppendOnly):
    """验收证书 / 结题证书: laid out once, on first download, and kept as issued with its
    SHA-256, so every later copy is the same file."""

    acceptance = models.OneToOneField(Acceptance, on_delete=models.PROTECT, related_name="certificate")
    kind = models.CharField(_("证书类型"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("证书编号"), max_length=50, unique=True)
    file = models.FileField(upload_to="certificates/%Y/")
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验收证书")
        verbose_name_plural = _("验收证书")

    def __str__(self) -> str:
        return self.number
