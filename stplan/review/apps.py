from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "stplan.review"
    verbose_name = _("专家评审")

    def ready(self):
        from stplan.review import jobs, predicates, workflow  # noqa: F401  (registers them)
