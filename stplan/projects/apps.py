from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "stplan.projects"
    verbose_name = _("项目管理")

    def ready(self):
        from stplan import workflow as kernel
        from stplan.applications.records import provide
        from stplan.funding.models import FundingPlan
        from stplan.projects import predicates, selectors, services, workflow  # noqa: F401  (registers them)

        kernel.after(FundingPlan, "finalize", services.create_projects_of_plan)
        provide(selectors.eligibility_records)
