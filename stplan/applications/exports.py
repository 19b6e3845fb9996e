"""Lists as xlsx, with the same rows the screen shows."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from stplan.applications import selectors
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


def applications_xlsx(applications, *, progress=None) -> bytes:
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
    listed = isinstance(applications, list)
    # The order is read once; each step then fetches its rows by key, never by OFFSET.
    order = [a.pk for a in applications] if listed else list(applications.values_list("pk", flat=True))
    given = {a.pk: a for a in applications} if listed else {}
    records = selectors.system_records()
    for start in range(0, len(order), CHUNK):
        pks = order[start : start + CHUNK]
        by_pk = given or {a.pk: a for a in applications.filter(pk__in=pks).order_by()}
        _write_rows(sheet, [by_pk[pk] for pk in pks if pk in by_pk], records)
        if progress is not None:
            progress(min(start + CHUNK, len(order)), len(order))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_rows(sheet, applications: list, records) -> None:
    results = selectors.rechecks(applications, records=records)
    contents = selectors.latest_contents(applications)
    for application in applications:
        result = results[application.pk]
        findings = result.findings if result else ()
        content = contents.get(application.pk)
        requested = content.requested_city_funds if content else None
        append_row(
            sheet,
            [
                application.number,
                application.direction.number,
                application.direction.title,
                application.title,
                application.lead_unit.name,
                application.lead_unit.get_kind_display(),
                application.lead_unit.county,
                str(application.leader),
                application.recommender.name if application.recommender else "",
                application.get_status_display(),
                timezone.localtime(application.first_submitted_at).strftime("%Y-%m-%d %H:%M")
                if application.first_submitted_at
                else "",
                requested,
                sum(f.severity == "error" for f in findings),
                sum(f.severity == "warning" for f in findings),
                "\n".join(f"[{f.clause}] {f.message}" for f in findings),
            ],
        )
