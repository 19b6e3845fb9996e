"""立项's long jobs: optimising a plan again over thousands of ranked applications."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stplan.errors import ServiceError
from stplan.funding import selectors, services
from stplan.jobs import kinds

OPTIMISE = "funding.optimise"


def optimise(job, progress) -> kinds.Outcome:
    # Asked again when the job runs: the plan may have left this officer's hands since.
    plan = selectors.managed_plans(job.owner).filter(pk=job.params.get("plan")).first()
    if plan is None:
        raise ServiceError("该立项方案不存在或不由您办理。")
    progress(0, 1)
    # One transaction: a worker killed while solving leaves the plan as it was.
    plan = services.optimise(plan=plan, actor=job.owner)
    return kinds.Outcome(
        summary=f"已按当前金额和指定重新优化，拟立项{plan.items.filter(selected=True).count()}项。",
        url=reverse("funding:plan", args=[plan.pk]),
    )


kinds.register(OPTIMISE, label=_("立项方案重新优化"), run=optimise)
