import pytest

from stplan.guides.models import Category, Direction, Guide
from stplan.guides.services import load_guide


@pytest.mark.django_db
def test_load_guide_creates_all_directions_and_categories():
    guide = load_guide(slug="guilin-2022")
    assert guide.title == "2022年度桂林市科技计划项目申报指南"
    assert guide.directions.count() == 40
    assert guide.categories.count() == 14
    industrial = Category.objects.get(guide=guide, name="产业振兴")
    assert industrial.max_projects == 40
    assert list(industrial.directions.values_list("number", flat=True)) == list(range(4, 14))


@pytest.mark.django_db
def test_load_guide_twice_changes_nothing():
    first = load_guide(slug="guilin-2022")
    before = list(Direction.objects.order_by("number").values_list("pk", "number", "data"))
    second = load_guide(slug="guilin-2022")
    assert first.pk == second.pk
    assert Guide.objects.count() == 1
    assert list(Direction.objects.order_by("number").values_list("pk", "number", "data")) == before


@pytest.mark.django_db
def test_load_guide_stores_key_figures():
    guide = load_guide(slug="guilin-2022")
    one = guide.directions.get(number=1)
    assert (one.quota_kind, one.quota_count, one.amount_max, one.funding_mode) == (
        "exact",
        1,
        8_000_000,
        "yearly_tranches",
    )
    clinical = guide.directions.get(number=39)
    assert (clinical.quota_kind, clinical.quota_count, clinical.amount_max) == ("per_track", 63, 200_000)
    award = guide.directions.get(number=40)
    assert (award.accepts_applications, award.funding_mode) == (False, "award")


@pytest.mark.django_db
def test_stored_direction_rebuilds_the_engine_view_of_it():
    guide = load_guide(slug="guilin-2022")
    stored = guide.directions.get(number=25)
    assert stored.spec.rules[0].kind == "leader_degree"
    assert stored.spec.amount.amount == 50_000


@pytest.mark.django_db
def test_load_guide_removes_direction_the_file_no_longer_has():
    guide = load_guide(slug="guilin-2022")
    stray = Direction.objects.get(guide=guide, number=40)
    stray.pk = None
    stray.number = 41
    stray.save()
    load_guide(slug="guilin-2022")
    assert not Direction.objects.filter(guide=guide, number=41).exists()
