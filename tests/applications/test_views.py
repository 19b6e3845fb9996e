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
