"""Lists as xlsx, with the same rows the screen shows."""

from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from stplan.accounts.models import UNIT_KIND_CHOICES
from stplan.applications import selectors
from stplan.applications.models import Application, Status
from stplan.spreadsheets import append_row

COLUMNS = [
    ("申报编号", 18),
    ("方向", 8),
    ("方向名称", 28),
    ("项目名称", 36),
    ("牵头单位", 30),
    ("单位性质", 12),
    ("县（市、区）", 12),
    ("项目负责人", 12),
    ("推荐单位", 24),
    ("状态", 18),
    ("首次提交时间", 18),
    ("申请市财政资助（元）", 16),
    ("自动审查错误项", 10),
    ("自动审查提示项", 10),
    ("自动审查意见", 60),
]


# Rows re-checked and written per step: the queries per step are fixed, so an export of
# 50,000 rows runs 100 steps of bounded memory, each one reported as progress.
CHUNK = 500


# What a row shows, read as plain values: a model per row and per related row took longer
# than the re-check itself.
FIELDS = (
    "pk",
    "guide_id",
    "guide__slug",
    "version",
    "number",
    "direction__number",
    "direction__title",
    "title",
    "lead_unit__name",
    "lead_unit__kind",
    "lead_unit__county",
    "leader__full_name",
    "leader__username",
    "recommender__name",
    "status",
    "first_submitted_at",
    "requested_amount",
)


def applications_xlsx(applications: QuerySet[Application], *, progress=None) -> bytes:
    """The list as a workbook written row by row (openpyxl's write-only mode keeps no sheet
    in memory); `progress(done, total)` hears after every step."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("申报项目")
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _w in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    # The order is read once; each step then fetches its rows by key, never by OFFSET.
    order = list(applications.values_list("pk", flat=True))
    records = selectors.system_records()
    for start in range(0, len(order), CHUNK):
        pks = order[start : start + CHUNK]
        rows = applications.filter(pk__in=pks).order_by().values(*FIELDS)
        by_pk = {row["pk"]: row for row in rows}
        _write_rows(sheet, [by_pk[pk] for pk in pks if pk in by_pk], records)
        if progress is not None:
            progress(min(start + CHUNK, len(order)), len(order))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_rows(sheet, rows: list[dict], records) -> None:
    submitted = [
        selectors.ListedApplication(row["pk"], row["guide_id"], row["guide__slug"])
        for row in rows
        if row["version"]
    ]
    results = selectors.rechecks_of(submitted, records=records)
    # Django's get_FOO_display hashes every (lazy) choice on each call: the labels are looked
    # up once per step instead.
    statuses = {value: str(label) for value, label in Status.choices}
    unit_kinds = {value: str(label) for value, label in UNIT_KIND_CHOICES}
    for row in rows:
        result = results.get(row["pk"])
        findings = result.findings if result else ()
        submitted_at = row["first_submitted_at"]
        append_row(
            sheet,
            [
                row["number"],
                row["direction__number"],
                row["direction__title"],
                row["title"],
                row["lead_unit__name"],
                unit_kinds.get(row["lead_unit__kind"], row["lead_unit__kind"]),
                row["lead_unit__county"],
                row["leader__full_name"] or row["leader__username"],
                row["recommender__name"] or "",
                statuses[row["status"]],
                timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
                # Kept on the application at each submission: no version is read again for it.
                row["requested_amount"] if row["version"] else None,
                sum(f.severity == "error" for f in findings),
                sum(f.severity == "warning" for f in findings),
                "\n".join(f"[{f.clause}] {f.message}" for f in findings),
            ],
        )
