from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "stplan.challenges"
    verbose_name = _("揭榜挂帅")

    def ready(self):
        from stplan.challenges import predicates, workflow  # noqa: F401  (registers them)
