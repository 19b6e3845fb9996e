"""Every write to an application: drafts, attachments, and the one transition function."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from stplan.accounts.models import Role, UnitStatus, User
from stplan.accounts.selectors import recommender_refusal
from stplan.applications.dossier import Dossier
from stplan.applications.forms import LIST_LIMITS
from stplan.applications.interchange import DraftExtras, draft_form
from stplan.applications.models import (
    Application,
    ApplicationVersion,
    Attachment,
    FindingOverride,
    LimitSlot,
    Status,
)
from stplan.applications.selectors import prior_counts, recheck, system_records
from stplan.applications.submission import submitted_content
from stplan.applications.window import submission_window_problem
from stplan.applications.workflow import APPLICATION, TRANSITIONS
from stplan.eligibility import facts
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.rules import BatchLimit
from stplan.errors import ServiceError
from stplan.guides import calls
from stplan.guides.models import Direction
from stplan.uploads import check_upload
from stplan.workflow import perform

# A place under 限报N项 is taken on submission and given back only when the application leaves
# the race for good; a returned application keeps its place while it is being revised.
RELEASES_SLOTS = {Status.WITHDRAWN, Status.REJECTED}


def available_actions(*, application: Application, user) -> list[str]:
    return APPLICATION.available(application, user)


@transaction.atomic
def create_application(*, actor: User, direction: Direction) -> Application:
    if actor.role != Role.LEADER or actor.unit is None or actor.unit.status != UnitStatus.APPROVED:
        raise ServiceError("只有注册审核通过的单位的项目负责人可以创建申报书。")
    if not direction.accepts_applications:
        raise ServiceError(f"方向{direction.number}不接受申报。")
    guide = direction.guide
    if calls.direction_status(direction).state == calls.CLOSED:
        raise ServiceError("本批次申报已截止，不能再创建申报书。")
    application = Application.objects.create(
        guide=guide,
        direction=direction,
        number=f"tmp-{timezone.now().timestamp()}-{actor.pk}",
        lead_unit=actor.unit,
        leader=actor,
    )
    application.number = f"GL{guide.year}-{direction.number:02d}-{application.pk:05d}"
    application.save(update_fields=["number"])
    return application


# Posted with the 申报书 but not part of it: the buttons, and the upload's 附件类型 (the upload
# button is in the 申报书's form so that what was typed is saved with the upload).
IGNORED_KEYS = {"csrfmiddlewaretoken", "action", "add_row", "code", "file"}


@transaction.atomic
def save_draft(*, application: Application, actor: User, data: MultiValueDict) -> Dossier:
    """Keep everything typed, valid or not; return the 申报书 as it now reads."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not actor.has_perm("applications.change_application", application):
        raise ServiceError("该申报书当前不可修改。")
    application.form = {k: data.getlist(k) for k in data if k not in IGNORED_KEYS}
    dossier = Dossier.of(application)
    basic = dossier.forms["basic"]
    application.title = (data.get("basic-title") or "").strip()[:200]
    recommender = basic.cleaned_data.get("recommender") if basic.is_valid() else None
    application.recommender = recommender
    challenge = dossier.forms.get("challenge")
    if challenge is not None:
        application.challenge_item = challenge.cleaned_data.get("item") if challenge.is_valid() else None
    application.save(update_fields=["form", "title", "recommender", "challenge_item", "updated_at"])
    return dossier


class StaleDraft(ServiceError):
    """The draft changed since the caller read it: saving would overwrite someone's work."""


def draft_revision(application: Application) -> str:
    """Changes whenever the draft is saved or the application changes state."""
    stamp = (
        f"{application.pk}|{application.updated_at.isoformat()}|{application.status}|{application.version}"
    )
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


@transaction.atomic
def create_draft_from_document(
    *, actor: User, direction: Direction, document: facts.Application, extras: DraftExtras
) -> Application:
    """A new draft filled from one interchange-format application (stplan/applications/interchange.py)."""
    if document.direction != direction.number:
        raise ServiceError(
            f"direction：交换格式中的方向{document.direction}与所选方向{direction.number}不一致。"
        )
    application = create_application(actor=actor, direction=direction)
    data = draft_form(document=document, lead_unit=application.lead_unit, extras=extras)
    save_draft(application=application, actor=actor, data=data)
    application.refresh_from_db()
    return application


