from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "stplan.jobs"
    verbose_name = _("后台任务")

    def ready(self):
        from stplan.jobs import workflow  # noqa: F401  (registers it)
