"""形式审查 desk for the 科室 that manages each 方向."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stplan.accounts.models import Unit
from stplan.applications import exports, selectors, services
from stplan.applications.dossier import Dossier, attachment_rows, display_sections
from stplan.applications.forms import DeskBulkForm
from stplan.applications.jobs import DESK_EXPORT
from stplan.applications.models import Status
from stplan.applications.submission import submitted_content
from stplan.eligibility import labels
from stplan.errors import ServiceError
from stplan.guides.models import Direction
from stplan.jobs import services as jobs
from stplan.listing import listing
from stplan.web import xlsx_response


def _staff(user):
    if not user.has_perm("applications.export_applications"):
        raise PermissionDenied


@login_required
def desk(request):
    _staff(request.user)
    return _desk_page(request, DeskBulkForm(applications=_decidable(request.user)))


def _decidable(user):
    return selectors.desk_applications(user, {}).filter(status=Status.RECOMMENDED)


def _desk_page(request, bulk_form):
    applications = selectors.desk_applications(request.user, request.GET)
    directions = Direction.objects.filter(accepts_applications=True)
    if request.user.section:
        directions = directions.filter(section=request.user.section)
    shown = listing(request, applications, sorts=selectors.APPLICATION_SORTS)
    results = selectors.rechecks(shown.rows)
    rows = [(a, results[a.pk]) for a in shown.rows]
    checked = {str(v) for v in bulk_form["applications"].value() or []} if bulk_form.is_bound else set()
    return render(
        request,
        "applications/desk.html",
        {
            "rows": rows,
            "listing": shown,
            "params": request.GET,
            "programmes": sorted({d.category.programme for d in directions.select_related("category")}),
            "directions": directions,
            "statuses": [(value, label) for value, label in Status.choices if value != Status.DRAFT],
            "counties": Unit.objects.exclude(county="")
            .order_by("county")
            .values_list("county", flat=True)
            .distinct(),
            "unit_kinds": list(labels.ORGANIZATION_KINDS.items()),
            "query": request.GET.urlencode(),
            "bulk_form": bulk_form,
            "checked": checked,
            "decidable": any(a.status == Status.RECOMMENDED for a, _result in rows),
        },
    )


@login_required
@require_POST
def desk_bulk(request):
    """形审通过 or 退回修改 for the applications ticked on the desk, each through the kernel;
    the ones refused are named by 申报编号 with the reason."""
    _staff(request.user)
    form = DeskBulkForm(request.POST, applications=_decidable(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _desk_page(request, form)
    decision = form.cleaned_data["decision"]
    try:
        done, refused = services.formal_review_many(
            applications=list(form.cleaned_data["applications"].order_by("number")),
            action=decision,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return _desk_page(request, form)
    label = services.TRANSITIONS[decision].label
    if done:
        messages.success(
            request,
            _("%(label)s %(n)s 项：%(numbers)s")
            % {"label": label, "n": len(done), "numbers": "、".join(a.number for a in done)},
        )
    for number, error in refused:
        messages.error(request, _("%(number)s 未办理：%(error)s") % {"number": number, "error": error})
    if refused and not done:
        return _desk_page(request, form)
    query = request.GET.urlencode()
    return redirect(reverse("applications:desk") + (f"?{query}" if query else ""))


@login_required
def desk_export(request):
    _staff(request.user)
    params = request.POST if request.method == "POST" else request.GET
    applications = selectors.desk_applications(request.user, params)
    count = applications.count()
    if count <= settings.STPLAN_INLINE_EXPORT_ROWS:
        return xlsx_response(exports.applications_xlsx(applications), "形式审查.xlsx")
    if request.method != "POST":
        return render(
            request,
            "applications/export_start.html",
            {"count": count, "params": [(k, params[k]) for k in selectors.DESK_FILTERS if params.get(k)]},
        )
    job = jobs.start(
        kind=DESK_EXPORT,
        owner=request.user,
        params={k: params[k] for k in selectors.DESK_FILTERS if params.get(k)},
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
def review(request, pk):
    application = get_object_or_404(selectors.visible_applications(request.user), pk=pk)
    if not request.user.has_perm("applications.formal_review_application", application):
        raise PermissionDenied
    result = selectors.recheck(application)
    keyed = (
        [(services.override_key(f.as_dict()), f) for f in result.findings if f.severity == "error"]
        if result
        else []
    )
    # What the officer typed stays in the boxes when the decision is refused.
    errors = [(key, f, request.POST.get(f"override-{key}", "")) for key, f in keyed]
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in ("formal_pass", "formal_reject", "formal_return"):
            messages.error(request, "请选择审查结论。")
        else:
            overrides = {key: typed for key, _f, typed in errors}
            try:
                services.transition(
                    application=application,
                    action=decision,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    overrides=overrides,
                )
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"{application.number}：{services.TRANSITIONS[decision].label}。")
                return redirect("applications:desk")
    version = selectors.latest_version(application)
    dossier = Dossier.of_version(application, version)
    content = submitted_content(version) if version else None
    return render(
        request,
        "applications/review.html",
        {
            "application": application,
            "version": version,
            "result": result,
            "sections": display_sections(dossier),
            "errors": errors,
            "overrides": application.overrides.select_related("officer"),
            "attachments": attachment_rows(content),
            "events": application.events.select_related("actor"),
            "can_decide": application.status == Status.RECOMMENDED,
            "posted": request.POST,
        },
    )