@transaction.atomic
def update_draft_from_document(
    *,
    application: Application,
    actor: User,
    document: facts.Application,
    extras: DraftExtras,
    revision: str,
) -> Application:
    """Replace the draft's content with `document`, only if it is still at `revision`."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if draft_revision(application) != revision:
        raise StaleDraft("申报书在您读取之后已被修改或已改变状态：请重新读取后再保存，以免覆盖他人的修改。")
    if not actor.has_perm("applications.change_application", application):
        raise ServiceError("该申报书当前不可修改。")
    if document.direction != application.direction.number:
        raise ServiceError(f"direction：申报方向不能修改（本申报书为方向{application.direction.number}）。")
    data = draft_form(document=document, lead_unit=application.lead_unit, extras=extras)
    save_draft(application=application, actor=actor, data=data)
    application.refresh_from_db()
    return application


def add_row(data: MultiValueDict, prefix: str) -> MultiValueDict:
    """One more empty row in the list `prefix`, up to the list's limit; a row count that is
    no number counts as none."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    raw = str(data.get(key) or "").strip()
    current = min(int(raw), LIST_LIMITS[prefix]) if raw.isdigit() else 0
    data.setlist(key, [str(min(current + 1, LIST_LIMITS[prefix]))])
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return data


@transaction.atomic
def add_attachment(*, application: Application, actor: User, code: str, upload) -> Attachment:
    if not actor.has_perm("applications.change_application", application):
        raise ServiceError("该申报书当前不可修改，不能上传附件。")
    checked = check_upload(upload)
    attachment = Attachment(
        application=application,
        code=code,
        original_name=upload.name[:200],
        content_type=checked.content_type,
        size=upload.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(f"{checked.sha256}.{checked.extension}", upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor: User) -> None:
    if not actor.has_perm("applications.change_application", attachment.application):
        raise ServiceError("该申报书当前不可修改，不能删除附件。")
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])


class SubmissionRefused(ServiceError):
    def __init__(self, message: str, problems=(), findings=()):
        super().__init__(message)
        self.problems = list(problems)
        self.findings = list(findings)


def _canonical_sha256(snapshot: dict) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _limits(application: Application, application_facts) -> list[tuple[BatchLimit, str]]:
    direction = load_guide_data(application.guide.slug).direction(application.direction.number)
    return [
        (rule, rule.key(application_facts))
        for rule in direction.rules
        if isinstance(rule, BatchLimit)
        and (rule.when is None or rule.when.holds(application_facts))
        and rule.key(application_facts) is not None
    ]


def _claim_slots(application: Application, application_facts) -> None:
    """Take a place under each 限报N项 limit; the caller holds the 方向's lock, and the
    unique constraint stands behind it should anything else write slots."""
    direction = load_guide_data(application.guide.slug).direction(application.direction.number)
    limits = _limits(application, application_facts)
    # A place held under a key the application no longer has (its unit moved county while it
    # was returned) goes back to that key's pool.
    current = {(rule.kind, key) for rule, key in limits}
    for slot in application.limit_slots.all():
        if (slot.rule_kind, slot.key) not in current:
            slot.delete()
    for rule, key in limits:
        if application.limit_slots.filter(rule_kind=rule.kind, key=key).exists():
            continue
        scope = {
            "guide": application.guide,
            "direction_number": direction.number,
            "rule_kind": rule.kind,
            "key": key,
        }
        taken = set(LimitSlot.objects.filter(**scope).values_list("slot", flat=True))
        free = [n for n in range(1, rule.max + 1) if n not in taken]
        if not free:
            finding = rule.over_limit(application_facts, direction, len(taken) + 1)
            raise SubmissionRefused(finding.message, findings=[finding])
        try:
            with transaction.atomic():
                LimitSlot.objects.create(**scope, slot=free[0], application=application)
        except IntegrityError:
            raise SubmissionRefused("名额核对时发生冲突，请重新提交。") from None


def _freeze(application: Application, actor: User, now) -> ApplicationVersion:
    if problem := submission_window_problem(application, now):
        raise SubmissionRefused(problem)
    dossier = Dossier.of(application)
    submitted_at = application.first_submitted_at or now
    application_facts = dossier.facts(submitted_at=submitted_at)
    if application_facts is not None and _limits(application, application_facts):
        # Submissions under the same 方向's limits queue here, so each counts the places
        # the ones before it took: two racing for the last place cannot both see it free.
        Direction.objects.select_for_update().filter(pk=application.direction_id).first()
    result = dossier.check(
        prior_counts=prior_counts(application), records=system_records(), submitted_at=submitted_at
    )
    if result is None:
        raise SubmissionRefused("申报书尚未填写完整，不能提交。", problems=dossier.problems)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        raise SubmissionRefused("申报书有不符合申报要求的错误项，修改后才能提交。", findings=errors)
    _claim_slots(application, application_facts)
    attachments = application.attachments.filter(removed_at=None)
    snapshot = {
        "guide": application.guide.slug,
        "guide_sha256": application.guide.data_sha256,
        "number": application.number,
        "direction": {"number": application.direction.number, "title": application.direction.title},
        "lead_unit": {"name": application.lead_unit.name, "credit_code": application.lead_unit.credit_code},
        "leader": {"name": str(application.leader), "username": application.leader.username},
        "recommender": application.recommender.name if application.recommender else None,
        "form": application.form,
        "facts": application_facts.model_dump(mode="json"),
        "indicators": dossier.indicator_commitments(),
        "attachments": [
            {"id": a.pk, "code": a.code, "name": a.original_name, "sha256": a.sha256, "size": a.size}
            for a in attachments
        ],
        "result": result.as_dict(),
        "submitted_at": now.isoformat(),
    }
    application.version += 1
    return ApplicationVersion.objects.create(
        application=application,
        number=application.version,
        snapshot=snapshot,
        sha256=_canonical_sha256(snapshot),
        guide_sha256=application.guide.data_sha256,
        submitted_at=now,
        submitted_by=actor,
    )


