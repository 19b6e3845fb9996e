"""One page of a list, sorted and searched as the request asks: every list page uses it.

A list names its sorts (key → label and ORDER BY fields) and the fields its keyword searches;
the request's `sort`, `q` and `page` choose among them, and anything else is ignored, so a
forged parameter never reaches the database as a field name. The shared templates
`listing/search.html` (keyword and sort inside the page's filter form) and `listing/pages.html`
(count and page links keeping every other parameter) show it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

PER_PAGE = 50


@dataclass(frozen=True)
class Sort:
    label: str
    order_by: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    page: Page
    sorts: dict[str, Sort]
    sort: str
    q: str
    # The request's other parameters, urlencoded, for links to other pages.
    kept: str

    @property
    def rows(self):
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def sort_choices(self) -> list[tuple[str, str]]:
        return [(key, sort.label) for key, sort in self.sorts.items()]


def keyword_filter(q: str, fields: tuple[str, ...]) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return condition


def listing(
    request,
    queryset: QuerySet,
    *,
    sorts: dict[str, Sort],
    search: tuple[str, ...] | Callable[[str], Q] | None = None,
    per_page: int = PER_PAGE,
) -> Listing:
    """`search` is the fields `q` is looked for in, or a function of `q` giving the condition
    when a plain OR of fields would be slow."""
    params = request.GET
    q = str(params.get("q", "")).strip()[:100]
    if q and search:
        queryset = queryset.filter(search(q) if callable(search) else keyword_filter(q, search))
    sort = params.get("sort", "")
    if sort not in sorts:
        sort = next(iter(sorts))
    queryset = queryset.order_by(*sorts[sort].order_by)
    return _page(params, queryset, sorts, sort, q, per_page)


def listing_of_rows(request, rows: list, *, matches: Callable[[object, str], bool], per_page: int = PER_PAGE):
    """A page of rows computed in Python in an order of their own (a ranking): searched by
    `matches(row, q)`, not re-sorted."""
    params = request.GET
    q = str(params.get("q", "")).strip()[:100]
    if q:
        rows = [row for row in rows if matches(row, q)]
    return _page(params, rows, {}, "", q, per_page)


def _page(params, rows, sorts, sort, q, per_page) -> Listing:
    if isinstance(rows, QuerySet):
        # The page's keys first, from a narrow sort of keys and sort columns only; then its
        # fifty rows with all their columns and relations. Sorting whole joined rows of a
        # large table to keep fifty made the first page the slowest query of the site.
        page = Paginator(rows.values_list("pk", flat=True), per_page).get_page(params.get("page"))
        keys = list(page.object_list)
        by_pk = rows.order_by().in_bulk(keys)
        page.object_list = [by_pk[key] for key in keys if key in by_pk]
    else:
        page = Paginator(rows, per_page).get_page(params.get("page"))
    kept = params.copy()
    kept.pop("page", None)
    return Listing(page=page, sorts=sorts, sort=sort, q=q, kept=kept.urlencode())
