from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from stplan.statistics import exports, selectors
from stplan.web import xlsx_response


def _allowed(request):
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied


def _dimension(request) -> str:
    by = request.GET.get("by")
    return by if by in selectors.DIMENSIONS else "direction"


@login_required
def overview(request):
    _allowed(request)
    by = _dimension(request)
    rows = selectors.breakdown(request.user, by)
    for row in rows:
        row["url"] = reverse("statistics:applications") + "?" + urlencode({"by": by, "value": row["value"]})
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.breakdown_xlsx(rows, selectors.DIMENSIONS[by].label), f"统计-{by}.xlsx")
    context = {
        "by": by,
        "dimensions": selectors.DIMENSIONS,
        "dimension_label": selectors.DIMENSIONS[by].label,
        "rows": rows,
        "projects": selectors.projects_by_state(request.user),
        "chart": {
            "labels": [r["label"] for r in rows],
            "urls": [r["url"] for r in rows],
            "series": [
                {"name": _("申报数"), "data": [r["applications"] for r in rows]},
                {"name": _("形审通过"), "data": [r["passed"] for r in rows]},
                {"name": _("立项"), "data": [r["funded"] for r in rows]},
            ],
            "amounts": [
                {"name": _("立项资助金额（元）"), "data": [r["funded_amount"] for r in rows]},
                {"name": _("已拨付（元）"), "data": [r["paid_amount"] for r in rows]},
            ],
        },
    }
    return render(request, "statistics/overview.html", context)


@login_required
def applications(request):
    _allowed(request)
    by = _dimension(request)
    value = (request.GET.get("value") or "")[:100]
    found = selectors.drill_down(request.user, by, value)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.applications_xlsx(found), f"统计明细-{by}.xlsx")
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    rows = selectors.breakdown(request.user, by)
    label = next((r["label"] for r in rows if r["value"] == value), value)
    context = {
        "by": by,
        "value": value,
        "label": label,
        "dimension": selectors.DIMENSIONS[by],
        "page": page,
        "applications": page.object_list,
        "query": urlencode({"by": by, "value": value}),
    }
    return render(request, "statistics/applications.html", context)
