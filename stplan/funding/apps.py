from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "stplan.funding"
    verbose_name = _("立项")

    def ready(self):
        from stplan.funding import jobs, predicates, workflow  # noqa: F401  (registers them)
