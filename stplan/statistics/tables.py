"""The statistics page's tables and the charts drawn from them: which columns each table has,
which drill-down a cell opens, and which columns each chart plots."""

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote_plus

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role, User
from stplan.projects.models import AcceptanceStatus, ProjectStatus
from stplan.statistics import selectors

DRILL_DOWN_URL = lru_cache(maxsize=1)(lambda: reverse("statistics:applications"))
# The page's figures are shown as they are for this long after they were computed (the page
# says when); until STALE_SECONDS they are shown while a worker computes new ones, and they are
# kept KEEP_SECONDS (older ones are computed anew before they are shown).
CACHE_SECONDS = 60
STALE_SECONDS = 3600
KEEP_SECONDS = STALE_SECONDS


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    subset: str | None = None  # the drill-down a cell opens, if any


@dataclass(frozen=True)
class Chart:
    id: str
    label: str
    columns: tuple[str, ...]
    kind: str = "bar"  # bar | stack | line
    limit: int | None = None  # the first rows only (the table beside it has them all)


@dataclass
class Table:
    key: str
    title: str
    label_title: str
    columns: list[Column]
    rows: list[dict]
    charts: list[Chart] = field(default_factory=list)
    by: str = ""
    note: str = ""
    shown: int | None = None  # the page shows the first rows only; the export has them all

    def url(self, row: dict, subset: str | None) -> str:
        url = f"{DRILL_DOWN_URL()}?by={self.by}&value={quote_plus(row['value'])}"
        return f"{url}&subset={quote_plus(subset)}" if subset else url

    @property
    def hidden(self) -> int:
        return len(self.rows) - len(self.rows[: self.shown])

    @property
    def body_html(self) -> str:
        """The shown rows as table rows: built here, as a template loop over every cell of
        every table would take most of the page's time."""
        columns = [(c.key, c.subset, escape(c.title)) for c in self.columns]
        lines = []
        for row in self.rows[: self.shown]:
            base = escape(f"{DRILL_DOWN_URL()}?by={self.by}&value={quote_plus(row['value'])}")
            subset = self.row_subset(row)
            row_url = f"{base}&amp;subset={quote_plus(subset)}" if subset else base
            cells = [f'<th scope="row"><a href="{row_url}">{escape(row["label"])}</a></th>']
            for key, subset, title in columns:
                value = row[key]
                if value is None:
                    shown = "—"
                elif isinstance(value, int | float):
                    shown = str(value)
                else:
                    shown = escape(value)
                if subset is not None and value:
                    href = f"{base}&amp;subset={quote_plus(subset)}" if subset else base
                    shown = f'<a href="{href}">{shown}</a>'
                cells.append(f'<td data-label="{title}">{shown}</td>')
            lines.append(f"<tr>{''.join(cells)}</tr>")
        if not lines:
            lines.append(f'<tr><td colspan="{len(self.columns) + 1}">{escape(_("暂无。"))}</td></tr>')
        return mark_safe("\n".join(lines))  # every value escaped above

    def row_subset(self, row: dict) -> str:
        return f"expert:{row['value']}" if self.key == "experts" else ""

    def chart_data(self) -> list[dict]:
        titles = {c.key: c for c in self.columns}
        return [
            {
                "id": chart.id,
                "kind": chart.kind,
                "labels": [r["label"] for r in self.rows[: chart.limit]],
                "series": [
                    {
                        "name": str(titles[key].title),
                        "data": [r[key] for r in self.rows[: chart.limit]],
                        "urls": [
                            self.url(r, titles[key].subset or self.row_subset(r))
                            for r in self.rows[: chart.limit]
                        ],
                    }
                    for key in chart.columns
                ],
            }
            for chart in self.charts
        ]


def _key(user) -> str:
    scope = f"section:{user.section}" if user.role == Role.OFFICER else "all"
    return f"statistics:v2:{scope}"


def numbers(user, by: str, *, now=None) -> dict:
    """Every aggregate of the page for `user` by `by`. The figures of a scope (the same for
    everyone who sees it, for every dimension and language) are kept in the shared cache:
    younger than CACHE_SECONDS they are shown as they are; older, but younger than
    STALE_SECONDS, they are shown while a worker computes new ones (with a queue configured);
    otherwise they are computed here."""
    found = cache.get(_key(user))
    now = now or timezone.now()
    age = None if found is None else (now - found.computed_at).total_seconds()
    refreshing = False
    if age is not None and CACHE_SECONDS < age <= STALE_SECONDS and settings.CELERY_BROKER_URL:
        refreshing = _refresh_later(user)
    elif age is None or age > CACHE_SECONDS:
        found = store(user)
    return {**found.by(by), "computed_at": found.computed_at, "refreshing": refreshing}


def store(user) -> selectors.Figures:
    """Compute `user`'s scope's figures and keep them for everyone of that scope."""
    found = selectors.figures(user, now=timezone.now())
    cache.set(_key(user), found, KEEP_SECONDS)
    cache.delete(f"{_key(user)}:refreshing")
    return found


