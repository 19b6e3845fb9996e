from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "stplan.integrity"
    verbose_name = _("查重")

    def ready(self):
        from stplan.applications.records import provide
        from stplan.integrity import jobs, predicates, selectors, workflow  # noqa: F401  (registers them)

        provide(selectors.imported_sanctions)
