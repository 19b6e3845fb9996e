import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stplan.accounts.models import Invitation, Role, Unit, UnitChange, UnitChangeStatus, User
from stplan.eligibility import labels
from stplan.eligibility.identifiers import uscc_problem
from stplan.errors import ServiceError
from stplan.notifications import notify
from stplan.workflow import perform, record


def normalise_credit_code(code: str) -> str:
    return code.strip().upper()


def check_password(*, password: str, user: User) -> None:
    """AUTH_PASSWORD_VALIDATORS, for a person about to get an account: too short, too common,
    all digits or too like the user's name or e-mail, and the password is refused."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ServiceError(" ".join(error.messages)) from None


@transaction.atomic
def register_unit(
    *,
    unit_fields: dict,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
) -> User:
    """A unit registers itself with its first administrator; the bureau reviews it."""
    code = normalise_credit_code(unit_fields["credit_code"])
    if problem := uscc_problem(code):
        raise ServiceError(f"统一社会信用代码{problem}")
    if Unit.objects.filter(credit_code=code).exists():
        raise ServiceError("该统一社会信用代码已注册。如需使用该单位账号，请联系单位管理员邀请您。")
    if User.objects.filter(username=username).exists():
        raise ServiceError("该用户名已被使用，请换一个。")
    check_password(password=password, user=User(username=username, full_name=full_name, email=email))
    try:
        with transaction.atomic():
            unit = Unit.objects.create(**{**unit_fields, "credit_code": code})
    except IntegrityError:
        raise ServiceError("该统一社会信用代码已注册。如需使用该单位账号，请联系单位管理员邀请您。") from None
    user = User(
        username=username, full_name=full_name, email=email, phone=phone, role=Role.UNIT_ADMIN, unit=unit
    )
    user.set_password(password)
    user.save()
    record(unit, "register", actor=user)
    _tell_bureau(
        subject=f"新单位注册待审核：{unit.name}",
        body=f"{unit.name}（{unit.credit_code}）提交了注册申请，请登录系统进行注册审核。",
    )
    return user


def transition_unit(*, unit: Unit, action: str, actor: User, reason: str = "") -> Unit:
    def apply(locked: Unit) -> None:
        if action != "resubmit":
            locked.review_reason = (reason or "").strip()

    return perform(unit, action, actor=actor, reason=reason, apply=apply)


# What a unit's eligibility rests on: once approved, these change only with the bureau's review.
REVIEWED_FIELDS = ("name", "kind", "county", "qualifications")


@transaction.atomic
def update_unit(*, unit: Unit, actor: User, fields: dict) -> UnitChange | None:
    """Save the unit's record; on an approved unit, changes to `REVIEWED_FIELDS` wait for the
    bureau (returned as the pending change) while the approved values stay in force."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not actor.has_perm("accounts.change_unit_record", unit):
        raise ServiceError("您没有权限修改该单位信息。")
    changed = {name: value for name, value in fields.items() if getattr(unit, name) != value}
    reviewed = {n: v for n, v in changed.items() if unit.is_approved and n in REVIEWED_FIELDS}
    direct = {n: v for n, v in changed.items() if n not in reviewed}
    if direct:
        _write_unit(unit, direct, actor)
    if not reviewed:
        return None
    if unit.changes.filter(status=UnitChangeStatus.PENDING).exists():
        raise ServiceError(
            "本单位已有待科技局审核的信息变更，审核后才能再次提交单位名称、性质、所在地或资质的修改。"
        )
    change = UnitChange.objects.create(
        unit=unit,
        requested_by=actor,
        changes={n: {"before": getattr(unit, n), "after": v} for n, v in reviewed.items()},
    )
    record(change, "request", actor=actor, payload={"changes": _described(unit, reviewed)})
    _tell_bureau(
        subject=f"单位信息变更待审核：{unit.name}",
        body=f"{unit.name}申请变更单位名称、性质、所在地或资质，请登录系统在“注册审核”中审核。",
    )
    return change


