"""Every 方向 of guilin-2022: an application meeting the guide is eligible for its full request,
and each requirement the guide states, broken alone, makes it ineligible under that clause."""

import pytest

from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from tests.eligibility.builders import (
    ACCEPTING,
    CAP,
    CAPPED,
    GUIDE,
    RATIO,
    TRANSFER_ATTACHMENTS,
    YEARS,
    YOUTH_ATTACHMENTS,
    challenge_answer,
    eligible,
    enterprise,
    errors,
    post_subsidy,
    university,
)


def check(data: dict):
    return check_application(Application.model_validate(data), GUIDE)


@pytest.mark.parametrize("n", ACCEPTING)
def test_direction_meeting_guide_is_eligible_for_full_request(n):
    data = eligible(n)

    result = check(data)

    assert result.verdict == "eligible"
    assert errors(result) == []
    expected = post_subsidy(10_000_000, 1_000_000) if n == 27 else CAP[n]
    assert result.fundable_max == expected


# Further eligible shapes: other 子类, and units the guide does not bind.
ELIGIBLE_VARIANTS = [
    pytest.param(
        1, {"lead__kind": "university", "attachments": []}, 8_000_000, id="1-no-enterprise-no-statements"
    ),
    pytest.param(
        2,
        {"lead__kind": "university", "funding__matching": 0, "attachments": ["county_recommendation"]},
        2_000_000,
        id="2-no-enterprise-no-matching",
    ),
    pytest.param(
        3,
        {"lead__kind": "university", "attachments": ["talent_proof"]},
        1_000_000,
        id="3-no-enterprise-no-audit",
    ),
    pytest.param(3, {"leader__talent_category": 1}, 1_000_000, id="3-talent-category-1"),
    pytest.param(5, {"track": None, "outcomes": None, "attachments": []}, 300_000, id="5-not-improved-drug"),
    pytest.param(14, {"lead__kind": "university", "funding__matching": 0}, 300_000, id="14-no-enterprise"),
    pytest.param(16, {"track": None, "attachments": []}, 300_000, id="16-not-clinical"),
    pytest.param(19, {"lead__kind": "institute", "funding__matching": 0}, 300_000, id="19-no-enterprise"),
    pytest.param(21, {"track": "incubator", "lead__in_guilin": False}, 300_000, id="21-incubator"),
    pytest.param(24, {"partners": [university(kind="institute")]}, 100_000, id="24-institute-sends"),
    pytest.param(
        24,
        {"lead__kind": "university", "partners": [enterprise()]},
        100_000,
        id="24-university-leads",
    ),
    pytest.param(
        25,
        {"leader__discipline": "medical", "leader__degree": "doctorate"},
        50_000,
        id="25-medical",
    ),
    pytest.param(
        28, {"partners": [university(kind="institute", in_guilin=False)]}, 300_000, id="28-institute"
    ),
    pytest.param(
        29,
        {"lead__kind": "university", "partners": [university()], "funding__matching": 0},
        500_000,
        id="29-no-enterprise",
    ),
    pytest.param(
        30,
        {"partners": [university(province="", county="", in_guilin=False), university(province="北京市")]},
        500_000,
        id="30-beijing-partner",
    ),
    pytest.param(31, {"track": "media_works"}, 100_000, id="31-media_works"),
    pytest.param(31, {"track": "health_outreach"}, 100_000, id="31-health_outreach"),
    pytest.param(31, {"track": "campus"}, 100_000, id="31-campus"),
    pytest.param(
        39,
        {"track": "key_specialty", "attachments": [], "funding__requested": 200_000},
        200_000,
        id="39-key_specialty",
    ),
]


@pytest.mark.parametrize(("n", "extra", "fundable"), ELIGIBLE_VARIANTS)
def test_direction_variant_meeting_guide_is_eligible(n, extra, fundable):
    result = check(eligible(n, **extra))

    assert result.verdict == "eligible"
    assert errors(result) == []
    assert result.fundable_max == fundable


def _short(n: int) -> dict:
    """1 元 less matching than the guide's ratio asks for the eligible request."""
    return {"funding__matching": RATIO[n] * CAP[n] - 1}


