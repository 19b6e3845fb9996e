"""The audit trail's one rule, shared by every app's history table: a row is written once
and never changed or deleted.

`AppendOnly` keeps the rule in Python, where it can say why in words: an instance cannot be
saved twice or deleted, and its queryset refuses `update()`, `delete()` and `bulk_update()`.
A receiver of `pre_delete` (connected for every concrete subclass in `AuditConfig.ready`)
stops Django's cascade collector, which deletes through neither. The database keeps it
for everything else — raw SQL, another program, a migration — with the triggers of
`stplan.audit.triggers`, installed after every `migrate`.
"""

from django.apps import apps
from django.core import checks
from django.db import models


class HistoryIsAppendOnly(ValueError):
    """A history row was about to be changed or deleted."""


def _refuse_change(model) -> HistoryIsAppendOnly:
    return HistoryIsAppendOnly(f"{model._meta.verbose_name}不可修改")


def _refuse_delete(model) -> HistoryIsAppendOnly:
    return HistoryIsAppendOnly(f"{model._meta.verbose_name}不可删除")


class AppendOnlyQuerySet(models.QuerySet):
    """Reads and inserts as usual; every bulk way of changing or deleting rows refuses."""

    def update(self, **kwargs):
        raise _refuse_change(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise _refuse_change(self.model)

    def bulk_create(
        self,
        objs,
        batch_size=None,
        ignore_conflicts=False,
        update_conflicts=False,
        update_fields=None,
        unique_fields=None,
    ):
        if update_conflicts:  # INSERT … ON CONFLICT DO UPDATE rewrites the existing row
            raise _refuse_change(self.model)
        return super().bulk_create(
            objs,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )

    def delete(self):
        raise _refuse_delete(self.model)

    def _raw_delete(self, using):
        raise _refuse_delete(self.model)


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse_change(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse_delete(type(self))


def refuse_cascade_delete(sender, instance, **kwargs):
    """`pre_delete` receiver: the collector of a cascading delete reached a history row."""
    raise _refuse_delete(sender)


def append_only_models() -> list[type[models.Model]]:
    """Every concrete model with a table of its own that inherits `AppendOnly`, from the app
    registry: a history table added later is covered without a line of its own."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AppendOnly) and not model._meta.proxy and not model._meta.swapped
    ]


def installed_models(labels) -> list[type[models.Model]]:
    """The models of `labels` ("app_label.ModelName") whose apps are installed."""
    found = []
    for label in labels:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue
    return found


def check_append_only_managers(app_configs=None, **kwargs):
    """A history model's own manager must keep the queryset guards."""
    return [
        checks.Error(
            f"Manager {manager.name!r} of the append-only {model._meta.label} does not return an "
            "AppendOnlyQuerySet, so its update() and delete() would go through.",
            hint="Build it with AppendOnlyQuerySet.as_manager() or Manager.from_queryset(AppendOnlyQuerySet).",
            obj=model,
            id="audit.E004",
        )
        for model in append_only_models()
        for manager in model._meta.managers
        if not isinstance(manager.get_queryset(), AppendOnlyQuerySet)
    ]
