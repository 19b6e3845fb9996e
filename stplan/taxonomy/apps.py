from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "stplan.taxonomy"
    verbose_name = _("学科领域")
