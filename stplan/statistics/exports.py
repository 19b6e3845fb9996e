"""The statistics tables as xlsx, with the rows the page shows."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from stplan.spreadsheets import append_row

BREAKDOWN_COLUMNS = [
    ("applications", "申报数"),
    ("passed", "形审通过"),
    ("rejected", "形审不通过"),
    ("pass_rate", "形审通过率（%）"),
    ("funded", "立项数"),
    ("funded_amount", "立项资助金额（元）"),
    ("paid_amount", "已拨付（元）"),
]


def _book(title: str, header: list[str]):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return book, sheet


def _bytes(book) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def breakdown_xlsx(rows: list[dict], dimension_label) -> bytes:
    book, sheet = _book("统计", [str(dimension_label), *(title for _key, title in BREAKDOWN_COLUMNS)])
    for row in rows:
        append_row(sheet, [row["label"], *(row[key] for key, _title in BREAKDOWN_COLUMNS)])
    return _bytes(book)


def applications_xlsx(applications) -> bytes:
    book, sheet = _book("明细", ["申报编号", "项目名称", "方向", "牵头单位", "状态"])
    for a in applications:
        append_row(sheet, [a.number, a.title, a.direction.number, a.lead_unit.name, a.get_status_display()])
    return _bytes(book)
