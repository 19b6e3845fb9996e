"""查重 workbooks: the pairs of a batch, and the templates for projects funded elsewhere and
for outside 失信 lists."""

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from stplan.integrity.services import REGISTRY_COLUMNS, SANCTION_COLUMNS
from stplan.spreadsheets import append_row

PAIR_COLUMNS = [
    ("相似度", 8),
    ("申报编号", 18),
    ("方向", 8),
    ("项目名称", 36),
    ("牵头单位", 30),
    ("相似的申报或项目", 18),
    ("其名称", 36),
    ("其单位", 30),
    ("其年度", 8),
    ("状态", 16),
    ("相同段落", 80),
]

REGISTRY_HINTS = [
    "单位全称",
    "姓名",
    "",
    "可选：用于查重的摘要或研究内容",
    "如 2021",
    "如 自治区科技计划、国家自然科学基金",
    "整数，可空",
]


def _sheet(book: Workbook, title: str, columns) -> object:
    sheet = book.active
    sheet.title = title
    append_row(sheet, [name for name, _w in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def pairs_xlsx(pairs) -> Workbook:
    book = Workbook()
    sheet = _sheet(book, "查重结果", PAIR_COLUMNS)
    for pair in pairs:
        application = pair.application
        if pair.earlier_id:
            other = pair.earlier
            identity = [other.number, other.title, other.lead_unit.name, other.guide.year]
        else:
            other = pair.registered
            identity = [other.funder, other.title, other.unit_name, other.year]
        append_row(
            sheet,
            [
                round(pair.similarity, 4),
                application.number,
                application.direction.number,
                application.title,
                application.lead_unit.name,
                *identity,
                pair.get_status_display(),
                "；".join(pair.shared),
            ],
        )
    return book


def registry_template() -> Workbook:
    book = Workbook()
    sheet = _sheet(book, "外部已立项项目", REGISTRY_COLUMNS)
    append_row(sheet, REGISTRY_HINTS)
    return book


SANCTION_HINTS = [
    "单位 或 个人",
    "单位全称或姓名",
    "单位填统一社会信用代码，个人填身份证号",
    "如 2021-06-30",
    "可空：空则按指南规定的年限",
    "如 自治区科技厅",
    "如 项目验收不通过、科研失信行为",
]


def sanctions_template() -> Workbook:
    book = Workbook()
    sheet = _sheet(book, "失信记录", SANCTION_COLUMNS)
    append_row(sheet, SANCTION_HINTS)
    return book