# (方向, the one fact changed, the rule and clause of the single error it must cause)
INELIGIBLE = [
    pytest.param(1, {"attachments": []}, "attachments", "方向1 申报要求4", id="1-no-financial-statements"),
    pytest.param(1, _short(1), "matching", "方向1 申报要求4", id="1-matching"),
    pytest.param(1, {"subprojects": 7}, "max_subprojects", "方向1 申报要求3", id="1-subprojects"),
    pytest.param(
        1, {"partners": [university() for _ in range(8)]}, "max_units", "方向1 申报要求3", id="1-units"
    ),
    pytest.param(1, {"challenge": None}, "challenge_item", "方向1 申报要求1", id="1-no-challenge-item"),
    pytest.param(
        1,
        {"challenge": challenge_answer(open=False)},
        "challenge_item",
        "方向1 申报要求1",
        id="1-item-closed",
    ),
    pytest.param(
        1,
        {"challenge": challenge_answer(amount_max=5_000_000)},
        "challenge_item",
        "方向1 申报要求1",
        id="1-above-item-cap",
    ),
    pytest.param(
        1,
        {"challenge": challenge_answer(technical_route=" ")},
        "challenge_plan",
        "方向1 申报要求2",
        id="1-no-technical-route",
    ),
    pytest.param(
        1,
        {
            "challenge": challenge_answer(
                indicators=[
                    {"metric": "new_product", "label": "新产品", "unit": "个", "required": 4, "committed": 3}
                ]
            )
        },
        "challenge_plan",
        "方向1 申报要求2",
        id="1-below-item-indicator",
    ),
    pytest.param(
        2, {"recommended_by": None}, "recommendation_required", "方向2 申报要求2", id="2-no-recommender"
    ),
    pytest.param(
        2, {"recommended_by": "  "}, "recommendation_required", "方向2 申报要求2", id="2-blank-recommender"
    ),
    pytest.param(
        2, {"attachments": ["audit_report"]}, "attachments", "方向2 申报要求2", id="2-no-county-seal"
    ),
    pytest.param(
        2, {"attachments": ["county_recommendation"]}, "attachments", "方向2 申报要求3", id="2-no-audit"
    ),
    pytest.param(2, _short(2), "matching", "方向2 申报要求3", id="2-matching"),
    pytest.param(
        3, {"leader__talent_category": 5}, "leader_talent_category", "方向3 申报要求1", id="3-category-5"
    ),
    pytest.param(
        3, {"leader__talent_category": None}, "leader_talent_category", "方向3 申报要求1", id="3-no-category"
    ),
    pytest.param(
        3, {"attachments": ["audit_report"]}, "attachments", "方向3 申报要求1", id="3-no-talent-proof"
    ),
    pytest.param(3, {"attachments": ["talent_proof"]}, "attachments", "方向3 申报要求3", id="3-no-audit"),
    pytest.param(3, _short(3), "matching", "方向3 申报要求3", id="3-matching"),
    pytest.param(4, _short(4), "matching", "方向4 申报要求", id="4-matching"),
    pytest.param(
        5,
        {"outcomes": {"product_annual_sales": 4_999_999}},
        "min_product_sales",
        "方向5 申报要求",
        id="5-sales-below-500w",
    ),
    pytest.param(5, {"outcomes": None}, "min_product_sales", "方向5 申报要求", id="5-sales-not-stated"),
    pytest.param(5, {"attachments": []}, "attachments", "方向5 申报要求", id="5-no-sales-proof"),
    pytest.param(5, _short(5), "matching", "方向5 申报要求", id="5-matching"),
    pytest.param(5, {"track": "clinical"}, "track", "方向5 申报要求", id="5-foreign-track"),
    *[
        pytest.param(n, {"lead__kind": kind}, "lead_kinds", f"方向{n} 申报要求", id=f"{n}-{kind}-leads")
        for n, kind in zip(
            range(6, 14), ["university", "institute", "hospital", "government"] * 2, strict=True
        )
    ],
    *[pytest.param(n, _short(n), "matching", f"方向{n} 申报要求", id=f"{n}-matching") for n in range(6, 14)],
    pytest.param(14, _short(14), "matching", "方向14 申报要求", id="14-matching"),
    pytest.param(16, {"attachments": []}, "attachments", "方向16 申报要求", id="16-clinical-no-ethics"),
    pytest.param(19, _short(19), "matching", "方向19 申报要求2", id="19-matching"),
    pytest.param(
        20, {"lead__qualifications": []}, "lead_qualification", "方向20 申报要求1", id="20-no-platform"
    ),
    pytest.param(20, {"attachments": []}, "attachments", "方向20 申报要求1", id="20-no-accreditation"),
    pytest.param(
        21, {"lead__in_guilin": False}, "lead_in_guilin", "方向21 申报要求2", id="21-agency-not-guilin"
    ),
    pytest.param(21, {"track": None}, "track", "方向21 考核指标", id="21-no-track"),
    pytest.param(21, {"track": "clinical"}, "track", "方向21 考核指标", id="21-foreign-track"),
    pytest.param(24, {"partners": []}, "units_include", "方向24 申报要求1", id="24-alone"),
    pytest.param(
        24, {"partners": [enterprise()]}, "units_include", "方向24 申报要求1", id="24-two-enterprises"
    ),
    pytest.param(
        24,
        {"lead__kind": "university", "partners": [university()]},
        "units_include",
        "方向24 申报要求1",
        id="24-no-enterprise",
    ),
    pytest.param(
        24, {"attachments": ["service_agreement"]}, "attachments", "方向24 申报要求1", id="24-no-appointment"
    ),
    pytest.param(
        24, {"attachments": ["appointment_letter"]}, "attachments", "方向24 申报要求1", id="24-no-agreement"
    ),
    pytest.param(24, _short(24), "matching", "方向24 申报要求3", id="24-matching"),
    pytest.param(25, {"leader__degree": "master"}, "leader_degree", "方向25 申报要求1", id="25-master"),
    pytest.param(25, {"leader__degree": None}, "leader_degree", "方向25 申报要求1", id="25-no-degree"),
    pytest.param(
        25, {"leader__discipline": "social_science"}, "leader_discipline", "方向25 申报要求1", id="25-social"
    ),
    pytest.param(25, {"leader__discipline": "other"}, "leader_discipline", "方向25 申报要求1", id="25-other"),
    pytest.param(
        25,
        {"leader__arrived_in_guilin_on": None},
        "leader_arrived_within_years",
        "方向25 申报要求1",
        id="25-arrival-not-stated",
    ),
    pytest.param(
        25,
        {"leader__arrived_in_guilin_on": "2018-09-01"},
        "leader_arrived_within_years",
        "方向25 申报要求1",
        id="25-arrived-2018",
    ),
    pytest.param(25, _short(25), "matching", "方向25 申报要求2", id="25-matching"),
    *[
        pytest.param(
            25,
            {"attachments": [a for a in YOUTH_ATTACHMENTS if a != missing]},
            "attachments",
            "方向25 申报要求3",
            id=f"25-no-{missing}",
        )
        for missing in YOUTH_ATTACHMENTS
    ],
    pytest.param(
        26,
        {"leader__foreign_expert_class": "B"},
        "leader_foreign_expert_class",
        "方向26 申报要求1",
        id="26-class-b",
    ),
    pytest.param(
        26,
        {"leader__foreign_expert_class": None},
        "leader_foreign_expert_class",
        "方向26 申报要求1",
        id="26-no-class",
    ),
    pytest.param(
        26, {"attachments": ["unit_commitment"]}, "attachments", "方向26 申报要求2", id="26-no-contract"
    ),
    pytest.param(
        26, {"attachments": ["employment_contract"]}, "attachments", "方向26 申报要求2", id="26-no-commitment"
    ),
    pytest.param(26, _short(26), "matching", "方向26 申报要求3", id="26-matching"),
    pytest.param(27, {"lead__kind": "institute"}, "lead_kinds", "方向27 申报要求1", id="27-institute-leads"),
    pytest.param(27, {"partners": [university()]}, "no_partners", "方向27 申报要求1", id="27-has-partner"),
    *[
        pytest.param(
            27,
            {"attachments": [a for a in TRANSFER_ATTACHMENTS if a != missing]},
            "attachments",
            clause,
            id=f"27-no-{missing}",
        )
        for missing, clause in [
            ("ip_proof", "方向27 申报要求2"),
            ("financial_statements", "方向27 申报要求3"),
            ("no_city_funding_commitment", "方向27 申报要求4"),
        ]
    ],
    pytest.param(
        27,
        {"outcomes": {"new_benefit": 4_999_999, "budget_executed": 1_000_000}},
        "amount",
        "方向27 资助金额",
        id="27-benefit-below-500w",
    ),
    pytest.param(27, {"outcomes": None}, "amount", "方向27 资助金额", id="27-no-outcomes"),
    pytest.param(
        27,
        {"outcomes": {"new_benefit": 10_000_000}},
        "amount",
        "方向27 资助金额",
        id="27-no-budget-executed",
    ),
    pytest.param(
        28, {"partners": [enterprise()]}, "partner_kinds", "方向28 申报要求1", id="28-enterprise-partner"
    ),
    pytest.param(28, {"partners": []}, "partner_kinds", "方向28 申报要求1", id="28-alone"),
    pytest.param(
        28, {"lead__in_guilin": False}, "lead_in_guilin", "方向28 申报要求1", id="28-lead-not-guilin"
    ),
    pytest.param(28, {"lead__kind": "institute"}, "lead_kinds", "方向28 申报要求1", id="28-institute-leads"),
    pytest.param(29, {"partners": []}, "min_units", "方向29 申报要求1", id="29-alone"),
    pytest.param(29, {"attachments": []}, "attachments", "方向29 申报要求1", id="29-no-agreement"),
    pytest.param(29, _short(29), "matching", "方向29 申报要求5", id="29-matching"),
    pytest.param(
        30,
        {"partners": [university(province="广西壮族自治区", county="兴宁区", in_guilin=False)]},
        "partner_outside_province",
        "方向30 申报要求1",
        id="30-partner-in-guangxi",
    ),
    pytest.param(30, {"partners": []}, "partner_outside_province", "方向30 申报要求1", id="30-alone"),
    pytest.param(30, {"attachments": []}, "attachments", "方向30 申报要求1", id="30-no-agreement"),
    pytest.param(30, _short(30), "matching", "方向30 申报要求4", id="30-matching"),
    pytest.param(31, {"track": None}, "track", "方向31 考核指标", id="31-no-track"),
    pytest.param(
        32, {"leader__title": "associate_senior"}, "core_senior_share", "方向32 申报要求1", id="32-no-senior"
    ),
    pytest.param(33, {"lead__kind": "university"}, "lead_kinds", "方向33 申报要求", id="33-university-leads"),
    pytest.param(
        33, {"lead__qualifications": []}, "lead_qualification", "方向33 申报要求", id="33-not-innovative"
    ),
    pytest.param(
        35, {"lead__qualifications": []}, "lead_qualification", "方向35 申报要求", id="35-no-own-land"
    ),
    pytest.param(39, {"attachments": []}, "attachments", "方向39 申报要求", id="39-clinical-no-ethics"),
    pytest.param(39, {"track": None}, "track", "方向39 资助金额", id="39-no-track"),
    pytest.param(39, {"track": "incubator"}, "track", "方向39 资助金额", id="39-foreign-track"),
]


