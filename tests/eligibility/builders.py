"""Eligible applications per 方向, built from the guide text (not from the guide's data file).

`eligible(n, **extra)` gives the raw interchange dict of an application to 方向n that
meets every requirement the guide states, requesting the most the guide allows; `extra`
are factory_boy overrides (`lead__kind="university"`, `funding__requested=...`) applied on
top, so a test changes exactly one fact and sees exactly one error.
"""

from stplan.eligibility.engine import Result
from stplan.eligibility.guide import load_guide_data
from tests.factories import ApplicationData, OrganizationData

GUIDE = load_guide_data("guilin-2022")

# 实施年限 per 方向, as the guide text states it.
YEARS = {
    **dict.fromkeys([1, 2, 3, 4, 5, 14, 16, 21, 28, 39], 3),
    **dict.fromkeys([6, 7, 8, 9, 10, 11, 12, 13, 15, 17, 18, 19, 20, 22, 23, 24, 25, 26], 2),
    **dict.fromkeys([29, 30, 31, 33, 34, 35, 36, 37, 38], 2),
    **dict.fromkeys([27, 32], 1),
}

# The most 市财政资助 one project may request (方向24/25 定额, 方向29/30 range top, 方向39
# 临床医学研究项目); 方向27 is 先实施后补助 and 方向40 takes no applications.
CAP = {
    1: 8_000_000,
    2: 2_000_000,
    3: 1_000_000,
    **dict.fromkeys([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 19, 20, 21, 22, 26, 28, 33, 38], 300_000),
    **dict.fromkeys([15, 17, 18, 32, 34, 35, 36, 37], 200_000),
    23: 500_000,
    24: 100_000,
    25: 50_000,
    29: 500_000,
    30: 500_000,
    31: 100_000,
    39: 30_000,
}

# 匹配经费 1:N where the guide asks for it (企业经费部分 directions bind the whole
# request here because an enterprise leads the eligible case).
RATIO = {
    **dict.fromkeys([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 19, 24, 29, 30], 3),
    25: 1,
    26: 1,
}

ACCEPTING = [n for n in range(1, 40)]
CAPPED = [n for n in ACCEPTING if n != 27]

# 方向25's four attachments (申报要求3) and 方向27's (申报要求2–4, plus the two it prefers).
YOUTH_ATTACHMENTS = ["id_card", "doctorate_certificate", "guilin_arrival_proof", "matching_commitment"]
TRANSFER_ATTACHMENTS = [
    "ip_proof",
    "financial_statements",
    "no_city_funding_commitment",
    "benefit_audit_report",
    "b_class_verification",
]


def university(**overrides) -> dict:
    return OrganizationData(**{"name": "桂林测试大学", "kind": "university", **overrides})


def enterprise(**overrides) -> dict:
    return OrganizationData(**overrides)


def challenge_answer(**overrides) -> dict:
    """A 揭榜方案 answering an open 榜单 item whose indicators it meets (方向1)."""
    return {
        "item": "JB2022-01-01",
        "title": "高性能伺服驱动芯片",
        "open": True,
        "amount_max": 8_000_000,
        "indicators": [
            {
                "metric": "major_breakthrough",
                "label": "产业重大技术突破",
                "unit": "项",
                "required": 3,
                "committed": 3,
            },
            {"metric": "new_product", "label": "新产品", "unit": "个", "required": 4, "committed": 5},
        ],
        "overall_plan": "整体研究方案",
        "technical_route": "技术路线",
        **overrides,
    }


def _profile(n: int) -> dict:
    """What 方向n's own 申报要求 ask of an application, beyond 年限 and 金额."""
    profiles = {
        1: {
            "attachments": ["financial_statements"],
            "partners": [university()],
            "subprojects": 6,
            "challenge": challenge_answer(),
        },
        2: {
            "recommended_by": "桂林市七星区科学技术局",
            "attachments": ["county_recommendation", "audit_report"],
        },
        3: {"leader__talent_category": 4, "attachments": ["talent_proof", "audit_report"]},
        5: {
            "track": "improved_new_drug",
            "outcomes": {"product_annual_sales": 5_000_000},
            "attachments": ["sales_proof"],
        },
        15: {"lead__kind": "university"},
        16: {"track": "clinical", "lead__kind": "hospital", "attachments": ["ethics_approval"]},
        18: {"lead__kind": "institute"},
        20: {
            "lead__kind": "institute",
            "lead__qualifications": ["new_platform_since_2020"],
            "attachments": ["platform_accreditation"],
        },
        21: {"track": "service_agency", "lead__kind": "other"},
        22: {"lead__qualifications": ["tech_transfer_demo"]},
        24: {"partners": [university()], "attachments": ["service_agreement", "appointment_letter"]},
        25: {"attachments": YOUTH_ATTACHMENTS},
        26: {
            "leader__foreign_expert_class": "A",
            "leader__id_type": "passport",
            "leader__id_number": "E12345678",
            "leader__birth_date": "1970-03-01",
            "attachments": ["employment_contract", "unit_commitment"],
        },
        27: {
            "outcomes": {"new_benefit": 10_000_000, "budget_executed": 1_000_000},
            "attachments": TRANSFER_ATTACHMENTS,
        },
        28: {"partners": [university()]},
        29: {"partners": [university()], "attachments": ["cooperation_agreement"]},
        30: {
            "partners": [university(province="广东省", county="天河区", in_guilin=False)],
            "attachments": ["cooperation_agreement"],
        },
        31: {"track": "base_opening", "lead__kind": "social_org", "lead__qualifications": ["science_base"]},
        32: {"lead__kind": "university", "leader__title": "senior"},
        33: {
            "lead__kind": "government",
            "lead__name": "阳朔县科学技术局",
            "lead__county": "阳朔县",
            "lead__qualifications": ["innovative_county"],
        },
        35: {"lead__kind": "institute", "lead__qualifications": ["own_land"]},
        37: {"lead__kind": "university"},
        39: {"track": "clinical", "lead__kind": "hospital", "attachments": ["ethics_approval"]},
    }
    return profiles.get(n, {})


def eligible(n: int, **extra) -> dict:
    requested = 80_000 if n == 27 else CAP[n]
    base = {
        "direction": n,
        "duration_years": YEARS[n],
        "funding__requested": requested,
        "funding__matching": RATIO.get(n, 0) * requested,
        **_profile(n),
    }
    return ApplicationData(**{**base, **extra})


def errors(result: Result) -> list[tuple[str, str]]:
    return [(f.rule, f.clause) for f in result.findings if f.severity == "error"]


def warnings(result: Result) -> list[tuple[str, str]]:
    return [(f.rule, f.clause) for f in result.findings if f.severity == "warning"]


def post_subsidy(new_benefit: int, budget_executed: int) -> int:
    """方向27 资助金额, written from the guide: 5万元 at 500万元 of new benefit, 3万元 more per
    further full 500万元, at most 30万元 and at most 50% of the budget actually executed."""
    if new_benefit < 5_000_000:
        return 0
    steps = (new_benefit - 5_000_000) // 5_000_000
    return min(50_000 + 30_000 * steps, 300_000, budget_executed // 2)
