"""军令状: drawn up on 立项, confirmed by the 首席专家 then the lead unit, fulfilled or
breached at 验收 (or on 终止实施)."""

from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.pledges.models import Pledge, PledgeEvent, PledgeStatus

t = workflow.transition
PLEDGE = workflow.register(
    workflow.Workflow(
        model=Pledge,
        event_model=PledgeEvent,
        subject="pledge",
        transitions={
            "leader_confirm": t(
                _("首席专家确认"),
                {PledgeStatus.AWAITING_LEADER},
                PledgeStatus.AWAITING_UNIT,
                "projects.act_as_leader",
            ),
            "unit_confirm": t(
                _("牵头单位确认"), {PledgeStatus.AWAITING_UNIT}, PledgeStatus.SIGNED, "projects.act_as_unit"
            ),
            # Performed by the 验收 decision or 终止实施, never by hand.
            "fulfil": t(_("履行"), {PledgeStatus.SIGNED}, PledgeStatus.FULFILLED, "projects.manage_project"),
            "breach": t(
                _("未履行"),
                {PledgeStatus.AWAITING_LEADER, PledgeStatus.AWAITING_UNIT, PledgeStatus.SIGNED},
                PledgeStatus.BREACHED,
                "projects.manage_project",
            ),
        },
        records={"draw_up": _("生成军令状")},
        payload_labels={
            "sha256": _("军令状 SHA-256"),
            "unmet": _("未完成的指标"),
            "consequences": _("承担的后果"),
        },
    )
)
