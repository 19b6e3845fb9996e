from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from stplan.statistics import exports, selectors
from stplan.statistics.tables import CACHE_SECONDS, numbers, tables
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
    found = numbers(request.user, by)
    shown = tables(found, by)
    if request.GET.get("format") == "xlsx":
        wanted = request.GET.get("table") or "breakdown"
        table = next((t for t in shown if t.key == wanted), shown[0])
        return xlsx_response(exports.table_xlsx(table), f"统计-{table.key}-{by}.xlsx")
    context = {
        "by": by,
        "dimensions": selectors.DIMENSIONS,
        "tables": shown,
        "computed_at": found["computed_at"],
        "refreshing": found["refreshing"],
        "cache_seconds": CACHE_SECONDS,
        "charts": [chart for table in shown for chart in table.chart_data()],
    }
    return render(request, "statistics/overview.html", context)


@login_required
def applications(request):
    _allowed(request)
    by = _dimension(request)
    value = (request.GET.get("value") or "")[:100]
    subset = (request.GET.get("subset") or "")[:40]
    found = selectors.drill_down(request.user, by, value, subset, today=timezone.localdate())
    if request.GET.get("format") == "xlsx":
        return xlsx_response(exports.applications_xlsx(found), f"统计明细-{by}.xlsx")
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    query = {"by": by, "value": value}
    if subset:
        query["subset"] = subset
    context = {
        "by": by,
        "value": value,
        "label": "" if subset.startswith("expert:") else selectors.label(by, value),
        "subset_label": selectors.subset_label(subset) if selectors.valid_subset(subset) else "",
        "dimension": selectors.DIMENSIONS[by],
        "page": page,
        "applications": page.object_list,
        "query": urlencode(query),
    }
    return render(request, "statistics/applications.html", context)