@shared_task(name="stplan.statistics.refresh")
def refresh(user_id: int) -> None:
    """A worker's refresh of the figures of `user_id`'s scope."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None and selectors.may_see_statistics(user):
        store(user)


@shared_task(name="stplan.statistics.refresh_every_scope")
def refresh_every_scope() -> None:
    """The figures of every scope computed anew (the beat's periodic task), so that with a
    worker no one waits for them to be computed: the bureau's and each 科室's."""
    for user in selectors.one_user_per_scope():
        store(user)


def _refresh_later(user) -> bool:
    """Have a worker compute the figures anew, once for all who ask meanwhile."""
    # A worker that died mid-way holds the lock no longer than this.
    if cache.add(f"{_key(user)}:refreshing", True, 300):
        transaction.on_commit(lambda: refresh.delay(user.pk))
    return True


def tables(found: dict, by: str) -> list[Table]:
    dimension = selectors.DIMENSIONS[by].label
    return [
        Table(
            "breakdown",
            _("申报、形式审查与立项"),
            dimension,
            [
                Column("applications", _("申报数"), ""),
                Column("passed", _("形审通过"), "passed"),
                Column("rejected", _("形审不通过"), "rejected"),
                Column("pass_rate", _("形审通过率（%）")),
                Column("funded", _("立项数"), "funded"),
                Column("requested_amount", _("申请资助金额（元）"), ""),
                Column("funded_amount", _("立项资助金额（元）"), "funded"),
                Column("paid_amount", _("已拨付（元）"), "funded"),
            ],
            found["breakdown"],
            [
                Chart(
                    "chart-counts",
                    _("申报、形式审查与立项数量图，数据见下表"),
                    ("applications", "passed", "funded"),
                ),
                Chart(
                    "chart-amounts",
                    _("申请、资助与拨付金额图，数据见下表"),
                    ("requested_amount", "funded_amount", "paid_amount"),
                ),
            ],
            by,
        ),
        Table(
            "series",
            _("历年各批次申报与立项"),
            _("批次"),
            [
                Column("applications", _("申报数"), ""),
                Column("passed", _("形审通过"), "passed"),
                Column("funded", _("立项数"), "funded"),
                Column("requested_amount", _("申请资助金额（元）"), ""),
                Column("funded_amount", _("立项资助金额（元）"), "funded"),
            ],
            found["series"],
            [
                Chart(
                    "chart-series",
                    _("历年各批次申报与立项趋势图，数据见下表"),
                    ("applications", "passed", "funded"),
                    "line",
                )
            ],
            "batch",
        ),
        Table(
            "projects",
            _("项目状态"),
            dimension,
            [Column(s.value, s.label, f"project:{s.value}") for s in ProjectStatus],
            found["projects"],
            [
                Chart(
                    "chart-projects",
                    _("各状态项目数图，数据见下表"),
                    tuple(s.value for s in ProjectStatus),
                    "stack",
                )
            ],
            by,
        ),
        Table(
            "overdue",
            _("年度报告逾期"),
            dimension,
            [
                Column("projects", _("实施中项目数"), "project:in_progress"),
                Column("owing", _("有逾期报告的项目数"), "overdue"),
                Column("missing", _("逾期未交的年度报告数"), "overdue"),
            ],
            found["overdue"],
            [Chart("chart-overdue", _("年度报告逾期图，数据见下表"), ("owing", "missing"))],
            by,
            _(
                "项目每满一个项目年度（自任务书开始日期起365天）须提交年度报告；到期后仍未提交（或提交后被退回未再提交）的计为逾期。"
            ),
        ),
        Table(
            "acceptance",
            _("验收结论与投入产出比"),
            dimension,
            [
                *(
                    Column(s.value, _("验收") + str(s.label), f"acceptance:{s.value}")
                    for s in (
                        AcceptanceStatus.PASSED,
                        AcceptanceStatus.FAILED,
                        AcceptanceStatus.CLOSED,
                        AcceptanceStatus.SUBMITTED,
                    )
                ),
                Column("concluded_amount", _("通过、结题项目资助金额（元）")),
                Column("new_output", _("新增产值（元）")),
                Column("total_investment", _("项目总投入（元）")),
                Column("roi", _("投入产出比（新增产值÷项目总投入）")),
                Column("funding_yield", _("财政资金产出比（新增产值÷市财政资助）")),
            ],
            found["acceptance"],
            [
                Chart(
                    "chart-acceptance",
                    _("验收结论图，数据见下表"),
                    (
                        AcceptanceStatus.PASSED.value,
                        AcceptanceStatus.FAILED.value,
                        AcceptanceStatus.CLOSED.value,
                    ),
                    "stack",
                ),
                Chart("chart-roi", _("投入产出比图，数据见下表"), ("roi",)),
            ],
            by,
            selectors.ROI_DEFINITION,
        ),
        Table(
            "experts",
            _("专家评审工作量与及时性"),
            _("专家"),
            [
                Column("unit", _("工作单位")),
                Column("tasks", _("评审任务数")),
                Column("submitted", _("已提交")),
                Column("late", _("逾期提交")),
                Column("late_rate", _("逾期提交率（%）")),
                Column("overdue", _("已过截止时间未提交")),
                Column("withdrawn", _("已回避")),
            ],
            found["experts"],
            [
                Chart(
                    "chart-experts",
                    _("专家评审任务与逾期图（任务最多的20位），数据见下表"),
                    ("tasks", "late", "overdue"),
                    limit=20,
                )
            ],
            by,
            _("截止时间为该任务延长后的截止时间，未延长的为评审轮次的截止时间。"),
        ),
    ]
