from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "stplan.pledges"
    verbose_name = _("军令状")

    def ready(self):
        from stplan import workflow as kernel
        from stplan.funding.models import FundingPlan
        from stplan.pledges import services, workflow  # noqa: F401  (registers them)
        from stplan.projects.models import Acceptance, Contract, Project

        # After the projects app's own hook on the same action (it is installed first): the
        # projects of the plan exist when their 军令状 are drawn up.
        kernel.after(FundingPlan, "finalize", services.draw_up_pledges_of_plan)
        kernel.after(Contract, "approve", services.refuse_unsigned)
        for action in ("pass", "close", "fail"):
            kernel.after(Acceptance, action, services.hold_at_acceptance)
        kernel.after(Project, "terminate", services.breach_on_termination)
