import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from stplan.accounts.models import (
    Invitation,
    QualificationProof,
    Role,
    Unit,
    UnitChange,
    UnitChangeStatus,
    User,
)
from stplan.eligibility import labels
from stplan.eligibility.identifiers import uscc_problem
from stplan.errors import ServiceError
from stplan.logs import security_event
from stplan.notifications import notify, site_link
from stplan.uploads import CheckedUpload, check_upload
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


class _RegistrationTokens(PasswordResetTokenGenerator):
    """Links that confirm a registration's e-mail address: one use (activation changes the hash),
    valid for PASSWORD_RESET_TIMEOUT like Django's reset links."""

    key_salt = "stplan.accounts.registration"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


registration_tokens = _RegistrationTokens()


def _check_registration(
    *, unit_fields: dict, username: str, password: str, full_name: str, email: str, proofs=()
) -> str:
    """What a registration can be refused for without looking at who else is registered:
    the credit code's check digit, the password and the proof files. Returns the normalised
    credit code."""
    code = normalise_credit_code(unit_fields["credit_code"])
    if problem := uscc_problem(code):
        raise ServiceError(f"统一社会信用代码{problem}")
    check_password(password=password, user=User(username=username, full_name=full_name, email=email))
    for upload in proofs:
        check_upload(upload)
    return code


def _store_proofs(unit: Unit, proofs) -> None:
    for upload in proofs:
        checked: CheckedUpload = check_upload(upload)
        proof = QualificationProof(
            unit=unit,
            original_name=upload.name[:200],
            content_type=checked.content_type,
            size=upload.size,
            sha256=checked.sha256,
        )
        proof.file.save(f"{checked.sha256}.{checked.extension}", upload, save=False)
        proof.save()


def _forget_unconfirmed(*, code: str, username: str) -> None:
    """Registrations never confirmed within the link's validity hold neither the credit code
    nor the user name: a stranger's typo must not keep the real unit out."""
    cutoff = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    stale = User.objects.filter(
        Q(username=username) | Q(unit__credit_code=code),
        is_active=False,
        last_login=None,
        date_joined__lt=cutoff,
    ).filter(Q(unit__isnull=True) | Q(unit__events__isnull=True))
    units = list(Unit.objects.filter(people__in=stale).values_list("pk", flat=True))
    stale.delete()
    Unit.objects.filter(pk__in=units, people__isnull=True).delete()


def _create_registration(
    *,
    unit_fields: dict,
    code: str,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    proofs=(),
) -> User:
    try:
        with transaction.atomic():
            unit = Unit.objects.create(**{**unit_fields, "credit_code": code})
    except IntegrityError:
        raise ServiceError("该统一社会信用代码已注册。如需使用该单位账号，请联系单位管理员邀请您。") from None
    _store_proofs(unit, proofs)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        role=Role.UNIT_ADMIN,
        unit=unit,
        is_active=False,
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def request_registration(
    *,
    unit_fields: dict,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    proofs=(),
) -> None:
    """A unit registers itself with its first administrator. The answer on screen is the same
    whoever is registered already: what only the owner of the e-mail address may learn (the
    credit code or the user name is taken) goes to that address, and the registration waits
    for its link to be opened."""
    code = _check_registration(
        unit_fields=unit_fields,
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        proofs=proofs,
    )
    _forget_unconfirmed(code=code, username=username)
    if Unit.objects.filter(credit_code=code).exists():
        notify(
            recipients=[email],
            subject="单位注册未完成",
            body=(
                f"{full_name}：\n统一社会信用代码为{code}的单位已在科技计划项目管理系统注册，不能再次注册。"
                "如需使用该单位的账号，请联系本单位管理员邀请您；如认为有人冒用本单位名义注册，请联系科技局。"
                f"\n{site_link(reverse('accounts:login'))}"
            ),
        )
        return
    if User.objects.filter(username=username).exists():
        notify(
            recipients=[email],
            subject="单位注册未完成",
            body=(
                f"{full_name}：\n您选择的用户名“{username}”已被使用，注册未完成。请重新注册，换一个用户名。"
                f"\n{site_link(reverse('accounts:register'))}"
            ),
        )
        return
    user = _create_registration(
        unit_fields=unit_fields,
        code=code,
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        phone=phone,
        proofs=proofs,
    )
    link = site_link(
        reverse(
            "accounts:confirm_registration",
            args=[urlsafe_base64_encode(force_bytes(user.pk)), registration_tokens.make_token(user)],
        )
    )
    notify(
        recipients=[email],
        subject=f"请确认单位注册：{user.unit.name}",
        body=(
            f"{full_name}：\n您为{user.unit.name}提交了单位注册申请。请打开下面的链接确认邮箱，"
            f"确认后注册申请才会提交科技局审核：\n{link}\n如果不是您本人操作，请忽略本邮件。"
        ),
    )


