from django.apps import AppConfig
from django.core import checks
from django.db import connections
from django.db.models.signals import post_migrate, pre_delete
from django.utils.translation import gettext_lazy as _


def install_triggers(sender, using, verbosity=1, stdout=None, **kwargs):
    """post_migrate: (re)install the audit triggers on the database just migrated."""
    from stplan.audit import triggers

    installed = triggers.install(connections[using])
    if verbosity >= 2 and stdout is not None:
        stdout.write(f"  Installed {len(installed)} audit triggers.\n")


class AuditConfig(AppConfig):
    name = "stplan.audit"
    label = "audit"
    verbose_name = _("操作记录")

    def ready(self):
        from django.apps import apps

        from stplan.audit.models import append_only_models, check_append_only_managers, refuse_cascade_delete

        checks.register(check_append_only_managers, checks.Tags.models)
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="stplan.audit.install_triggers")
        for model in append_only_models():
            # A receiver also keeps the collector from fast-deleting these rows unseen.
            pre_delete.connect(
                refuse_cascade_delete, sender=model, dispatch_uid=f"stplan.audit.{model._meta.label}"
            )
        if apps.is_installed("django.contrib.admin"):
            # Runs after the admin's autodiscovery (django.contrib.admin comes first in
            # INSTALLED_APPS): only the history tables no admin.py registered are left.
            from stplan.audit.admin import check_history_admins, register_append_only

            register_append_only()
            checks.register(check_history_admins, checks.Tags.admin)
