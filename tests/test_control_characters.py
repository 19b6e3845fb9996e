"""NUL and other control characters in what browsers send: dropped in one place (the
middleware) before any view reads them, so no filter, export or post ends in a server
error on PostgreSQL, which cannot store or compare NUL in text."""

import pytest
from django.test import Client
from django.urls import reverse

from stplan.middleware import without_control_characters
from tests.world import BureauAdminFactory, open_guide, submitted_25

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    # A server error is an answer to check here (status 500), not an exception in the test.
    client = Client(raise_request_exception=False)
    client.force_login(BureauAdminFactory())
    return client


FILTERED_PAGES = [
    "applications:desk",
    "applications:desk_export",
    "applications:list",
    "review:experts",
    "projects:list",
    "funding:plans",
]


@pytest.mark.parametrize("name", FILTERED_PAGES)
@pytest.mark.parametrize("value", ["\x00", "项目\x00名称", "\x01\x1f\x7f"])
def test_filtered_page_with_control_characters_in_q_answers_normally(admin_client, name, value):
    response = admin_client.get(reverse(name), {"q": value})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["applications:desk", "applications:desk_export", "applications:list"])
@pytest.mark.parametrize("field", ["programme", "status", "county", "unit_kind", "direction", "page"])
def test_desk_with_nul_in_any_filter_answers_normally(admin_client, name, field):
    response = admin_client.get(reverse(name), {field: "\x00"})
    assert response.status_code == 200


def test_desk_search_with_nul_finds_what_the_search_without_it_finds(admin_client):
    application = submitted_25(guide=open_guide(), title="桂林漓江水质监测")
    response = admin_client.get(reverse("applications:desk"), {"q": "漓江\x00水质"})
    assert response.status_code == 200
    assert application.number in response.content.decode()


def test_path_with_nul_is_not_found():
    response = Client(raise_request_exception=False).get("/accounts/invite/%00/")
    assert response.status_code == 404


def test_control_characters_are_dropped_but_tab_and_line_ends_kept():
    assert without_control_characters("a\x00b\x08c\td\r\ne\x0bf\x1b\x7f\x85g") == "abc\td\r\nefg"
