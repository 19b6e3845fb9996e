"""A unit chooses among the 推荐单位 allowed for it: its own county's 县（市、区）科技主管部门 and
the recommenders bound to no county; another county's is refused, citing the guide."""

import pytest

from stplan.accounts import services as accounts
from stplan.accounts.models import RecommenderKind
from stplan.applications import services
from stplan.applications.dossier import Dossier
from stplan.applications.models import Status
from stplan.errors import ServiceError
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    RecommenderFactory,
    RecommenderUnitFactory,
    UnitAdminFactory,
    UnitFactory,
    draft_25,
    open_guide,
    submitted_25,
)

pytestmark = pytest.mark.django_db

REFUSAL = (
    "推荐单位“七星区科学技术局”是七星区的县（市、区）科技主管部门，本单位所在地为临桂区："
    "县（市、区）科技主管部门只推荐本县（市、区）的单位（指南方向1申报要求2"
    "“申报材料由县（市、区）科技主管部门推荐，经县（市、区）人民政府同意盖章”）。"
    "请选择本县（市、区）的科技主管部门或不限县（市、区）的推荐部门。"
)


def _recommenders():
    return {
        "qixing": RecommenderUnitFactory(name="七星区科学技术局", county="七星区"),
        "lingui": RecommenderUnitFactory(name="临桂区科学技术局", county="临桂区"),
        "jiaoyu": RecommenderUnitFactory(
            name="桂林市教育局", county="", recommender_kind=RecommenderKind.DEPARTMENT
        ),
    }


def _move_county(unit, county):
    """The unit's county changes the way it does: asked by its admin, approved by the bureau."""
    admin = UnitAdminFactory(unit=unit)
    names = ("name", "kind", "county", "address", "contact_name", "contact_phone", "contact_email")
    fields = {**{n: getattr(unit, n) for n in names}, "qualifications": [], "county": county}
    change = accounts.update_unit(unit=unit, actor=admin, fields=fields)
    accounts.decide_unit_change(change=change, actor=BureauAdminFactory(), approve=True)
    unit.refresh_from_db()


def test_a_qixing_unit_chooses_only_its_county_bureau_and_departments():
    guide = open_guide()
    units = _recommenders()
    leader = LeaderFactory(unit=UnitFactory(county="七星区"))
    application = draft_25(guide=guide, leader=leader, recommender=units["qixing"])
    field = Dossier.of(application).forms["basic"].fields["recommender"]
    assert [label for _, label in field.choices] == [
        "---------",
        "七星区科学技术局（县（市、区）科技主管部门）",
        "桂林市教育局（其他推荐部门）",
    ]


def test_a_unit_outside_the_city_chooses_only_departments():
    guide = open_guide()
    units = _recommenders()
    outside = UnitFactory(city="深圳市", province="广东省", county="南山区")
    application = draft_25(guide=guide, leader=LeaderFactory(unit=outside), recommender=units["jiaoyu"])
    field = Dossier.of(application).forms["basic"].fields["recommender"]
    assert [label for _, label in field.choices] == ["---------", "桂林市教育局（其他推荐部门）"]


def test_submit_with_a_recommender_of_another_county_is_refused_citing_the_guide():
    guide = open_guide()
    units = _recommenders()
    leader = LeaderFactory(unit=UnitFactory(county="七星区"))
    application = draft_25(guide=guide, leader=leader, recommender=units["qixing"])
    _move_county(leader.unit, "临桂区")
    with pytest.raises(ServiceError) as refused:
        services.transition(application=application, action="submit", actor=leader)
    assert str(refused.value) == REFUSAL
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    # The draft says so at the field, where the choice is made anew.
    basic = Dossier.of(application).forms["basic"]
    assert basic.errors["recommender"] == [REFUSAL]


def test_recommend_by_a_recommender_of_another_county_is_refused_citing_the_guide():
    guide = open_guide()
    units = _recommenders()
    leader = LeaderFactory(unit=UnitFactory(county="七星区"))
    application = submitted_25(guide=guide, leader=leader, recommender=units["qixing"])
    application = services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=leader.unit)
    )
    _move_county(leader.unit, "临桂区")
    with pytest.raises(ServiceError) as refused:
        services.transition(
            application=application, action="recommend", actor=RecommenderFactory(unit=units["qixing"])
        )
    assert str(refused.value) == REFUSAL
    application.refresh_from_db()
    assert application.status == Status.UNIT_APPROVED


def test_a_department_recommends_a_unit_of_any_county():
    guide = open_guide()
    units = _recommenders()
    leader = LeaderFactory(unit=UnitFactory(county="阳朔县"))
    application = submitted_25(guide=guide, leader=leader, recommender=units["jiaoyu"])
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=leader.unit)
    )
    recommended = services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=units["jiaoyu"])
    )
    assert recommended.status == Status.RECOMMENDED