@pytest.mark.parametrize(("n", "extra", "rule", "clause"), INELIGIBLE)
def test_direction_breaking_one_requirement_is_ineligible_under_its_clause(n, extra, rule, clause):
    result = check(eligible(n, **extra))

    assert errors(result) == [(rule, clause)]
    assert result.verdict == "ineligible"
    assert result.fundable_max == 0


@pytest.mark.parametrize("n", ACCEPTING)
def test_direction_duration_longer_than_guide_is_ineligible(n):
    result = check(eligible(n, duration_years=YEARS[n] + 1))

    assert errors(result) == [("duration", f"方向{n} 实施年限")]
    assert result.fundable_max == 0


@pytest.mark.parametrize("n", [n for n in ACCEPTING if YEARS[n] > 1])
def test_direction_duration_shorter_than_guide_is_ineligible(n):
    result = check(eligible(n, duration_years=YEARS[n] - 1))

    assert errors(result) == [("duration", f"方向{n} 实施年限")]
    assert result.fundable_max == 0


@pytest.mark.parametrize("n", CAPPED)
def test_direction_request_above_guide_amount_is_ineligible(n):
    requested = CAP[n] + 1
    data = eligible(n, funding__requested=requested, funding__matching=RATIO.get(n, 0) * requested)

    result = check(data)

    assert errors(result) == [("amount", f"方向{n} 资助金额")]
    assert result.fundable_max == 0


@pytest.mark.parametrize("n", [n for n in CAPPED if n not in (24, 25, 29, 30)])
def test_direction_request_of_nothing_is_ineligible(n):
    result = check(eligible(n, funding__requested=0, funding__matching=0))

    assert errors(result) == [("amount", f"方向{n} 资助金额")]
    assert result.fundable_max == 0


@pytest.mark.parametrize("n", [n for n in CAPPED if n not in (24, 25, 29, 30)])
def test_direction_request_of_one_yuan_is_eligible(n):
    result = check(eligible(n, funding__requested=1, funding__matching=RATIO.get(n, 0)))

    assert result.verdict == "eligible"
    assert result.fundable_max == 1


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"duration_years": 1, "funding__requested": 300_000, "attachments": ["reward_funds_proof"]},
        {"lead__kind": "government", "lead__qualifications": ["innovative_county"]},
    ],
    ids=["factory-default", "award-shaped", "county-bureau"],
)
def test_direction40_application_is_ineligible_as_closed(extra):
    result = check(eligible(6, **{"direction": 40, **extra}))

    assert result.verdict == "ineligible"
    assert errors(result) == [("closed", "方向40 相关要求")]
    assert result.fundable_max == 0
