from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "stplan.api"
    verbose_name = _("开放接口")
