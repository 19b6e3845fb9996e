from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "stplan.appraisals"
    verbose_name = _("专家论证")

    def ready(self):
        from stplan.appraisals import predicates, workflow  # noqa: F401  (registers them)
