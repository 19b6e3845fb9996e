from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from stplan.applications.selectors import visible_applications
from stplan.errors import ServiceError
from stplan.guides.models import Guide
from stplan.integrity import exports, selectors, services
from stplan.integrity.jobs import SCAN
from stplan.integrity.models import FundedElsewhere, PairStatus, SanctionEntry
from stplan.jobs import services as jobs
from stplan.jobs.views import started
from stplan.listing import Sort, listing
from stplan.web import object_id, xlsx_response
from stplan.workflow import workflow_of


def _staff(user):
    if not user.has_perm("integrity.view_report"):
        raise PermissionDenied


def _guide(params) -> Guide | None:
    """The batch asked for, or the latest guide."""
    guides = Guide.objects.order_by("-year", "-pk")
    return guides.filter(pk=object_id(params.get("guide"))).first() or guides.first()


@login_required
def report(request):
    _staff(request.user)
    guide = _guide(request.GET)
    pairs = selectors.report(request.user, guide=guide, params=request.GET) if guide else []
    return render(
        request,
        "integrity/report.html",
        {
            "guide": guide,
            "guides": Guide.objects.order_by("-year", "-pk"),
            "pairs": pairs[:500] if guide else [],
            "total": pairs.count() if guide else 0,
            "scan": selectors.latest_scan(guide) if guide else None,
            "statuses": PairStatus.choices,
            "directions": guide.directions.filter(accepts_applications=True) if guide else [],
            "params": request.GET,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def scan(request):
    _staff(request.user)
    guide = _guide(request.POST)
    if guide is None:
        raise PermissionDenied
    job = jobs.start(kind=SCAN, owner=request.user, params={"guide": guide.pk})
    return started(request, job, back=f"{reverse('integrity:report')}?guide={guide.pk}")


@login_required
def export(request):
    _staff(request.user)
    guide = _guide(request.GET)
    pairs = selectors.report(request.user, guide=guide, params=request.GET) if guide else []
    return xlsx_response(exports.pairs_xlsx(pairs), "查重结果.xlsx")


def _segments(text: str, spans) -> list[tuple[str, bool]]:
    """The text cut into (part, shared) for highlighting."""
    parts, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


@login_required
def pair(request, pk):
    _staff(request.user)
    found = get_object_or_404(selectors.visible_pairs(request.user), pk=pk)
    if request.method == "POST":
        action = request.POST.get("decision", "")
        try:
            services.decide(
                pair=found, action=action, actor=request.user, reason=request.POST.get("reason", "")
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{found.application.number}：{workflow_of(found).label_of(action)}。")
            return redirect("integrity:pair", pk=found.pk)
    flow = workflow_of(found)
    return render(
        request,
        "integrity/pair.html",
        {
            "pair": found,
            "application_segments": _segments(found.application_text, found.application_spans),
            "other_segments": _segments(found.other_text, found.other_spans),
            "decisions": [(a, flow.label_of(a)) for a in flow.available(found, request.user)],
            "events": found.events.select_related("actor"),
            "posted": request.POST,
        },
    )


@login_required
def application_pairs(request, pk):
    """The 查重 of one application, as a part of its 形审 page."""
    _staff(request.user)
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    return render(
        request,
        "integrity/_application_pairs.html" if request.htmx else "integrity/application_pairs.html",
        {"application": application, "pairs": selectors.pairs_of(application, request.user)},
    )


REGISTRY_SORTS = {
    "year": Sort(gettext_lazy("立项年度从近到远"), ("-year", "pk")),
    "title": Sort(gettext_lazy("项目名称"), ("title", "pk")),
}
SANCTION_SORTS = {
    "recorded": Sort(gettext_lazy("认定日期从近到远"), ("-sanctioned_on", "pk")),
    "name": Sort(gettext_lazy("名称或姓名"), ("name", "pk")),
}


def _import(request, importer, done: str) -> None:
    """The 局管理员's upload of a filled-in template, its outcome as this page's message."""
    if not request.user.has_perm("integrity.import_registry"):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 Excel 文件。"))
        return
    try:
        count = importer(actor=request.user, content=upload.read())
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"count": count})


@login_required
def registry(request):
    _staff(request.user)
    if request.method == "POST":
        _import(request, services.import_registry, _("已导入%(count)s个外部已立项项目。"))
        return redirect("integrity:registry")
    shown = listing(
        request,
        FundedElsewhere.objects.all(),
        sorts=REGISTRY_SORTS,
        search=("title", "unit_name", "leader_name"),
    )
    return render(request, "integrity/registry.html", {"listing": shown})


@login_required
def registry_template(request):
    _staff(request.user)
    return xlsx_response(exports.registry_template(), "外部已立项项目模板.xlsx")


@login_required
def sanctions(request):
    _staff(request.user)
    if request.method == "POST":
        _import(request, services.import_sanctions, _("已导入%(count)s条失信记录。"))
        return redirect("integrity:sanctions")
    shown = listing(
        request, SanctionEntry.objects.all(), sorts=SANCTION_SORTS, search=("name", "authority", "reason")
    )
    return render(request, "integrity/sanctions.html", {"listing": shown})


@login_required
def sanctions_template(request):
    _staff(request.user)
    return xlsx_response(exports.sanctions_template(), "失信记录模板.xlsx")
