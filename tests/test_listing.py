from urllib.parse import parse_qs

import pytest
from django.test import RequestFactory

from stplan.accounts.models import Unit
from stplan.listing import Sort, listing
from tests.world import UnitFactory

pytestmark = pytest.mark.django_db

SORTS = {"name": Sort("名称", ("name", "pk")), "newest": Sort("最新", ("-pk",))}


def units(n: int) -> list[Unit]:
    return [UnitFactory(approved=False, name=f"单位{i:03d}") for i in range(n)]


def get(**params):
    return RequestFactory().get("/units/", params)


def test_listing_shows_fifty_rows_a_page_and_the_rest_on_the_next():
    units(51)
    first = listing(get(), Unit.objects.all(), sorts=SORTS)
    second = listing(get(page="2"), Unit.objects.all(), sorts=SORTS)
    assert first.total == 51
    assert [u.name for u in first.rows][:2] == ["单位000", "单位001"]
    assert len(first.rows) == 50
    assert [u.name for u in second.rows] == ["单位050"]


def test_listing_page_past_the_end_or_not_a_number_shows_a_real_page():
    units(3)
    assert listing(get(page="99"), Unit.objects.all(), sorts=SORTS).page.number == 1
    assert listing(get(page="x"), Unit.objects.all(), sorts=SORTS).page.number == 1


def test_listing_sorts_as_asked_and_ignores_an_unknown_sort():
    made = units(3)
    newest = listing(get(sort="newest"), Unit.objects.all(), sorts=SORTS)
    forged = listing(get(sort="password"), Unit.objects.all(), sorts=SORTS)
    assert [u.pk for u in newest.rows] == [u.pk for u in reversed(made)]
    assert forged.sort == "name"
    assert [u.pk for u in forged.rows] == [u.pk for u in made]


def test_listing_keyword_searches_the_named_fields_only():
    units(3)
    UnitFactory(approved=False, name="甲", address="桂林市单位001路")
    found = listing(get(q=" 单位001 "), Unit.objects.all(), sorts=SORTS, search=("name",))
    assert [u.name for u in found.rows] == ["单位001"]
    assert found.q == "单位001"


def test_listing_page_links_keep_every_other_parameter():
    units(1)
    shown = listing(get(q="单位", sort="newest", status="x", page="1"), Unit.objects.all(), sorts=SORTS)
    assert parse_qs(shown.kept) == {"q": ["单位"], "sort": ["newest"], "status": ["x"]}
