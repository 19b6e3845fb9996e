from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "stplan.accounts"
    verbose_name = _("单位与账号")

    def ready(self):
        from stplan.accounts import predicates, signals, workflow  # noqa: F401  (registers them)
