"""军令状: the winning 揭榜 team's commitment to its 榜单 item's indicators, with the
consequences of missing them, confirmed by the 首席专家 and the lead unit and held
against the project at 验收."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.challenges.models import ChallengeItem
from stplan.projects.models import Project
from stplan.workflow import Event


class PledgeStatus(models.TextChoices):
    AWAITING_LEADER = "awaiting_leader", _("待首席专家确认")
    AWAITING_UNIT = "awaiting_unit", _("待牵头单位确认")
    SIGNED = "signed", _("已签订")
    FULFILLED = "fulfilled", _("已履行")
    BREACHED = "breached", _("未履行")


class Pledge(models.Model):
    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="pledge", verbose_name=_("项目")
    )
    item = models.ForeignKey(
        ChallengeItem, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("榜单项目")
    )
    # What is signed, frozen when drawn up: the item, its indicators beside the 揭榜方案's
    # commitments, the plan and the consequences (see services.pledge_content).
    content = models.JSONField(_("军令状内容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.AWAITING_LEADER
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("军令状")
        verbose_name_plural = _("军令状")

    def __str__(self) -> str:
        return f"{self.project} 军令状"


class PledgeEvent(Event):
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("军令状记录")
        verbose_name_plural = _("军令状记录")

    def __str__(self) -> str:
        return f"{self.pledge} {self.action}"