def _record_overrides(application: Application, actor: User, overrides: dict[str, str]) -> list[str]:
    result = recheck(application)
    recorded = []
    for finding in (f.as_dict() for f in result.findings):
        if finding["severity"] != "error":
            continue
        key = override_key(finding)
        reason = (overrides.get(key) or "").strip()
        if not reason:
            raise ServiceError(
                f"自动审查错误项“{finding['clause']}：{finding['message']}”未处理：通过前须写明不予采纳的理由。"
            )
        FindingOverride.objects.create(
            application=application,
            version=application.version,
            rule=finding["rule"],
            clause=finding["clause"],
            message=finding["message"],
            reason=reason,
            officer=actor,
        )
        recorded.append(f"{finding['clause']}：{reason}")
    return recorded


def override_key(finding: dict) -> str:
    return hashlib.sha256(f"{finding['rule']}|{finding['clause']}|{finding['message']}".encode()).hexdigest()[
        :16
    ]


def transition(
    *,
    application: Application,
    action: str,
    actor: User,
    reason: str = "",
    overrides: dict[str, str] | None = None,
) -> Application:
    """Perform `action` through the workflow kernel, with what submitting (a frozen version,
    places under 限报N项), passing (overrides of automatic findings), returning and
    leaving the race (places given back) do to the application."""

    def apply(locked: Application) -> dict:
        now = timezone.now()
        payload = {}
        if action in ("submit", "resubmit", "recommend") and (
            refusal := recommender_refusal(unit=locked.lead_unit, recommender=locked.recommender)
        ):
            raise SubmissionRefused(refusal)
        if action in ("submit", "resubmit"):
            version = _freeze(locked, actor, now)
            locked.first_submitted_at = locked.first_submitted_at or now
            locked.requested_amount = submitted_content(version).requested_city_funds
            payload["sha256"] = version.sha256
        if action == "formal_pass":
            payload["overrides"] = _record_overrides(locked, actor, overrides or {})
        if TRANSITIONS[action].target == Status.RETURNED:
            locked.returned_at = now
        if TRANSITIONS[action].target in RELEASES_SLOTS:
            locked.limit_slots.all().delete()
        return {k: v for k, v in payload.items() if v}

    return perform(application, action, actor=actor, reason=reason, apply=apply)


def submit_draft(*, application: Application, actor: User, data: MultiValueDict) -> Application:
    """提交 (重新提交 once returned): keep `data` as the draft, then freeze it as a version.
    The draft is saved in its own transaction, so a refused submission keeps what was typed."""
    save_draft(application=application, actor=actor, data=data)
    application.refresh_from_db()
    action = "resubmit" if application.status == Status.RETURNED else "submit"
    return transition(application=application, action=action, actor=actor)


def fund_application(*, application: Application, actor: User, plan: str, amount: int) -> Application:
    """立项, as a final funding plan decides it: the application enters no further round or plan."""
    return perform(application, "fund", actor=actor, payload={"plan": plan, "amount": amount})


# What the 形审 desk may decide for several applications at once: those needing no finding
# handled one by one (a pass with error findings is refused for that application).
BULK_DECISIONS = ("formal_pass", "formal_return")


def formal_review_many(
    *, applications: list[Application], action: str, actor: User, reason: str
) -> tuple[list[Application], list[tuple[str, str]]]:
    """The same 形审 decision for each of `applications`, each on its own through the kernel:
    returns those decided and the (申报编号, refusal) of the others."""
    if action not in BULK_DECISIONS:
        raise ServiceError("请选择形审通过或退回修改。")
    done, refused = [], []
    for application in applications:
        try:
            done.append(transition(application=application, action=action, actor=actor, reason=reason))
        except ServiceError as error:
            refused.append((application.number, str(error)))
    return done, refused
