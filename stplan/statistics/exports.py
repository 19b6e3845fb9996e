"""The statistics tables as xlsx, with the rows the page shows."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from stplan.spreadsheets import append_row


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


def table_xlsx(table) -> bytes:
    """One table of the page (a `stplan.statistics.tables.Table`), its rows as shown."""
    book, sheet = _book(
        str(table.title)[:31], [str(table.label_title), *(str(c.title) for c in table.columns)]
    )
    for row in table.rows:
        append_row(sheet, [row["label"], *(row[c.key] for c in table.columns)])
    return _bytes(book)


def applications_xlsx(applications) -> bytes:
    book, sheet = _book("明细", ["申报编号", "项目名称", "方向", "牵头单位", "状态"])
    for a in applications:
        append_row(sheet, [a.number, a.title, a.direction.number, a.lead_unit.name, a.get_status_display()])
    return _bytes(book)
