"""Units (申报单位, 推荐单位, the bureau) and the people who act for them.

One role per account: a person who is both 项目负责人 and 单位管理员 holds two accounts,
as the paper process also keeps the two signatures apart.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.eligibility import labels
from stplan.workflow import Event

UNIT_KIND_CHOICES = list(labels.ORGANIZATION_KINDS.items())


class Role(models.TextChoices):
    UNIT_ADMIN = "unit_admin", _("申报单位管理员")
    LEADER = "leader", _("项目负责人")
    RECOMMENDER = "recommender", _("推荐单位")
    OFFICER = "officer", _("科室经办人")
    BUREAU_ADMIN = "bureau_admin", _("局管理员")
    EXPERT = "expert", _("评审专家")


class UnitStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class RecommenderKind(models.TextChoices):
    NONE = "", _("不是推荐单位")
    COUNTY_ST = "county_st", _("县（市、区）科技主管部门")
    DEPARTMENT = "department", _("其他推荐部门")


class UnitQuerySet(models.QuerySet):
    def registered(self) -> "UnitQuerySet":
        """Units leaving out registrations whose e-mail link was never opened: such a unit has
        no history yet and only its inactive first administrator."""
        unconfirmed = Unit.objects.filter(events__isnull=True, people__is_active=False)
        return self.exclude(pk__in=unconfirmed.values("pk"))


class Unit(models.Model):
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("单位性质"), max_length=20, choices=UNIT_KIND_CHOICES)
    province = models.CharField(_("省（自治区）"), max_length=50, default="广西壮族自治区")
    city = models.CharField(_("市"), max_length=50, default="桂林市")
    county = models.CharField(_("县（市、区）"), max_length=50, blank=True)
    address = models.CharField(_("详细地址"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"))
    qualifications = models.JSONField(_("资质"), default=list, blank=True)
    recommender_kind = models.CharField(
        _("推荐单位类型"), max_length=20, choices=RecommenderKind.choices, default="", blank=True
    )
    status = models.CharField(_("注册状态"), max_length=20, choices=UnitStatus.choices, default="pending")
    review_reason = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def in_city(self, city: str) -> bool:
        """Whether the unit is registered in `city` (a guide's `city`, e.g. 桂林市)."""
        return self.city.strip() == city.strip()

    @property
    def is_approved(self) -> bool:
        return self.status == UnitStatus.APPROVED

    @property
    def qualification_labels(self) -> list[str]:
        return [str(labels.QUALIFICATIONS.get(code, code)) for code in self.qualifications]


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="people", verbose_name=_("单位")
    )
    # The 科室 an officer works in; it decides which 方向 the officer manages.
    section = models.CharField(_("科室"), max_length=100, blank=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_bureau(self) -> bool:
        return self.role in (Role.OFFICER, Role.BUREAU_ADMIN)


class UnitEvent(Event):
    """注册审核 and every change to a unit's record, written by the workflow kernel."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events", verbose_name=_("单位"))

    class Meta(Event.Meta):
        verbose_name = _("单位记录")
        verbose_name_plural = _("单位记录")

    def __str__(self) -> str:
        return f"{self.unit} {self.action}"


class UnitChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class UnitChange(models.Model):
    """A change an approved unit asks for in what its eligibility rests on (name, kind,
    county, 资质): it takes effect only when the bureau approves it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="changes", verbose_name=_("单位"))
    # {field: {"before": value, "after": value}}
    changes = models.JSONField(_("变更内容"))
    status = models.CharField(
        _("状态"), max_length=20, choices=UnitChangeStatus.choices, default=UnitChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("单位信息变更")
        verbose_name_plural = _("单位信息变更")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} 信息变更"


class UnitChangeEvent(Event):
    change = models.ForeignKey(UnitChange, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("单位信息变更记录")
        verbose_name_plural = _("单位信息变更记录")


class Invitation(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("单位")
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    email = models.EmailField(_("邮箱"))
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("邀请人"))
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    accepted_by = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
        verbose_name=_("接受人"),
    )

    class Meta:
        verbose_name = _("账号邀请")
        verbose_name_plural = _("账号邀请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"


class QualificationProof(models.Model):
    """A file a unit gives as proof of the 资质 it claims (证书, 认定文件), read by the bureau
    at 注册审核."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="proofs", verbose_name=_("单位"))
    file = models.FileField(_("文件"), upload_to="qualification-proofs/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资质证明")
        verbose_name_plural = _("资质证明")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
