"""The one way a status changes, for every stateful entity of stplan.

Each app declares its entities' transitions in `<app>/workflow.py`, one `Workflow` per
model; `perform()` is the only code that assigns a status. It locks the row, asks the
actor's permission, checks the source status, the reason and the guards, writes a typed
event row in the same transaction and leaves notifications to run on commit (see
`notifications.notify`). `record()` writes the same kind of row for a change that moves no
status (an edit, an upload), so every write a user makes leaves one history.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stplan.audit import AppendOnly
from stplan.errors import ServiceError

# A guard returns the Chinese message that refuses the transition, or None to let it pass.
Guard = Callable[..., str | None]


class Event(AppendOnly):
    """Who did what to one object, when and why: the shape of every history table."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("操作"), max_length=40)
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def workflow(self) -> "Workflow":
        return next(w for w in WORKFLOWS.values() if w.event_model is type(self))

    @property
    def action_label(self) -> str:
        return self.workflow.label_of(self.action)

    @property
    def from_label(self) -> str:
        return self.workflow.status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self.workflow.status_label(self.to_status)

    @property
    def moved(self) -> bool:
        return self.from_status != self.to_status

    @property
    def details(self) -> list[tuple[str, str]]:
        """The payload as a reader sees it: labelled, money with thousands separators."""
        labels = self.workflow.payload_labels
        return [(str(labels.get(k, k)), _readable(v)) for k, v in self.payload.items() if k in labels]


@dataclass(frozen=True)
class Transition:
    label: str | Promise
    sources: frozenset[str]
    target: str
    # A django-rules permission asked of (actor, object); None: anyone, even anonymous.
    permission: str | None
    reason_required: bool = False
    guards: tuple[Guard, ...] = ()


def transition(label, sources, target, permission, *, reason_required=False, guards=()) -> Transition:
    return Transition(label, frozenset(sources), target, permission, reason_required, tuple(guards))


@dataclass
class Workflow:
    model: type[models.Model]
    event_model: type[Event]
    # The name of the event's foreign key to the object.
    subject: str
    transitions: dict[str, Transition]
    # Actions that move no status but are history all the same, with their labels.
    records: dict[str, str | Promise] = field(default_factory=dict)
    status_field: str = "status"
    # Extra fields of an event row taken from the object (e.g. the application's version).
    event_fields: Callable[[Any], dict] = lambda obj: {}
    # Called inside the transaction after the event is written; mail goes out on commit.
    notify: Callable[[Any, str, Transition, Event], None] | None = None
    # The refusal a person without the permission reads, when a plainer one than "no
    # permission" fits them (an officer of another 科室); None keeps the plain one.
    denied: Callable[[Any], str | None] = lambda actor: None
    # Labels of payload keys, for the history page.
    payload_labels: dict[str, str | Promise] = field(default_factory=dict)

    def __post_init__(self):
        self.payload_labels = {"cause": _("起因"), **self.payload_labels}

    def label_of(self, action: str) -> str:
        if action in self.transitions:
            return str(self.transitions[action].label)
        return str(self.records.get(action, action))

    def status_label(self, status: str) -> str:
        if not status:
            return ""
        choices = dict(self.model._meta.get_field(self.status_field).choices or ())
        return str(choices.get(status, status))

    def available(self, obj, user) -> list[str]:
        status = getattr(obj, self.status_field)
        return [
            action
            for action, rule in self.transitions.items()
            if status in rule.sources and _permitted(rule, user, obj)
        ]


WORKFLOWS: dict[type[models.Model], Workflow] = {}
_HOOKS: dict[tuple[type[models.Model], str], list[Callable]] = {}


def register(workflow: Workflow) -> Workflow:
    states = {value for value, _label in workflow.model._meta.get_field(workflow.status_field).choices}
    unknown = {t.target for t in workflow.transitions.values()} - states
    if unknown:
        raise ValueError(f"{workflow.model.__name__}: unknown target states {sorted(unknown)}")
    WORKFLOWS[workflow.model] = workflow
    return workflow


def after(model: type[models.Model], action: str, hook: Callable) -> None:
    """Run `hook(obj, event=, actor=)` in the same transaction whenever `action` is performed
    on a `model`: how a later stage (projects) follows an earlier one (funding) without the
    earlier one importing it."""
    _HOOKS.setdefault((model, action), []).append(hook)


def workflow_of(obj_or_model) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return WORKFLOWS[model]


