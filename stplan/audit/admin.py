"""The audit trail in the Django admin.

History rows are listed and shown, never added, changed or deleted (`ReadOnlyAdmin`; every
`AppendOnly` model no admin.py registers gets it from `register_append_only`). Workflow
states are moved by the workflows, which write the history, not by the admin
(`WorkflowAdmin`). What an administrator legitimately maintains stays editable: Django
records each such edit in its LogEntry with the administrator's name, and that table is
append-only like the history tables (`stplan.audit.ALSO_APPEND_ONLY`).
"""

from django.contrib import admin
from django.core import checks
from django.db import models

from stplan.audit import ALSO_APPEND_ONLY
from stplan.audit.models import append_only_models, installed_models

MAX_COLUMNS = 8


def _columns(model) -> list[str]:
    """The short fields of a history row, in model order, for its change list."""
    long = (models.JSONField, models.TextField)
    return [f.name for f in model._meta.fields if not isinstance(f, long)][:MAX_COLUMNS]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are evidence: viewable (superusers, or staff given the view permission),
    never added, changed or deleted through the admin."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if tuple(self.list_display) == ("__str__",):
            self.list_display = _columns(model)
        if not self.list_filter and any(f.name == "action" for f in model._meta.fields):
            self.list_filter = ["action"]
        if self.list_select_related is False:
            self.list_select_related = [
                f.name for f in model._meta.fields if f.is_relation and f.name in self.list_display
            ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkflowAdmin(admin.ModelAdmin):
    """For a model whose state its workflow moves and records: the admin may maintain the
    data around the state, not the state. `status` (when the model has one) and every field
    in `readonly_workflow_fields` are read-only, and rows are neither added nor deleted
    here, since the workflow that creates a row also writes its first history row.

    Usable alone or mixed in first: `class XAdmin(WorkflowAdmin, SomeModelAdmin)`."""

    readonly_workflow_fields: tuple[str, ...] = ()

    def workflow_fields(self) -> list[str]:
        names = {f.name for f in self.model._meta.get_fields()}
        return [*(["status"] if "status" in names else []), *self.readonly_workflow_fields]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in self.workflow_fields() if name not in fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names = {f.name for f in self.model._meta.get_fields()}
        label = self.model._meta.label
        for name in self.readonly_workflow_fields:
            if name not in names:
                errors.append(
                    checks.Error(
                        f"readonly_workflow_fields names {name!r}, which is not a field of {label}.",
                        obj=type(self),
                        id="audit.E002",
                    )
                )
        for name in self.workflow_fields():
            if name in self.list_editable:
                errors.append(
                    checks.Error(
                        f"{name!r} of {label} is a workflow field and cannot be in list_editable.",
                        obj=type(self),
                        id="audit.E003",
                    )
                )
        return errors


def register_append_only(site: admin.AdminSite = admin.site) -> None:
    """Register read-only every concrete AppendOnly model, and the admin's own log, that no
    admin.py registered. Registered, they also make the admin refuse, with a message, to
    delete anything whose deletion would cascade into them."""
    for model in [*append_only_models(), *installed_models(ALSO_APPEND_ONLY)]:
        if not site.is_registered(model):
            site.register(model, ReadOnlyAdmin)


def check_history_admins(app_configs=None, site: admin.AdminSite | None = None, **kwargs):
    """An admin.py that registers a history table must do so read-only."""
    site = site or admin.site
    errors = []
    for model in append_only_models():
        if site.is_registered(model):
            model_admin = site.get_model_admin(model)
            if not isinstance(model_admin, ReadOnlyAdmin):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is append-only, but its admin {type(model_admin).__name__} "
                        "is not a stplan.audit.admin.ReadOnlyAdmin.",
                        hint="Subclass ReadOnlyAdmin, or do not register it: stplan.audit registers it read-only.",
                        obj=type(model_admin),
                        id="audit.E001",
                    )
                )
    return errors