def decide_unit_change(*, change: UnitChange, actor: User, approve: bool, reason: str = "") -> UnitChange:
    """The bureau's review of a unit's change: approved values replace the old ones."""

    def apply(locked: UnitChange) -> None:
        if not approve:
            return
        unit = Unit.objects.select_for_update().get(pk=locked.unit_id)
        after = {name: values["after"] for name, values in locked.changes.items()}
        _write_unit(unit, after, actor, reason="单位信息变更审核通过")

    with transaction.atomic():
        change = perform(change, "approve" if approve else "reject", actor=actor, reason=reason, apply=apply)
        verdict = "已通过" if approve else "未通过"
        notify(
            recipients=change.unit.people.filter(role=Role.UNIT_ADMIN).values_list("email", flat=True),
            subject=f"单位信息变更审核{verdict}：{change.unit.name}",
            body=f"{change.unit.name}的单位信息变更审核{verdict}。" + (f"\n理由：{reason}" if reason else ""),
        )
    return change


def _write_unit(unit: Unit, values: dict, actor: User, reason: str = "") -> None:
    """Save new values into the unit's record with one history row naming each change."""
    payload = {"changes": _described(unit, values)}
    for name, value in values.items():
        setattr(unit, name, value)
    unit.save()
    record(unit, "update", actor=actor, reason=reason, payload=payload)


def _tell_bureau(*, subject: str, body: str) -> None:
    notify(
        recipients=User.objects.filter(role=Role.BUREAU_ADMIN).values_list("email", flat=True),
        subject=subject,
        body=body,
    )


def change_rows(change: UnitChange) -> list[tuple[str, str]]:
    """A pending change as the bureau reads it: each field, before → after."""
    return [
        (
            str(Unit._meta.get_field(name).verbose_name),
            f"{_shown(name, values['before'])} → {_shown(name, values['after'])}",
        )
        for name, values in change.changes.items()
    ]


def _described(unit: Unit, values: dict) -> dict[str, str]:
    return {
        str(
            Unit._meta.get_field(name).verbose_name
        ): f"{_shown(name, getattr(unit, name))} → {_shown(name, value)}"
        for name, value in values.items()
    }


def _shown(name: str, value) -> str:
    if isinstance(value, list):
        return "、".join(str(labels.QUALIFICATIONS.get(v, v)) for v in value) or "无"
    if name == "kind":
        return str(labels.ORGANIZATION_KINDS.get(value, value))
    return str(value) if value not in (None, "") else "（空）"


@transaction.atomic
def invite_person(*, unit: Unit, invited_by: User, full_name: str, email: str) -> Invitation:
    if invited_by.role != Role.UNIT_ADMIN or invited_by.unit_id != unit.pk:
        raise ServiceError("只有本单位管理员可以邀请人员。")
    if not Unit.objects.get(pk=unit.pk).is_approved:
        raise ServiceError("单位注册审核通过后才能邀请人员。")
    invitation = Invitation.objects.create(
        unit=unit, full_name=full_name, email=email, token=secrets.token_urlsafe(32), invited_by=invited_by
    )
    notify(
        recipients=[email],
        subject=f"{unit.name}邀请您注册为项目负责人",
        body=f"{full_name}：\n{unit.name}邀请您在科技计划项目管理系统注册为项目负责人。请打开邀请链接：/accounts/invite/{invitation.token}/",
    )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, username: str, password: str, phone: str) -> User:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.accepted_by_id is not None:
        raise ServiceError("邀请链接无效或已被使用。")
    if User.objects.filter(username=username).exists():
        raise ServiceError("该用户名已被使用，请换一个。")
    user = User(
        username=username,
        full_name=invitation.full_name,
        email=invitation.email,
        phone=phone,
        role=Role.LEADER,
        unit=invitation.unit,
    )
    check_password(password=password, user=user)
    user.set_password(password)
    user.save()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_by"])
    return user
