from stplan.eligibility.engine import check_application
from stplan.eligibility.guide import load_guide_data
from tests.factories import application

GUIDE = load_guide_data("guilin-2022")


def _rules(app):
    return [
        (f.rule, f.severity)
        for f in check_application(app, GUIDE).findings
        if f.rule == "recommendation_required"
    ]


def test_direction_2_recommended_by_a_department_that_is_not_county_st_is_an_error():
    app = application(direction=2, recommended_by="桂林市教育局", recommended_by_kind="department")
    (finding,) = [f for f in check_application(app, GUIDE).findings if f.rule == "recommendation_required"]
    assert finding.clause == "方向2 申报要求2"
    assert (
        finding.message
        == "本方向申报材料须由县（市、区）科技主管部门推荐，所选推荐单位“桂林市教育局”不是县（市、区）科技主管部门。"
    )


def test_direction_2_recommended_by_a_county_st_department_passes():
    app = application(direction=2, recommended_by="临桂区科学技术局", recommended_by_kind="county_st")
    assert _rules(app) == []


def test_direction_2_without_a_stated_kind_leaves_it_to_the_officer():
    app = application(direction=2, recommended_by="临桂区科学技术局")
    assert _rules(app) == []