@transaction.atomic
def confirm_registration(*, uidb64: str, token: str) -> User:
    """The e-mail link of a registration: the account opens and the bureau is told."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        pk = None
    user = User.objects.select_for_update().filter(pk=pk, is_active=False, role=Role.UNIT_ADMIN).first()
    if user is None or user.unit is None or not registration_tokens.check_token(user, token):
        raise ServiceError("确认链接无效或已过期。如果注册已经确认，请直接登录；否则请重新注册。")
    return _confirm(user)


def _confirm(user: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    unit = user.unit
    record(unit, "register", actor=user)
    _tell_bureau(
        subject=f"新单位注册待审核：{unit.name}",
        body=(
            f"{unit.name}（{unit.credit_code}）提交了注册申请，请登录系统进行注册审核：\n"
            f"{site_link(reverse('accounts:registration_detail', args=[unit.pk]))}"
        ),
    )
    return user


@transaction.atomic
def register_unit(
    *,
    unit_fields: dict,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    proofs=(),
) -> User:
    """A registration whose e-mail address needs no confirming (the demo world): refused
    outright when the credit code or the user name is taken."""
    code = _check_registration(
        unit_fields=unit_fields,
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        proofs=proofs,
    )
    if Unit.objects.filter(credit_code=code).exists():
        raise ServiceError("该统一社会信用代码已注册。如需使用该单位账号，请联系单位管理员邀请您。")
    if User.objects.filter(username=username).exists():
        raise ServiceError("该用户名已被使用，请换一个。")
    return _confirm(
        _create_registration(
            unit_fields=unit_fields,
            code=code,
            username=username,
            password=password,
            full_name=full_name,
            email=email,
            phone=phone,
            proofs=proofs,
        )
    )


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
            link=reverse("accounts:unit"),
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
        body=f"{full_name}：\n{unit.name}邀请您在科技计划项目管理系统注册为项目负责人。请打开邀请链接：{site_link(reverse('accounts:accept_invitation', args=[invitation.token]))}",
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


# --- 两步验证 (TOTP) ------------------------------------------------------------------------


def offers_two_step(user: User) -> bool:
    """Bureau staff and administrators may turn on a second step; the admin site requires it."""
    return user.is_authenticated and (user.is_bureau or user.is_staff or user.is_superuser)


def two_step_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_two_step(*, user: User) -> TOTPDevice:
    """The key an authenticator app is to learn, kept unconfirmed until the app shows a code
    that matches: an unfinished set-up never locks anyone out."""
    if not offers_two_step(user):
        raise ServiceError("两步验证只适用于科技局工作人员和系统管理员。")
    if two_step_device(user) is not None:
        raise ServiceError("两步验证已经启用。")
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return pending or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def confirm_two_step(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ServiceError("请先打开两步验证设置页，用身份验证器扫描二维码。")
    if not device.verify_token(_digits(token)):
        raise ServiceError("验证码不正确或已过期，请输入身份验证器当前显示的6位数字。")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_event("two_step_enabled", "启用两步验证", user=user.username)
    return device


def check_two_step(*, user: User, token: str) -> TOTPDevice:
    """The second step of a login. django-otp delays each next try after a wrong code."""
    device = two_step_device(user)
    if device is None:
        raise ServiceError("该账号未启用两步验证。")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ServiceError("验证码错误次数过多，请稍后再试。")
    if not device.verify_token(_digits(token)):
        security_event("two_step_failed", "两步验证码错误", user=user.username)
        raise ServiceError("验证码不正确或已过期，请输入身份验证器当前显示的6位数字。")
    return device


@transaction.atomic
def remove_two_step(*, user: User, token: str) -> None:
    check_two_step(user=user, token=token)
    TOTPDevice.objects.filter(user=user).delete()
    security_event("two_step_disabled", "关闭两步验证", user=user.username)


def _digits(token: str) -> str:
    """A code as people type it: spaces between the groups of three, full-width digits."""
    return "".join(str(int(c)) for c in str(token) if c.isdecimal())[:8]
