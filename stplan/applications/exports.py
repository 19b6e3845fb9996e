"""Lists as xlsx, with the same rows the screen shows."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
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


def applications_xlsx(applications) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "申报项目"
    append_row(sheet, [name for name, _w in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    applications = list(applications)
    results = selectors.rechecks(applications)
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
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
