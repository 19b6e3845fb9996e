from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stplan.challenges import services
from stplan.challenges.models import ChallengeItem, Need, NeedStatus
from tests.world import (
    OfficerFactory,
    UnitAdminFactory,
    UnitFactory,
    item_fields,
    need_call,
    need_fields,
    open_guide,
    published_item,
    submitted_need,
)

pytestmark = pytest.mark.django_db
SECTION_1 = "发展规划与科技监督科"


@pytest.fixture
def guide():
    return open_guide()


def test_need_posted_with_indicator_text_and_numbers_is_saved(guide, client):
    call = need_call(guide)
    person = UnitAdminFactory(unit=UnitFactory(kind="enterprise"))
    client.force_login(person)

    response = client.post(
        reverse("challenges:need_new", args=[call.pk]),
        {**need_fields(target_text="良率不低于95%"), "metric_new_product": 4},
    )

    need = Need.objects.get()
    assert response.status_code == 302
    assert (need.target_text, need.targets, need.status) == (
        "良率不低于95%",
        {"new_product": 4},
        NeedStatus.DRAFT,
    )


def test_need_posted_without_any_target_shows_the_error(guide, client):
    call = need_call(guide)
    client.force_login(UnitAdminFactory(unit=UnitFactory(kind="enterprise")))

    response = client.post(reverse("challenges:need_new", args=[call.pk]), need_fields(target_text=""))

    assert response.status_code == 200
    assert "请填写至少一项目标指标或目标指标说明。" in response.content.decode()
    assert not Need.objects.exists()


def test_need_merge_posted_by_officer_names_the_target(guide, client):
    call = need_call(guide)
    first, second = submitted_need(call), submitted_need(call)
    client.force_login(OfficerFactory(section=SECTION_1))

    client.post(
        reverse("challenges:need_action", args=[second.pk, "merge"]), {"into": first.pk, "reason": "同一难题"}
    )

    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (NeedStatus.MERGED, first.pk)


def test_item_new_from_accepted_need_is_prefilled_and_saved(guide, client):
    officer = OfficerFactory(section=SECTION_1)
    need = submitted_need(need_call(guide))
    services.transition_need(need=need, action="accept", actor=officer)
    client.force_login(officer)
    url = reverse("challenges:item_new", args=[need.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {**item_fields(opens_at="2022-06-01T09:00", closes_at="2022-07-01T17:00"), "metric_new_product": 5},
    )

    item = ChallengeItem.objects.get()
    assert 'value="4"' in page and need.title in page
    assert response.status_code == 302
    assert (item.code, item.targets, item.status) == ("JB2022-01-01", {"new_product": 5}, "draft")


def test_board_lists_published_items_with_cap_and_indicators(guide, client):
    item = published_item(guide, amount_max=6_000_000)

    page = client.get(reverse("challenges:board_index", args=[guide.slug])).content.decode()

    assert item.code in page and "600万元" in page and "新产品不少于4个" in page


def test_board_xlsx_has_one_row_per_item(guide, client):
    item = published_item(guide)

    response = client.get(reverse("challenges:board", args=[guide.slug, 1]), {"format": "xlsx"})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[4], r[6], r[7]) for r in rows] == [
        (item.code, item.title, "产业重大技术突破不少于3项；新产品不少于4个", 8_000_000, 1)
    ]


def test_board_pdf_is_a_pdf(guide, client):
    published_item(guide)

    response = client.get(reverse("challenges:board", args=[guide.slug, 1]), {"format": "pdf"})

    assert (response.status_code, response["Content-Type"], response.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )


def test_board_earlier_version_is_shown_with_its_changes(guide, client):
    officer = OfficerFactory(section=SECTION_1)
    item = published_item(guide, officer=officer)
    services.revise_item(
        actor=officer,
        item=item,
        fields=item_fields(amount_max=5_000_000),
        targets={"new_product": 4},
        reason="调整",
    )
    url = reverse("challenges:board", args=[guide.slug, 1])

    first = client.get(url, {"version": 1}).content.decode()
    latest = client.get(url).content.decode()

    assert "800万元" in first and "这不是最新版本" in first
    assert "500万元" in latest and "修改：" in latest and "这不是最新版本" not in latest


@pytest.mark.parametrize(("number", "query"), [(6, {}), (1, {"version": 9}), (1, {"version": "x"})])
def test_board_of_direction_without_challenge_or_unknown_version_is_404(guide, client, number, query):
    published_item(guide)

    assert client.get(reverse("challenges:board", args=[guide.slug, number]), query).status_code == 404


def test_direction_page_of_challenge_direction_links_to_its_board(guide, client):
    page = client.get(reverse("guides:direction_detail", args=[guide.slug, 1])).content.decode()
    other = client.get(reverse("guides:direction_detail", args=[guide.slug, 6])).content.decode()

    board = reverse("challenges:board", args=[guide.slug, 1])
    assert f'href="{board}"' in page
    assert "揭榜挂帅" not in other


def test_admin_call_for_direction_without_challenge_is_refused(guide, admin_client):
    response = admin_client.post(
        reverse("admin:challenges_needcall_add"),
        {
            "direction": guide.directions.get(number=6).pk,
            "industry": "电子信息",
            "opens_at_0": "2022-03-01",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2022-04-01",
            "closes_at_1": "17:00:00",
            "notice": "",
        },
    )

    assert response.status_code == 200
    assert "方向6不实行“揭榜挂帅”，不能征集技术需求。" in response.content.decode()


def test_admin_call_for_challenge_direction_is_saved(guide, admin_client):
    from stplan.challenges.models import NeedCall

    admin_client.post(
        reverse("admin:challenges_needcall_add"),
        {
            "direction": guide.directions.get(number=1).pk,
            "industry": "电子信息",
            "opens_at_0": "2022-03-01",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2022-04-01",
            "closes_at_1": "17:00:00",
            "notice": "",
        },
    )

    assert list(NeedCall.objects.values_list("industry", flat=True)) == ["电子信息"]
