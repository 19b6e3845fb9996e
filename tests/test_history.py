"""The history page of an object: readable Chinese, and only for those who see the object."""

import pytest
from django.urls import reverse
from django.utils import translation

from stplan.applications import services
from tests.world import BureauAdminFactory, LeaderFactory, OfficerFactory, open_guide, submitted_25

pytestmark = pytest.mark.django_db


def test_history_page_shows_who_did_what_in_chinese(client):
    application = submitted_25(guide=open_guide())
    services.transition(
        application=application, action="withdraw", actor=application.leader, reason="重复申报"
    )
    client.force_login(BureauAdminFactory())
    page = client.get(reverse("history", args=["application", application.pk])).content.decode()
    assert "提交" in page
    assert "撤回" in page
    assert "已提交，待单位审核 → 已撤回" in page
    assert "重复申报" in page
    assert str(application.leader) in page


def test_history_page_reads_in_english(client):
    application = submitted_25(guide=open_guide())
    services.transition(
        application=application, action="withdraw", actor=application.leader, reason="重复申报"
    )
    client.force_login(BureauAdminFactory())
    client.cookies["django_language"] = "en"
    # The middleware activates the chosen language for the thread: keep it from outliving the test.
    with translation.override(None):
        page = client.get(reverse("history", args=["application", application.pk])).content.decode()
    assert "<th>Item</th>" in page
    assert "<th>Reason or comments</th>" in page
    assert "Submitted, awaiting unit approval → Withdrawn" in page
    assert ">Withdrawn<" in page or "Withdrawn<div" in page
    assert "已" not in page


def test_history_page_of_an_object_one_may_not_see_is_not_found(client):
    application = submitted_25(guide=open_guide())
    for person in (LeaderFactory(), OfficerFactory(section="农业农村科技科")):
        client.force_login(person)
        assert client.get(reverse("history", args=["application", application.pk])).status_code == 404
    client.force_login(BureauAdminFactory())
    assert client.get(reverse("history", args=["nothing", application.pk])).status_code == 404


def test_history_page_needs_a_login(client):
    application = submitted_25(guide=open_guide())
    assert client.get(reverse("history", args=["application", application.pk])).status_code == 302
