from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from stplan.applications import selectors, services
from stplan.applications.dossier import SECTIONS, Dossier, budget_totals, display_sections
from stplan.applications.forms import ATTACHMENT_LABELS, LIST_LIMITS, AttachmentUploadForm
from stplan.applications.models import Application, Attachment, Status
from stplan.applications.submission import submitted_content
from stplan.applications.window import window_problem
from stplan.errors import ServiceError
from stplan.guides.models import Direction
from stplan.listing import listing
from stplan.web import object_id

PENDING_FORM = "stplan_pending_form"


def login_required_keeping_post(view):
    """Like login_required, but a form posted after the session expired is kept in the
    (anonymous) session, which survives the login, and restored by the edit page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        pk = kwargs.get("pk")
        edit_url = reverse("applications:edit", args=[pk])
        if request.method == "POST" and pk is not None:
            data = {k: request.POST.getlist(k) for k in request.POST if k not in services.IGNORED_KEYS}
            request.session[PENDING_FORM] = {"pk": pk, "data": data}
            messages.warning(request, "登录已过期。您填写的内容已暂存，重新登录后将自动恢复。")
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': edit_url})}"
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)

    return wrapper


def _visible(request, pk) -> Application:
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    if not request.user.has_perm("applications.view_application", application):
        raise Http404
    return application


@login_required
def application_list(request):
    applications = selectors.desk_applications(request.user, request.GET)
    shown = listing(request, applications, sorts=selectors.APPLICATION_SORTS)
    return render(
        request,
        "applications/list.html",
        {"applications": shown.rows, "listing": shown, "statuses": Status.choices, "params": request.GET},
    )


@login_required
@require_POST
def create(request):
    direction = get_object_or_404(Direction, pk=object_id(request.POST.get("direction")))
    try:
        application = services.create_application(actor=request.user, direction=direction)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("workspace")
    return redirect("applications:edit", pk=application.pk)


@login_required
def detail(request, pk):
    application = _visible(request, pk)
    version = selectors.latest_version(application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "version": version,
            "versions": application.versions.order_by("-number"),
            "events": application.events.select_related("actor"),
            "actions": [
                (a, services.TRANSITIONS[a])
                for a in services.available_actions(application=application, user=request.user)
                if a not in ("submit", "resubmit")
            ],
            "can_edit": request.user.has_perm("applications.change_application", application),
            "attachments": application.attachments.filter(removed_at=None),
        },
    )


def _edit_context(application, dossier, request):
    attachments = application.attachments.filter(removed_at=None)
    required = _required_attachments(application)
    present = {a.code for a in attachments}
    required_attachments = [(code, ATTACHMENT_LABELS[code], code in present) for code in required]
    live = _live_check(application, dossier)
    return {
        "application": application,
        "dossier": dossier,
        "forms": dossier.forms,
        "sections": SECTIONS,
        "live": live,
        "result": live.result,
        "steps": _steps(application, dossier),
        "budget_totals": budget_totals(dossier),
        "attachments": attachments,
        "required_attachments": required_attachments,
        "upload_form": AttachmentUploadForm(choices=_attachment_choices(required)),
        "resubmit": application.status == Status.RETURNED,
        "needs_outcomes": _needs_outcomes(application),
        "return_event": application.events.filter(to_status=Status.RETURNED).select_related("actor").last()
        if application.status == Status.RETURNED
        else None,
    }


def _live_check(application, dossier):
    return dossier.live_check(
        prior_counts=selectors.prior_counts(application), records=selectors.system_records()
    )


def _steps(application, dossier) -> list[dict]:
    """The sections of the edit page in order, with how many problems each still has."""
    problems = dossier.section_problems()
    present_codes = set(application.attachments.filter(removed_at=None).values_list("code", flat=True))
    problems["attachments"] = len(set(_required_attachments(application)) - present_codes)
    present = {
        "basic",
        "lead",
        "partners",
        "leader",
        "team",
        "subprojects",
        "content",
        "indicators",
        "budget",
    }
    present |= {"exclusions", "attachments"}
    if "challenge" in dossier.forms:
        present.add("challenge")
    if _needs_outcomes(application):
        present.add("outcomes")
    return [
        {"key": key, "label": label, "problems": problems[key]}
        for key, label in SECTIONS.items()
        if key in present
    ]


def _required_attachments(application) -> list[str]:
    codes: list[str] = []
    for rule in application.direction.spec.rules:
        if rule.kind == "attachments":
            codes.extend(c for c in rule.codes if c not in codes)
    return codes


def _attachment_choices(required):
    rest = [c for c in ATTACHMENT_LABELS if c not in required]
    return [(c, ATTACHMENT_LABELS[c]) for c in [*required, *rest]]


def _needs_outcomes(application) -> bool:
    kinds = {rule.kind for rule in application.direction.spec.rules}
    return application.direction.spec.amount.kind == "post_subsidy" or "min_product_sales" in kinds


@login_required_keeping_post
def edit(request, pk):
    application = _visible(request, pk)
    if not request.user.has_perm("applications.change_application", application):
        closed = application.is_editable and window_problem(application)
        messages.info(request, closed or "该申报书当前不可修改。")
        return redirect("applications:detail", pk=pk)
    pending = request.session.get(PENDING_FORM)
    if request.method == "GET" and pending and pending.get("pk") == application.pk:
        del request.session[PENDING_FORM]
        services.save_draft(application=application, actor=request.user, data=MultiValueDict(pending["data"]))
        messages.success(request, "已恢复登录过期前填写的内容并保存为草稿。")
        return redirect("applications:edit", pk=pk)
    if request.method == "POST":
        data = request.POST
        prefix = request.POST.get("add_row")
        if prefix in LIST_LIMITS:
            data = services.add_row(data, prefix)
        try:
            services.save_draft(application=application, actor=request.user, data=data)
        except ServiceError as error:
            # Submitted from another tab or by another press of the button meanwhile.
            messages.error(request, str(error))
            return redirect("applications:detail", pk=pk)
        if not prefix:
            messages.success(request, "草稿已保存。")
        anchor = f"#section-{prefix}" if prefix else ""
        return redirect(reverse("applications:edit", args=[pk]) + anchor)
    application.refresh_from_db()
    return render(
        request, "applications/edit.html", _edit_context(application, Dossier.of(application), request)
    )


@login_required_keeping_post
@require_POST
def submit(request, pk):
    """提交 (or 重新提交 after a return): the 申报书 as posted is kept as the draft, then frozen
    as a version if it is complete and eligible."""
    application = _visible(request, pk)
    if not request.user.has_perm("applications.change_application", application):
        closed = application.is_editable and window_problem(application)
        messages.info(request, closed or "该申报书当前不可修改。")
        return redirect("applications:detail", pk=pk)
    try:
        application = services.submit_draft(application=application, actor=request.user, data=request.POST)
    except services.SubmissionRefused as refusal:
        application.refresh_from_db()
        context = _edit_context(application, Dossier.of(application), request)
        context["refusal"] = refusal
        return render(request, "applications/edit.html", context, status=200)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", pk=application.pk)
    version = selectors.latest_version(application)
    messages.success(request, f"已提交（第{version.number}版）。申报书摘要值 SHA-256：{version.sha256}")
    return redirect("applications:detail", pk=application.pk)


@login_required_keeping_post
@require_POST
def autosave(request, pk):
    application = _visible(request, pk)
    try:
        dossier = services.save_draft(application=application, actor=request.user, data=request.POST)
    except ServiceError as error:
        return render(request, "applications/_findings.html", {"locked": str(error)})
    application.refresh_from_db()
    return render(
        request,
        "applications/_findings.html",
        {
            "application": application,
            "dossier": dossier,
            "live": _live_check(application, dossier),
            "steps": _steps(application, dossier),
            "autosaved": True,
        },
    )


def _carries_draft(post) -> bool:
    """Whether a post comes from the edit page's form, whose 申报书 fields it then carries
    (the upload and remove buttons are in that form, so nothing typed before is lost)."""
    return any(key.endswith("-TOTAL_FORMS") for key in post)


def _keep_draft(request, application) -> bool:
    """Save the 申报书 posted along with an attachment change; False when it can no longer be."""
    if not _carries_draft(request.POST):
        return True
    try:
        services.save_draft(application=application, actor=request.user, data=request.POST)
    except ServiceError as error:
        messages.error(request, str(error))
        return False
    return True


@login_required
@require_POST
def upload_attachment(request, pk):
    application = _visible(request, pk)
    form = AttachmentUploadForm(request.POST, request.FILES, choices=list(ATTACHMENT_LABELS.items()))
    if not _keep_draft(request, application):
        return redirect(reverse("applications:edit", args=[pk]) + "#section-attachments")
    if not form.is_valid():
        messages.error(request, "请选择附件类型和要上传的文件。")
        return redirect(reverse("applications:edit", args=[pk]) + "#section-attachments")
    for upload in form.cleaned_data["file"]:
        try:
            services.add_attachment(
                application=application, actor=request.user, code=form.cleaned_data["code"], upload=upload
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"附件“{upload.name}”已上传。")
    return redirect(reverse("applications:edit", args=[pk]) + "#section-attachments")


@login_required
@require_POST
def remove_attachment(request, pk, attachment_pk):
    application = _visible(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application, removed_at=None)
    if not _keep_draft(request, application):
        return redirect(reverse("applications:edit", args=[pk]) + "#section-attachments")
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"附件“{attachment.original_name}”已删除。")
    return redirect(reverse("applications:edit", args=[pk]) + "#section-attachments")


def _in_a_version(attachment: Attachment) -> bool:
    """Whether a submitted version lists the file: it is then part of the record, readable
    by whoever may see the application even after it was removed from the working copy. A
    file removed before it was ever submitted is gone."""
    return any(
        listed.get("id") == attachment.pk
        for snapshot in attachment.application.versions.values_list("snapshot", flat=True)
        for listed in snapshot.get("attachments") or ()
    )


@login_required
def download_attachment(request, pk, attachment_pk):
    application = _visible(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if attachment.removed_at is not None and not _in_a_version(attachment):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        filename=attachment.original_name,
        as_attachment=attachment.content_type != "application/pdf",
    )


@login_required
@require_POST
def act(request, pk, action):
    application = _visible(request, pk)
    # Submitting freezes a version (its own view), passing records the handling of automatic
    # findings (the review page), 立项 comes from a final funding plan: none is a bare act.
    if action in ("submit", "resubmit", "formal_pass", "fund"):
        raise PermissionDenied
    try:
        services.transition(
            application=application, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{services.TRANSITIONS[action].label}。")
    return redirect("applications:detail", pk=pk)


@login_required
def version_detail(request, pk, number):
    application = _visible(request, pk)
    version = get_object_or_404(application.versions, number=number)
    dossier = Dossier.of_version(application, version)
    return render(
        request,
        "applications/version.html",
        {
            "application": application,
            "version": version,
            "sections": display_sections(dossier),
            "content": submitted_content(version),
            # The automatic findings at submission, as frozen.
            "snapshot": version.snapshot,
        },
    )


@login_required
def print_pdf(request, pk):
    from stplan.applications.printing import application_pdf

    application = _visible(request, pk)
    version = selectors.latest_version(application)
    content = application_pdf(application=application, version=version)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}.pdf"'
    return response
