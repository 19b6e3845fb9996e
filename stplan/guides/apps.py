from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "stplan.guides"
    verbose_name = _("申报指南")
