from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "stplan.applications"
    verbose_name = _("项目申报")

    def ready(self):
        from stplan.applications import jobs, predicates, workflow  # noqa: F401  (registers them)
