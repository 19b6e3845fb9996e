from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stplan.applications.jobs import DESK_EXPORT
from stplan.jobs import services
from stplan.jobs.models import Job
from tests.applications.test_desk import _recommended
from tests.world import OfficerFactory

pytestmark = pytest.mark.django_db


def test_long_desk_export_asks_then_runs_as_a_job_with_a_download(client, settings):
    settings.STPLAN_INLINE_EXPORT_ROWS = 1
    first, second = _recommended(), _recommended()
    client.force_login(OfficerFactory())
    url = reverse("applications:desk_export")
    asked = client.get(url, {"sort": "number"}).content.decode()
    assert "所选列表共 2 项申报，将在后台生成 Excel 文件" in asked
    assert '<input type="hidden" name="sort" value="number">' in asked
    response = client.post(url, {"sort": "number"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page
    assert "共导出2项申报。" in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    rows = list(
        load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == sorted([first.number, second.number])


def test_job_progress_polls_while_running_and_stops_when_finished(client):
    officer = OfficerFactory()
    job = Job.objects.create(kind=DESK_EXPORT, owner=officer, params={})
    client.force_login(officer)
    waiting = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in waiting
    assert 'hx-trigger="every 2s"' in waiting
    assert "排队中" in waiting
    done = services.start(kind=DESK_EXPORT, owner=officer, params={})
    finished = client.get(reverse("jobs:progress", args=[done.pk])).content.decode()
    assert "hx-get" not in finished
    assert 'value="100"' in finished


def test_someone_elses_job_does_not_exist_for_them(client):
    job = services.start(kind=DESK_EXPORT, owner=OfficerFactory(), params={})
    client.force_login(OfficerFactory())
    for name in ("jobs:detail", "jobs:progress", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert "暂无。" in client.get(reverse("jobs:list")).content.decode()
