import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from stplan.accounts.models import Invitation, Role, Unit, User
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
    notify(
        recipients=User.objects.filter(role=Role.BUREAU_ADMIN).values_list("email", flat=True),
        subject=f"新单位注册待审核：{unit.name}",
        body=f"{unit.name}（{unit.credit_code}）提交了注册申请，请登录系统进行注册审核。",
    )
    return user


def transition_unit(*, unit: Unit, action: str, actor: User, reason: str = "") -> Unit:
    def apply(locked: Unit) -> None:
        if action != "resubmit":
            locked.review_reason = (reason or "").strip()

    return perform(unit, action, actor=actor, reason=reason, apply=apply)


@transaction.atomic
def update_unit(*, unit: Unit, actor: User, fields: dict) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not actor.has_perm("accounts.change_unit_record", unit):
        raise ServiceError("您没有权限修改该单位信息。")
    changes = {}
    for name, value in fields.items():
        before = getattr(unit, name)
        if before != value:
            label = str(Unit._meta.get_field(name).verbose_name)
            changes[label] = f"{_shown(before)} → {_shown(value)}"
            setattr(unit, name, value)
    if changes:
        unit.save()
        record(unit, "update", actor=actor, payload={"changes": changes})
    return unit


def _shown(value) -> str:
    if isinstance(value, list):
        return "、".join(str(labels.QUALIFICATIONS.get(v, v)) for v in value) or "无"
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
