from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from stplan.applications import exports, services
from stplan.applications.exports import COLUMNS, applications_xlsx
from stplan.applications.models import Application
from stplan.applications.printing import application_pdf
from stplan.applications.selectors import latest_version
from tests.world import (
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    UnitFactory,
    open_guide,
    submitted_25,
)

pytestmark = pytest.mark.django_db


def test_pdf_has_the_cover_page_numbers_hash_and_a_seal_block_per_unit():
    application = submitted_25(guide=open_guide())
    version = latest_version(application)
    reader = PdfReader(BytesIO(application_pdf(application=application, version=version)))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "桂林市科技计划项目申报书" in pages[0].replace(" ", "")  # letter-spaced title
    assert version.sha256 in text.replace("\n", "")
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 / 共 {len(pages)} 页" in page
    assert f"牵头单位：{application.lead_unit.name}（盖章）" in text
    assert "项目负责人（签字）" in text
    assert "推荐单位意见（盖章）" in text


def test_pdf_view_serves_the_leaders_own_application(client):
    application = submitted_25(guide=open_guide())
    client.force_login(application.leader)
    response = client.get(reverse("applications:print", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def _recommended(guide, **kwargs):
    application = submitted_25(guide=guide, **kwargs)
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=application.lead_unit)
    )
    return services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=application.recommender)
    )


def test_xlsx_export_has_a_row_per_application_with_its_findings():
    guide = open_guide()
    applications = [_recommended(guide) for _ in range(2)]
    listed = Application.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk")
    book = load_workbook(BytesIO(applications_xlsx(listed)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == tuple(name for name, _width in COLUMNS)
    assert [r[0] for r in rows[1:]] == [a.number for a in applications]
    first, application = rows[1], applications[0]
    assert first[:13] == (
        application.number,
        25,
        application.direction.title,
        application.title,
        application.lead_unit.name,
        application.lead_unit.get_kind_display(),
        application.lead_unit.county,
        application.leader.full_name,
        application.recommender.name,
        "已推荐，待形式审查",
        timezone.localtime(application.first_submitted_at).strftime("%Y-%m-%d %H:%M"),
        50000,
        0,
    )


def test_xlsx_export_in_several_steps_reads_the_systems_records_once(monkeypatch):
    guide = open_guide()
    applications = [_recommended(guide) for _ in range(3)]
    listed = Application.objects.filter(pk__in=[a.pk for a in applications])
    monkeypatch.setattr(exports, "CHUNK", 1)

    with CaptureQueriesContext(connection) as queries:
        book = load_workbook(BytesIO(applications_xlsx(listed)))

    # The 负责人 of every application compared, read by the records' one query over versions.
    reads = [
        q["sql"] for q in queries if "applications_applicationversion" in q["sql"] and "leader" in q["sql"]
    ]
    assert (len(reads), book.active.max_row) == (1, 4)


def test_desk_export_uses_the_same_filters_as_the_screen(client):
    guide = open_guide()
    qixing = _recommended(guide, leader=None)
    yanshan_unit = UnitFactory(county="雁山区")
    from tests.world import LeaderFactory, RecommenderUnitFactory

    # Recommended by its own county's 科技主管部门, as a 雁山区 unit must be.
    yanshan = _recommended(
        guide, leader=LeaderFactory(unit=yanshan_unit), recommender=RecommenderUnitFactory(county="雁山区")
    )
    client.force_login(OfficerFactory())
    screen = client.get(reverse("applications:desk"), {"county": "雁山区"}).content.decode()
    export = client.get(reverse("applications:desk_export"), {"county": "雁山区"})
    numbers = [
        r[0] for r in load_workbook(BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert numbers == [yanshan.number]
    assert yanshan.number in screen and qixing.number not in screen
