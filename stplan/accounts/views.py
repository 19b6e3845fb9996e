import math
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from stplan.accounts import selectors, services, throttle
from stplan.accounts.forms import (
    AcceptInvitationForm,
    AccountForm,
    InviteForm,
    ReviewForm,
    TwoStepCodeForm,
    UnitForm,
)
from stplan.accounts.models import (
    Invitation,
    QualificationProof,
    Role,
    Unit,
    UnitChange,
    UnitChangeStatus,
    UnitStatus,
)
from stplan.accounts.places import is_listed_county, places
from stplan.errors import ServiceError
from stplan.logs import security_event


def _registration_address(group, request) -> str:
    return throttle.client_address(request)


@never_cache
@ratelimit(key=_registration_address, rate="5/h", method="POST", block=False)
def register(request):
    if getattr(request, "limited", False):
        messages.error(request, "注册申请过于频繁，请1小时后再试。")
        return render(
            request,
            "accounts/register.html",
            {
                "unit_form": UnitForm(request.POST, request.FILES, prefix="unit"),
                "account_form": AccountForm(request.POST, prefix="account", keep_passwords=True),
            },
            status=429,
        )
    posted = request.method == "POST"
    unit_form = UnitForm(request.POST or None, request.FILES or None, prefix="unit")
    account_form = AccountForm(request.POST or None, prefix="account", keep_passwords=posted)
    if posted and unit_form.is_valid() and account_form.is_valid():
        account = account_form.cleaned_data
        try:
            services.request_registration(
                unit_fields=unit_form.unit_fields(),
                proofs=unit_form.cleaned_data["proofs"],
                username=account["username"],
                password=account["password"],
                full_name=account["full_name"],
                email=account["email"],
                phone=account["phone"],
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            return render(request, "accounts/register_sent.html", {"email": account["email"]})
    return render(request, "accounts/register.html", {"unit_form": unit_form, "account_form": account_form})


def confirm_registration(request, uidb64, token):
    """GET only shows the button: mail scanners that open links must not confirm anything."""
    if request.method == "POST":
        try:
            user = services.confirm_registration(uidb64=uidb64, token=token)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            login(request, user, backend="stplan.accounts.backends.ThrottledModelBackend")
            messages.success(request, "注册申请已提交，科技局审核通过后即可邀请项目负责人并开展申报。")
            return redirect("accounts:unit")
    return render(request, "accounts/register_confirm.html")


@login_required
def unit_profile(request):
    unit = request.user.unit
    if unit is None:
        raise PermissionDenied
    is_admin = request.user.role == Role.UNIT_ADMIN
    form = UnitForm(request.POST or None, instance=unit, prefix="unit") if is_admin else None
    if form is not None:
        form.fields["credit_code"].disabled = True
    invite_form = InviteForm(prefix="invite") if is_admin else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            fields = {k: v for k, v in form.unit_fields().items() if k != "credit_code"}
            change = services.update_unit(unit=unit, actor=request.user, fields=fields)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            if change is None:
                messages.success(request, "单位信息已保存。")
            else:
                messages.success(
                    request, "单位名称、性质、所在地或资质的修改已提交科技局审核，审核通过后生效。"
                )
            return redirect("accounts:unit")
    return render(
        request,
        "accounts/unit.html",
        {
            "unit": unit,
            "form": form,
            "invite_form": invite_form,
            "people": unit.people.order_by("role", "username"),
            "invitations": unit.invitations.filter(accepted_by=None) if is_admin else [],
            "events": unit.events.select_related("actor"),
        },
    )


@login_required
@require_POST
def resubmit_registration(request):
    if request.user.unit is None:
        raise PermissionDenied
    try:
        services.transition_unit(unit=request.user.unit, action="resubmit", actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已重新提交注册审核。")
    return redirect("accounts:unit")


@login_required
@require_POST
def invite(request):
    form = InviteForm(request.POST, prefix="invite")
    if not form.is_valid():
        messages.error(request, "请填写被邀请人的姓名和有效邮箱。")
        return redirect("accounts:unit")
    try:
        invitation = services.invite_person(
            unit=request.user.unit, invited_by=request.user, **form.cleaned_data
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        link = request.build_absolute_uri(reverse("accounts:accept_invitation", args=[invitation.token]))
        messages.success(request, f"已向 {invitation.email} 发送邀请。邀请链接：{link}")
    return redirect("accounts:unit")


@never_cache
def accept_invitation(request, token):
    invitation = Invitation.objects.filter(token=token, accepted_by=None).select_related("unit").first()
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(
        request.POST or None, invitation=invitation, keep_passwords=request.method == "POST"
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                phone=form.cleaned_data["phone"],
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            login(request, user, backend="stplan.accounts.backends.ThrottledModelBackend")
            messages.success(request, "账号已创建，欢迎使用。")
            return redirect("workspace")
    return render(request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form})


def _bureau_admin(user):
    if not (user.is_authenticated and user.role == Role.BUREAU_ADMIN):
        raise PermissionDenied


@login_required
def registrations(request):
    _bureau_admin(request.user)
    status = request.GET.get("status", UnitStatus.PENDING)
    units = Unit.objects.registered()
    units = units.filter(status=status) if status in UnitStatus.values else units
    return render(
        request,
        "accounts/registrations.html",
        {
            "units": units.order_by("created_at"),
            "status": status,
            "statuses": UnitStatus.choices,
            "changes": UnitChange.objects.filter(status=UnitChangeStatus.PENDING).select_related("unit"),
        },
    )


@login_required
@require_GET
def registration_detail(request, pk):
    _bureau_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk)
    return _registration_page(request, unit, ReviewForm())


def _registration_page(request, unit: Unit, form: ReviewForm):
    changes = list(unit.changes.filter(status=UnitChangeStatus.PENDING))
    for change in changes:
        change.rows = services.change_rows(change)
    return render(
        request,
        "accounts/registration_detail.html",
        {
            "unit": unit,
            "form": form,
            "events": unit.events.select_related("actor"),
            "changes": changes,
            "proofs": unit.proofs.all(),
            "same_name": selectors.same_name_units(unit=unit),
            "county_listed": is_listed_county(unit.county),
            "in_city": unit.in_city(places().city),
        },
    )


def _review_registration(request, pk, action: str):
    _bureau_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.transition_unit(
                unit=unit, action=action, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("审核结果已保存，已通知该单位。"))
            return redirect("accounts:registrations")
    # The reason typed stays in the form when the decision is refused.
    return _registration_page(request, unit, form)


@login_required
@require_POST
def registration_approve(request, pk):
    return _review_registration(request, pk, "approve")


@login_required
@require_POST
def registration_reject(request, pk):
    return _review_registration(request, pk, "reject")


@login_required
def qualification_proof(request, pk, proof_pk):
    _bureau_admin(request.user)
    proof = get_object_or_404(QualificationProof, pk=proof_pk, unit_id=pk)
    return FileResponse(
        proof.file.open("rb"),
        content_type=proof.content_type,
        filename=proof.original_name,
        as_attachment=proof.content_type != "application/pdf",
    )


@login_required
@require_POST
def unit_change(request, pk):
    _bureau_admin(request.user)
    change = get_object_or_404(UnitChange, pk=pk)
    try:
        services.decide_unit_change(
            change=change,
            actor=request.user,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "审核结果已保存，已通知该单位。")
    return redirect("accounts:registration_detail", pk=change.unit_id)


class LoginView(auth_views.LoginView):
    """Login; failed attempts are throttled (see `throttle`) here and on the admin's login."""

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        if wait := throttle.wait_seconds(request, request.POST.get("username")):
            security_event(
                "login_throttled",
                f"登录被限流，须等待{wait}秒",
                address=throttle.client_address(request),
                path=request.path,
            )
            minutes = max(1, math.ceil(wait / 60))
            messages.error(request, f"登录尝试过于频繁，请{minutes}分钟后再试。")
            return self.render_to_response(self.get_context_data(form=self.get_form()), status=429)
        return super().post(request, *args, **kwargs)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def two_step(request):
    """两步验证 settings: the QR code of a new key and the code that confirms it, or how to turn it off."""
    if not services.offers_two_step(request.user):
        raise PermissionDenied
    device = services.two_step_device(request.user)
    form = TwoStepCodeForm(request.POST or None)
    if device is None and request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_two_step(user=request.user, token=form.cleaned_data["code"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            otp_login(request, device)
            messages.success(
                request, "两步验证已启用：以后登录时，输入密码后还需输入身份验证器显示的验证码。"
            )
            return HttpResponseRedirect(_safe_next(request, reverse("accounts:two_step")))
    context = {"device": device, "form": TwoStepCodeForm(), "next": _safe_next(request, "")}
    if device is None:
        pending = services.start_two_step(user=request.user)
        context.update(
            qr=segno.make(pending.config_url, error="m").svg_inline(scale=4, title="两步验证二维码"),
            key=b32encode(pending.bin_key).decode(),
        )
    return render(request, "accounts/two_step.html", context)


@login_required
@require_POST
def two_step_remove(request):
    if not services.offers_two_step(request.user):
        raise PermissionDenied
    form = TwoStepCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError("请输入身份验证器当前显示的6位数字。")
        services.remove_two_step(user=request.user, token=form.cleaned_data["code"])
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "两步验证已关闭。")
    return redirect("accounts:two_step")


@login_required
def login_verify(request):
    """The second step of logging in, for a person with 两步验证 turned on."""
    after = _safe_next(request, reverse("workspace"))
    if request.user.is_verified() or services.two_step_device(request.user) is None:
        return HttpResponseRedirect(after)
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.check_two_step(user=request.user, token=form.cleaned_data["code"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            otp_login(request, device)
            return HttpResponseRedirect(after)
    return render(request, "accounts/login_verify.html", {"form": form, "next": after})
