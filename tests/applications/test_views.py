import pytest
from django.urls import reverse
from django.utils import translation

from tests.world import open_guide, submitted_25

pytestmark = pytest.mark.django_db


def test_version_page_shows_the_guide_data_sha256_beside_the_versions_own(client):
    guide = open_guide()
    application = submitted_25(guide=guide)
    version = application.versions.get()
    client.force_login(application.leader)
    url = reverse("applications:version", args=[application.pk, 1])

    page = client.get(url).content.decode()
    assert f'SHA-256：<span class="hash">{version.sha256}</span>' in page
    assert f'审查所依据的指南数据 SHA-256：<span class="hash">{guide.data_sha256}</span>' in page

    client.cookies["django_language"] = "en"
    # The middleware activates the chosen language for the thread: keep it from outliving the test.
    with translation.override(None):
        english = client.get(url).content.decode()
    assert (
        f'SHA-256 of the guide data checked against：<span class="hash">{guide.data_sha256}</span>' in english
    )


def _upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stplan.demo.builders import MINIMAL_PDF

    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def test_attachment_removed_from_a_draft_before_any_submission_is_not_found(client):
    from stplan.applications import services
    from tests.world import draft_25

    application = draft_25(guide=open_guide())
    attachment = application.attachments.order_by("pk").first()
    client.force_login(application.leader)
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    assert client.get(url).status_code == 200

    services.remove_attachment(attachment=attachment, actor=application.leader)
    assert client.get(url).status_code == 404


def test_attachment_of_a_submitted_version_stays_readable_after_removal_but_a_later_one_does_not(client):
    from stplan.applications import services
    from tests.world import UnitAdminFactory

    application = submitted_25(guide=open_guide())
    unit_admin = UnitAdminFactory(unit=application.lead_unit)
    application = services.transition(
        application=application, action="unit_return", actor=unit_admin, reason="请更换证明"
    )
    submitted = application.attachments.order_by("pk").first()
    services.remove_attachment(attachment=submitted, actor=application.leader)
    later = services.add_attachment(
        application=application, actor=application.leader, code="other", upload=_upload("later.pdf")
    )
    services.remove_attachment(attachment=later, actor=application.leader)

    for person in (application.leader, unit_admin):
        client.force_login(person)
        response = client.get(reverse("applications:attachment", args=[application.pk, submitted.pk]))
        assert (response.status_code, b"".join(response.streaming_content)[:5]) == (200, b"%PDF-")
        response = client.get(reverse("applications:attachment", args=[application.pk, later.pk]))
        assert response.status_code == 404
