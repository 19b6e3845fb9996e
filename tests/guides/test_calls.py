from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from stplan.applications.models import Application
from stplan.guides import calls
from stplan.guides.models import CallBatch
from stplan.guides.services import load_guide
from tests.world import LeaderFactory, direction, draft_25, open_guide, set_call_window

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def guide(db):
    return load_guide(slug="guilin-2022")


def test_loading_the_guide_makes_its_batches_from_the_data_file(guide):
    batches = list(guide.batches.values_list("code", "name", "direction_numbers", "year_round"))
    assert batches == [("first", "第一批", [], False), ("year-round-27", "方向27常年受理", [27], True)]
    assert "指南原文没有写明申报开始和截止时间" in guide.batches.get(code="first").interpretation


def test_reloading_the_guide_keeps_the_dates_the_bureau_set(guide):
    closes = timezone.now() + timedelta(days=3)
    set_call_window(guide, opens_at=timezone.now(), closes_at=closes)
    load_guide(slug="guilin-2022")
    assert guide.batches.get(code="first").closes_at == closes


def test_a_batch_without_dates_has_not_started(guide):
    status = calls.direction_status(direction(guide, 25))
    assert (status.state, status.label, status.batch.name) == ("not_started", "未开始", "第一批")


def test_direction_27_is_open_year_round_without_dates(guide):
    status = calls.direction_status(direction(guide, 27))
    assert (status.state, status.label, status.days_left) == ("year_round", "常年受理", None)


def test_an_open_batch_counts_the_calendar_days_left(guide):
    now = datetime(2022, 3, 10, 9, 0, tzinfo=SHANGHAI)
    set_call_window(
        guide, opens_at=now - timedelta(days=1), closes_at=datetime(2022, 3, 20, 17, 0, tzinfo=SHANGHAI)
    )
    status = calls.direction_status(direction(guide, 25), now)
    assert (status.state, status.label, status.days_left) == ("open", "申报中", 10)


def test_a_batch_past_its_deadline_is_closed(guide):
    now = timezone.now()
    set_call_window(guide, opens_at=now - timedelta(days=10), closes_at=now - timedelta(minutes=1))
    assert calls.direction_status(direction(guide, 25), now).label == "已截止"


def test_a_second_batch_open_now_is_the_current_one(guide):
    now = timezone.now()
    set_call_window(guide, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=20))
    CallBatch.objects.create(
        guide=guide,
        code="second",
        name="第二批",
        position=5,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
    )
    status = calls.direction_status(direction(guide, 25), now)
    assert (status.batch.name, status.state) == ("第二批", "open")


def test_a_second_batch_lets_a_draft_of_the_first_be_submitted(guide):
    from stplan.applications.window import submission_window_problem

    now = timezone.now()
    guide = open_guide()
    application = draft_25(guide=guide)
    set_call_window(guide, opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=20))
    assert submission_window_problem(application, now) == (
        f"本批次申报已于{timezone.localtime(now - timedelta(days=20)):%Y-%m-%d %H:%M}截止，不能再提交。"
    )
    CallBatch.objects.create(
        guide=guide, code="second", name="第二批", position=5, opens_at=now - timedelta(days=1)
    )
    application.guide.__dict__.pop("call_batches", None)
    assert submission_window_problem(application, now) is None


def test_the_first_batch_closing_leaves_year_round_direction_27_open(guide):
    now = timezone.now()
    set_call_window(guide, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1))
    assert calls.direction_status(direction(guide, 27), now).is_open
    assert not calls.direction_status(direction(guide, 25), now).is_open


def test_guide_list_shows_each_batch_with_its_status(client, guide):
    now = timezone.now()
    set_call_window(guide, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=5, hours=1))
    html = client.get(reverse("guides:guide_list")).content.decode()
    assert "申报中</span> 第一批" in html
    assert "距截止还有5天" in html
    assert "常年受理</span> 方向27常年受理" in html


def test_direction_page_shows_the_call_status_and_the_apply_button_to_visitors(client, guide):
    open_guide()
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 25])).content.decode()
    assert "申报中" in html
    login = reverse("accounts:login") + "?next=" + reverse("guides:direction_detail", args=[guide.slug, 25])
    assert f'href="{login}"' in html


def test_direction_page_has_no_apply_button_before_the_call_opens(client, guide):
    html = client.get(reverse("guides:direction_detail", args=[guide.slug, 25])).content.decode()
    assert "申报时间待公布" in html
    assert "apply-direction" not in html


def test_apply_button_of_a_leader_starts_an_application_of_that_direction(client, guide):
    open_guide()
    leader = LeaderFactory()
    client.force_login(leader)
    page = client.get(reverse("guides:direction_detail", args=[guide.slug, 25])).content.decode()
    assert 'id="apply-direction"' in page
    response = client.post(reverse("applications:create"), {"direction": direction(guide, 25).pk})
    application = Application.objects.get(leader=leader)
    assert application.direction.number == 25
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
