"""Workbooks stplan writes and reads.

Writing: `append_row` puts a row in a sheet so that text stays text. openpyxl writes a string
starting with "=" as a formula, and a spreadsheet program may evaluate what starts with "+", "-",
"@", a tab or CR once someone edits the cell; such a cell is written as a string with the
"quote prefix" style (Excel and LibreOffice show it as typed, with no apostrophe, and keep it
text when edited). Numbers, dates and None are written as they are.

Reading: `read_rows` gives the rows of an uploaded workbook's first sheet, or a Chinese message
(ServiceError) for anything that is no readable xlsx, declares XML entities or a DOCTYPE, or is
too large. openpyxl parses with defusedxml when it is installed (a dependency of stplan), which
refuses entity declarations; the check here also refuses a bare DOCTYPE before parsing.
"""

import re
import zipfile
from collections.abc import Iterable
from io import BytesIO

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from stplan.errors import ServiceError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# An import is checked row by row in one request and saved in one transaction: 5,000 rows is
# more than any expert pool or list the bureau keeps, and keeps the request within seconds.
MAX_ROWS = 5000
# What the archive may unpack to: a 5,000-row sheet with long texts is a few MB; a "zip bomb"
# declares far more, and is refused before anything is unpacked.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Row problems listed in a message (it is kept in the session until shown).
MAX_LISTED_PROBLEMS = 50

NOT_XLSX = "无法读取文件：请上传按模板填写的 Excel（.xlsx）文件。"
HAS_ENTITIES = "文件含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），出于安全原因不予读取：请在 Excel 中另存为 .xlsx 后重新上传。"


def text_cell(sheet, value) -> Cell:
    """One cell for `sheet`: text that a spreadsheet could take for a formula stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # Placed at A1 until appended: the sheet gives it its real place, and a write-only sheet
    # needs a placed cell.
    cell = Cell(sheet, row=1, column=1, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet, values: Iterable) -> None:
    """`sheet.append(values)`, with every text written as text (see the module's doc)."""
    sheet.append([text_cell(sheet, value) for value in values])


def listed(problems: list[str]) -> list[str]:
    """The first MAX_LISTED_PROBLEMS problems, and how many more there are."""
    shown = problems[:MAX_LISTED_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(f"……另有{len(problems) - len(shown)}处错误未列出")
    return shown


_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_archive(content: bytes) -> None:
    if not content:
        raise ServiceError("上传的文件是空文件。")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ServiceError(f"文件解压后超过{MAX_UNPACKED_BYTES // (1024 * 1024)}MB，不予读取。")
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _DECLARATION.search(archive.read(member)):
                    raise ServiceError(HAS_ENTITIES)
    except ServiceError:
        raise
    except Exception:  # no zip, a damaged one, an encrypted member: none is an xlsx
        raise ServiceError(NOT_XLSX) from None


def read_rows(content: bytes, *, first_row: int, max_rows: int = MAX_ROWS) -> list[tuple[int, tuple]]:
    """(row number, values) of each non-empty row of the first sheet from `first_row` on.

    Refuses, with a Chinese message, what is no xlsx, declares entities or a DOCTYPE, unpacks
    to more than MAX_UNPACKED_BYTES, or has more than `max_rows` such rows (reading stops at
    the first row over)."""
    _check_archive(content)
    rows: list[tuple[int, tuple]] = []
    book = None
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        for number, raw in enumerate(sheet.iter_rows(min_row=first_row, values_only=True), start=first_row):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                continue
            if len(rows) == max_rows:
                raise ServiceError(f"文件数据超过{max_rows}行，请分成多个文件导入。")
            rows.append((number, raw))
    except ServiceError:
        raise
    # openpyxl raises many kinds (KeyError, ValueError, ParseError...) for a broken file.
    except Exception as error:
        raise ServiceError(HAS_ENTITIES if _from_defusedxml(error) else NOT_XLSX) from None
    finally:
        if book is not None:
            book.close()
    return rows


def _from_defusedxml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML; openpyxl wraps what it raises in a ValueError of its own."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False