def _permitted(rule: Transition, user, obj) -> bool:
    if rule.permission is None:
        return True
    return user is not None and user.is_authenticated and user.has_perm(rule.permission, obj)


def perform(
    obj,
    action: str,
    *,
    actor,
    reason: str = "",
    payload: dict | None = None,
    apply: Callable[[Any], dict | None] | None = None,
    locked: bool = False,
    cause: str = "",
    **context,
):
    """Move `obj` by `action` and return the saved object (the locked copy).

    `apply(obj)` makes the transition's own changes to the locked object (or refuses with a
    ServiceError) before the status moves; what it returns is added to the payload.
    `context` is handed to the guards (e.g. `now`, `override`). `cause` names an authorised
    action this one follows from (a declared conflict withdraws the expert's other tasks):
    the actor's permission was asked there, and the cause is recorded here."""
    workflow = workflow_of(obj)
    rule = workflow.transitions.get(action)
    if rule is None:
        raise ServiceError(_("不支持的操作。"))
    with transaction.atomic():
        if not locked:
            obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        if not cause and not _permitted(rule, actor, obj):
            raise ServiceError(workflow.denied(actor) or _("您没有权限进行此操作。"))
        current = getattr(obj, workflow.status_field)
        if current not in rule.sources:
            raise ServiceError(
                f"{obj._meta.verbose_name}当前状态为“{workflow.status_label(current)}”，不能{rule.label}。"
            )
        reason = (reason or "").strip()
        if rule.reason_required and not reason:
            raise ServiceError(f"{rule.label}须填写理由。")
        for guard in rule.guards:
            if problem := guard(obj, actor=actor, **context):
                raise ServiceError(problem)
        payload = dict(payload or {})
        if cause:
            payload["cause"] = cause
        if apply is not None:
            payload.update(apply(obj) or {})
        setattr(obj, workflow.status_field, rule.target)
        obj.save()
        event = _write(workflow, obj, actor, action, current, rule.target, reason, payload)
        for hook in _HOOKS.get((type(obj), action), ()):
            hook(obj, event=event, actor=actor)
        if workflow.notify is not None:
            workflow.notify(obj, action, rule, event)
    return obj


def record(obj, action: str, *, actor, reason: str = "", payload: dict | None = None, **fields) -> Event:
    """History for a change that moves no status; the action must be declared. `fields`
    are the event table's own columns (e.g. the plan item's application)."""
    workflow = workflow_of(obj)
    if action not in workflow.records:
        raise ValueError(f"{type(obj).__name__}: undeclared action {action!r}")
    status = getattr(obj, workflow.status_field)
    return _write(
        workflow, obj, actor, action, status, status, (reason or "").strip(), dict(payload or {}), fields
    )


def _write(workflow, obj, actor, action, from_status, to_status, reason, payload, fields=None) -> Event:
    return workflow.event_model.objects.create(
        **{workflow.subject: obj},
        **workflow.event_fields(obj),
        **(fields or {}),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        payload=_jsonable(payload),
    )


def _readable(value) -> str:
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "；".join(_readable(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_readable(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor: str
    subject: str
    action: str
    change: str
    reason: str
    details: list[tuple[str, str]]


def history(*objects) -> list[HistoryRow]:
    """What happened to the objects, oldest first, as a reader sees it: the workflow's
    events and what an administrator changed in the admin (Django's LogEntry)."""
    # Imported here: the models of every app import this module while the registry loads.
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    rows = []
    for obj in objects:
        if obj is None:
            continue
        flow = workflow_of(obj)
        noun = str(obj._meta.verbose_name)
        for event in flow.event_model.objects.filter(**{flow.subject: obj}).select_related("actor"):
            rows.append(
                HistoryRow(
                    at=event.at,
                    actor=str(event.actor) if event.actor else str(_("公众")),
                    subject=noun,
                    action=event.action_label,
                    change=f"{event.from_label} → {event.to_label}"
                    if event.moved and event.from_status
                    else "",
                    reason=event.reason,
                    details=event.details,
                )
            )
        kind = ContentType.objects.get_for_model(type(obj))
        for entry in LogEntry.objects.filter(content_type=kind, object_id=str(obj.pk)).select_related("user"):
            rows.append(
                HistoryRow(
                    at=entry.action_time,
                    actor=str(entry.user),
                    subject=noun,
                    action=str(_("后台修改")),
                    change="",
                    reason="",
                    details=[(str(_("修改内容")), entry.get_change_message())],
                )
            )
    return sorted(rows, key=lambda row: row.at)
