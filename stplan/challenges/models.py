"""揭榜挂帅: the enterprises' technology needs (需求征集), the 榜单 made of them and its
published versions.

A 方向 runs this way when its guide data has a `challenge` section; nothing here names a
方向. An application answers a `ChallengeItem` (see `stplan.applications`); the 军令状 of
the winner lives with the project (`stplan.pledges`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Unit
from stplan.audit import AppendOnly
from stplan.guides.models import Direction
from stplan.workflow import Event


def in_guide_order(targets: dict[str, int], metrics: dict) -> list[tuple[str, int]]:
    """Indicators in the order the guide lists its metrics: PostgreSQL's jsonb keeps no key order."""
    return [(code, targets[code]) for code in metrics if code in targets]


class NeedCall(models.Model):
    """需求征集: which 优势产业's enterprises are asked for needs of a 方向, and when."""

    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="need_calls", verbose_name=_("方向")
    )
    industry = models.CharField(_("优势产业"), max_length=100)
    opens_at = models.DateTimeField(_("征集开始"))
    closes_at = models.DateTimeField(_("征集截止"))
    notice = models.TextField(_("征集说明"), blank=True)

    class Meta:
        verbose_name = _("技术需求征集")
        verbose_name_plural = _("技术需求征集")
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.direction} {self.industry}技术需求征集"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now <= self.closes_at


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待科室审核")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已采纳，待专家论证")
    MERGED = "merged", _("已合并到其他需求")
    DECLINED = "declined", _("不予采纳")
    LISTED = "listed", _("已列入榜单")
    WITHDRAWN = "withdrawn", _("已撤回")


class Need(models.Model):
    """A technology need an enterprise puts to the bureau: a problem industry asks science to solve."""

    call = models.ForeignKey(
        NeedCall, on_delete=models.PROTECT, related_name="needs", verbose_name=_("需求征集")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="needs", verbose_name=_("提出单位"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    title = models.CharField(_("需求名称"), max_length=200)
    segment = models.CharField(_("细分领域"), max_length=100)
    problem = models.TextField(_("需解决的技术难题"))
    bottleneck = models.TextField(_("“卡脖子”环节"))
    # {metric code of the guide: the number wanted}
    targets = models.JSONField(_("目标指标"), default=dict, blank=True)
    target_text = models.TextField(_("目标指标说明"), blank=True)
    commitment = models.PositiveBigIntegerField(_("企业承诺投入（元）"))
    deadline = models.DateField(_("需求解决期限"))
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_needs",
        verbose_name=_("合并到"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def direction(self) -> Direction:
        return self.call.direction


class NeedEvent(Event):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("技术需求记录")
        verbose_name_plural = _("技术需求记录")

    def __str__(self) -> str:
        return f"{self.need} {self.action}"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤榜")


class ChallengeItem(models.Model):
    """榜单项目: a need, argued by experts, with its final indicators, funding cap and 揭榜 period."""

    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="challenge_items", verbose_name=_("方向")
    )
    need = models.OneToOneField(
        Need, on_delete=models.PROTECT, related_name="item", verbose_name=_("来源需求")
    )
    code = models.CharField(_("榜单编号"), max_length=30, unique=True)
    title = models.CharField(_("榜单名称"), max_length=200)
    problem = models.TextField(_("需解决的技术难题"))
    # {metric code of the guide: the least a 揭榜方案 must commit to}
    targets = models.JSONField(_("考核指标"), default=dict)
    target_text = models.TextField(_("考核指标说明"), blank=True)
    amount_max = models.PositiveBigIntegerField(_("资助上限（元）"))
    winners = models.PositiveSmallIntegerField(_("拟支持揭榜团队数"), default=1)
    opens_at = models.DateTimeField(_("揭榜开始"))
    closes_at = models.DateTimeField(_("揭榜截止"))
    status = models.CharField(_("状态"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("榜单项目")
        verbose_name_plural = _("榜单项目")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ItemStatus.PUBLISHED and self.opens_at <= now <= self.closes_at


class ChallengeItemEvent(Event):
    item = models.ForeignKey(ChallengeItem, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("榜单项目记录")
        verbose_name_plural = _("榜单项目记录")

    def __str__(self) -> str:
        return f"{self.item} {self.action}"


class ListVersion(AppendOnly):
    """One published state of a 方向's 榜单, with what changed since the version before."""

    direction = models.ForeignKey(
        Direction, on_delete=models.PROTECT, related_name="challenge_list_versions", verbose_name=_("方向")
    )
    number = models.PositiveIntegerField(_("版本"))
    # [{code, title, problem, targets: [{metric, label, unit, min}], target_text, amount_max, winners, opens_at, closes_at}]
    items = models.JSONField(_("榜单内容"))
    # ["新增：…", "修改：…", "撤榜：…"]
    changes = models.JSONField(_("变更内容"), default=list)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )

    class Meta:
        verbose_name = _("榜单版本")
        verbose_name_plural = _("榜单版本")
        ordering = ["direction", "number"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "number"], name="challenge_list_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} 榜单第{self.number}版"
