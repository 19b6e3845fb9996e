"""The edges of the guide's numbers: ages and years reckoned on the submission date, 1:N
matching, amount caps, ranges and fixed sums, 方向27's formula, head counts, and the
per-unit / per-county limits counted over a batch in submission order."""

from datetime import date

import pytest

from stplan.eligibility.engine import check_application, check_batch
from stplan.eligibility.facts import Application
from tests.eligibility.builders import GUIDE, eligible, enterprise, errors, post_subsidy, university, warnings
from tests.factories import PersonData, credit_code, resident_id

# 申报要求5 (不得重复申领政策措施后补助): paid outside stplan, so always the officer's to check.
RE_CLAIM_27 = ("officer_verify", "方向27 申报要求5")


def check(data: dict, **kwargs):
    return check_application(Application.model_validate(data), GUIDE, **kwargs)


def youth(born: date | None = None, **extra) -> dict:
    """A 方向25 application; the leader born on `born` (by the 身份证号码), submitted 2022-05-10."""
    if born is not None:
        extra["leader__id_number"] = resident_id(born)
    return eligible(25, **extra)


AGE = ("leader_max_age", "方向25 申报要求1")
ARRIVAL = ("leader_arrived_within_years", "方向25 申报要求1")

# --- 方向25 年龄不超过40周岁，医学专业不超过45周岁 (以申报材料提交的日期计算) ---


@pytest.mark.parametrize(
    ("born", "discipline"),
    [
        (date(1981, 5, 11), "engineering"),  # 41st birthday tomorrow: 40周岁
        (date(1981, 5, 11), "natural_science"),
        (date(1981, 5, 11), "agriculture"),
        (date(1976, 5, 11), "medical"),  # 46th birthday tomorrow: 45周岁
    ],
)
def test_youth_leader_age_up_to_limit_is_eligible(born, discipline):
    result = check(youth(born, leader__discipline=discipline))

    assert result.verdict == "eligible"
    assert result.fundable_max == 50_000


@pytest.mark.parametrize(
    ("born", "discipline"),
    [
        (date(1981, 5, 10), "engineering"),  # 41st birthday on the submission day
        (date(1981, 5, 9), "engineering"),
        (date(1976, 5, 10), "medical"),  # 46th birthday on the submission day
        (date(1976, 5, 11), "engineering"),  # 45周岁 is over the limit outside 医学
        (date(1960, 1, 1), "natural_science"),
    ],
)
def test_youth_leader_age_over_limit_is_ineligible(born, discipline):
    result = check(youth(born, leader__discipline=discipline))

    assert errors(result) == [AGE]
    assert result.fundable_max == 0


@pytest.mark.parametrize(
    ("submitted_at", "verdict"),
    [
        # 2022-05-09 23:59:59 in Guilin: still 40周岁.
        ("2022-05-09T15:59:59Z", "eligible"),
        ("2022-05-09T23:59:59+08:00", "eligible"),
        ("2022-05-09T23:59:59", "eligible"),
        # 2022-05-10 00:00 in Guilin, the 41st birthday.
        ("2022-05-09T16:00:00Z", "ineligible"),
        ("2022-05-10T00:00:00+08:00", "ineligible"),
        ("2022-05-10T00:00:00", "ineligible"),
    ],
)
def test_youth_leader_age_is_reckoned_on_guilin_date_of_submission(submitted_at, verdict):
    result = check(youth(date(1981, 5, 10), submitted_at=submitted_at))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [AGE])


@pytest.mark.parametrize(
    ("birth_date", "verdict"),
    [("1981-05-11", "eligible"), ("1981-05-10", "ineligible")],
)
def test_youth_leader_with_passport_age_from_birth_date(birth_date, verdict):
    result = check(
        youth(leader__id_type="passport", leader__id_number="E12345678", leader__birth_date=birth_date)
    )

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [AGE])


def test_youth_leader_with_passport_and_no_birth_date_is_ineligible():
    result = check(youth(leader__id_type="passport", leader__id_number="E12345678"))

    assert errors(result) == [AGE]


def test_youth_leader_age_read_from_id_number_not_birth_date():
    # The 身份证号码 says 1981-05-10 (41 on 2022-05-10); a younger stated birth date does not help.
    result = check(youth(date(1981, 5, 10), leader__birth_date="1990-01-01"))

    assert errors(result) == [AGE]


# --- 方向25 到桂林工作时间未满三年 (以申报材料提交的日期计算) ---


@pytest.mark.parametrize(
    ("arrived", "submitted_at", "verdict"),
    [
        ("2019-05-10", "2022-05-09T10:00:00", "eligible"),  # a day short of three years
        ("2019-05-10", "2022-05-10T10:00:00", "ineligible"),  # 满三年 on the anniversary
        ("2019-05-10", "2022-05-11T10:00:00", "ineligible"),
        ("2019-05-11", "2022-05-10T10:00:00", "eligible"),
        ("2022-05-10", "2022-05-10T10:00:00", "eligible"),  # arrived the day of submission
        ("2019-05-10", "2022-05-09T15:59:59Z", "eligible"),  # 23:59:59 on 05-09 in Guilin
        ("2019-05-10", "2022-05-09T16:00:00Z", "ineligible"),  # 00:00 on 05-10 in Guilin
    ],
)
def test_youth_leader_years_in_guilin_to_the_day(arrived, submitted_at, verdict):
    result = check(youth(leader__arrived_in_guilin_on=arrived, submitted_at=submitted_at))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [ARRIVAL])


def test_youth_leader_arrival_after_submission_is_ineligible():
    result = check(youth(leader__arrived_in_guilin_on="2022-05-11"))

    assert errors(result) == [ARRIVAL]


# --- 匹配经费 1:3 and 1:1 ---


@pytest.mark.parametrize(
    ("n", "requested", "matching", "verdict"),
    [
        (6, 300_000, 900_000, "eligible"),
        (6, 300_000, 899_999, "ineligible"),
        (6, 100_001, 300_003, "eligible"),
        (6, 100_001, 300_002, "ineligible"),
        (25, 50_000, 50_000, "eligible"),
        (25, 50_000, 49_999, "ineligible"),
        (26, 123_457, 123_457, "eligible"),
        (26, 123_457, 123_456, "ineligible"),
    ],
)
def test_matching_exact_ratio_passes_one_yuan_less_fails(n, requested, matching, verdict):
    result = check(eligible(n, funding__requested=requested, funding__matching=matching))

    assert result.verdict == verdict
    assert errors(result) == (
        [] if verdict == "eligible" else [("matching", f"方向{n} " + _matching_clause(n))]
    )


def _matching_clause(n: int) -> str:
    return {6: "申报要求", 25: "申报要求2", 26: "申报要求3"}[n]


@pytest.mark.parametrize(("unit_matching", "verdict"), [(900_000, "eligible"), (899_999, "ineligible")])
def test_matching_enterprise_part_counts_stated_enterprise_shares(unit_matching, verdict):
    # 方向14: 企业经费部分 1:3; the lead enterprise states its own share of the matching funds.
    data = eligible(14, lead__matching=unit_matching, funding__matching=5_000_000)

    result = check(data)

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("matching", "方向14 申报要求")])


def test_matching_enterprise_part_partner_enterprise_under_non_enterprise_lead_is_warning():
    data = eligible(14, lead__kind="university", partners=[enterprise(matching=0)])

    result = check(data)

    assert result.verdict == "eligible"
    assert ("matching", "方向14 申报要求") in warnings(result)


# --- 方向29 资助金额 20-50万元 ---


@pytest.mark.parametrize(
    ("requested", "verdict"),
    [
        (200_000, "eligible"),
        (500_000, "eligible"),
        (350_000, "eligible"),
        (199_999, "ineligible"),
        (500_001, "ineligible"),
    ],
)
def test_direction29_range_edges(requested, verdict):
    result = check(eligible(29, funding__requested=requested, funding__matching=3 * requested))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("amount", "方向29 资助金额")])
    assert result.fundable_max == (requested if verdict == "eligible" else 0)


# --- 方向1 项目承担单位不超过8个，每个项目课题数不超过6项 ---


@pytest.mark.parametrize(("units", "verdict"), [(1, "eligible"), (8, "eligible"), (9, "ineligible")])
def test_direction1_units_including_lead(units, verdict):
    partners = [university(credit_code=credit_code()) for _ in range(units - 1)]

    result = check(eligible(1, partners=partners))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("max_units", "方向1 申报要求3")])


@pytest.mark.parametrize(("subprojects", "verdict"), [(0, "eligible"), (6, "eligible"), (7, "ineligible")])
def test_direction1_subprojects(subprojects, verdict):
    result = check(eligible(1, subprojects=subprojects))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("max_subprojects", "方向1 申报要求3")])


# --- 定额: 方向25 5万元, 方向24 10万元 ---


@pytest.mark.parametrize(
    ("n", "requested", "verdict"),
    [
        (25, 50_000, "eligible"),
        (25, 49_999, "ineligible"),
        (25, 50_001, "ineligible"),
        (25, 30_000, "ineligible"),
        (25, 0, "ineligible"),
        (24, 100_000, "eligible"),
        (24, 99_999, "ineligible"),
        (24, 100_001, "ineligible"),
        (24, 0, "ineligible"),
    ],
)
def test_fixed_amount_only_exact_sum(n, requested, verdict):
    ratio = 1 if n == 25 else 3
    data = eligible(n, funding__requested=requested, funding__matching=ratio * 100_001)

    result = check(data)

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("amount", f"方向{n} 资助金额")])
    assert result.fundable_max == (requested if verdict == "eligible" else 0)


# --- 方向39 临床医学研究项目不超过3万元；重点临床专科科研能力提升项目不超过20万元 ---


@pytest.mark.parametrize(
    ("track", "requested", "verdict"),
    [
        ("clinical", 30_000, "eligible"),
        ("clinical", 30_001, "ineligible"),
        ("clinical", 200_000, "ineligible"),
        ("key_specialty", 200_000, "eligible"),
        ("key_specialty", 200_001, "ineligible"),
        ("key_specialty", 30_001, "eligible"),
    ],
)
def test_direction39_per_track_caps(track, requested, verdict):
    result = check(eligible(39, track=track, funding__requested=requested))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("amount", "方向39 资助金额")])
    assert result.fundable_max == (requested if verdict == "eligible" else 0)


# --- 方向27 先实施后补助 ---


@pytest.mark.parametrize(
    ("new_benefit", "budget_executed", "fundable"),
    [
        (5_000_000, 10_000_000, 50_000),
        (9_999_999, 10_000_000, 50_000),
        (10_000_000, 10_000_000, 80_000),
        (14_999_999, 10_000_000, 80_000),
        (15_000_000, 10_000_000, 110_000),
        (45_000_000, 10_000_000, 290_000),
        (49_999_999, 10_000_000, 290_000),
        (50_000_000, 10_000_000, 300_000),
        (10**12, 10**12, 300_000),
        # 不超过项目预算实际执行的50%
        (5_000_000, 99_999, 49_999),
        (5_000_000, 100_000, 50_000),
        (5_000_000, 100_001, 50_000),
        (10_000_000, 150_000, 75_000),
        (50_000_000, 599_999, 299_999),
        (50_000_000, 600_000, 300_000),
    ],
)
def test_direction27_fundable_max_follows_formula(new_benefit, budget_executed, fundable):
    assert post_subsidy(new_benefit, budget_executed) == fundable  # the table is the guide's formula
    data = eligible(
        27,
        outcomes={"new_benefit": new_benefit, "budget_executed": budget_executed},
        funding__requested=fundable,
    )

    result = check(data)

    assert result.verdict == "eligible"
    assert result.fundable_max == fundable
    assert errors(result) == []
    assert warnings(result) == [RE_CLAIM_27]


@pytest.mark.parametrize("budget_executed", [0, 1])
def test_direction27_nothing_executed_leaves_nothing_to_subsidise(budget_executed):
    data = eligible(27, outcomes={"new_benefit": 10_000_000, "budget_executed": budget_executed})

    result = check(data)

    assert errors(result) == [("amount", "方向27 资助金额")]
    assert result.fundable_max == 0


def test_direction27_benefit_just_below_threshold_is_ineligible():
    data = eligible(27, outcomes={"new_benefit": 4_999_999, "budget_executed": 10_000_000})

    result = check(data)

    assert errors(result) == [("amount", "方向27 资助金额")]
    assert result.fundable_max == 0


@pytest.mark.parametrize("requested", [10_000, 80_000])
def test_direction27_request_at_or_below_formula_does_not_bind(requested):
    result = check(eligible(27, funding__requested=requested))

    assert result.verdict == "eligible"
    assert result.fundable_max == 80_000
    assert warnings(result) == [RE_CLAIM_27]


def test_direction27_request_above_formula_is_warning_formula_binds():
    result = check(eligible(27, funding__requested=300_000))

    assert result.verdict == "eligible"
    assert result.fundable_max == 80_000
    assert warnings(result) == [("amount", "方向27 资助金额"), RE_CLAIM_27]


# --- 方向32 课题研究团队核心成员正高职称占课题组人员不少于20% ---


def _team(seniors_core: int, seniors_not_core: int, others: int) -> list[dict]:
    return (
        [PersonData(title="senior", core_member=True) for _ in range(seniors_core)]
        + [PersonData(title="senior", core_member=False) for _ in range(seniors_not_core)]
        + [PersonData(title="associate_senior", core_member=True) for _ in range(others)]
    )


@pytest.mark.parametrize(
    ("leader_title", "team", "verdict"),
    [
        ("senior", _team(0, 0, 4), "eligible"),  # 1 of 5 = 20%
        ("senior", _team(0, 0, 5), "ineligible"),  # 1 of 6 < 20%
        ("senior", _team(1, 0, 8), "eligible"),  # 2 of 10 = 20%
        ("senior", _team(1, 0, 9), "ineligible"),  # 2 of 11 < 20%
        ("associate_senior", _team(1, 0, 3), "eligible"),  # 1 of 5, a core team member
        ("associate_senior", _team(0, 1, 3), "ineligible"),  # the 正高 is not a core member
        ("associate_senior", _team(0, 0, 0), "ineligible"),
        ("senior", [], "eligible"),
    ],
)
def test_direction32_senior_core_share_edge(leader_title, team, verdict):
    result = check(eligible(32, leader__title=leader_title, team=team))

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("core_senior_share", "方向32 申报要求1")])


# --- 每个单位限报N项 / 每个创新型县仅限申报1项, in submission order ---

UNIT_LIMIT_25 = ("per_unit_limit", "方向25 申报要求4")


def _youth_batch(code: str, hours: list[int]) -> list[Application]:
    return [
        Application.model_validate(youth(lead__credit_code=code, submitted_at=f"2022-05-10T{h:02d}:00:00"))
        for h in hours
    ]


@pytest.mark.parametrize(
    "hours",
    [
        [9, 10, 11, 12, 13, 14],
        [14, 9, 10, 11, 12, 13],
        [9, 10, 14, 11, 12, 13],
        [14, 13, 12, 11, 10, 9],
    ],
    ids=["in-order", "latest-first", "latest-middle", "reversed"],
)
def test_per_unit_limit_direction25_sixth_by_submission_time_is_ineligible(hours):
    apps = _youth_batch(credit_code(), hours)

    results = check_batch(apps, GUIDE)

    assert [r.id for r in results] == [a.id for a in apps]
    assert [errors(r) for r in results] == [[UNIT_LIMIT_25] if h == 14 else [] for h in hours]
    assert [r.fundable_max for r in results] == [0 if h == 14 else 50_000 for h in hours]


def test_per_unit_limit_same_time_later_in_input_is_over():
    apps = _youth_batch(credit_code(), [10] * 6)

    results = check_batch(apps, GUIDE)

    assert [errors(r) for r in results] == [[]] * 5 + [[UNIT_LIMIT_25]]


def test_per_unit_limit_counts_shanghai_time_across_zones():
    code = credit_code()
    apps = [
        Application.model_validate(youth(lead__credit_code=code, submitted_at=at))
        for at in [
            "2022-05-10T03:00:00Z",  # 11:00 in Guilin: the latest
            "2022-05-10T10:00:00",
            "2022-05-10T10:10:00+08:00",
            "2022-05-10T02:20:00Z",
            "2022-05-10T10:30:00",
            "2022-05-10T04:40:00+02:00",
        ]
    ]

    results = check_batch(apps, GUIDE)

    assert [errors(r) for r in results] == [[UNIT_LIMIT_25]] + [[]] * 5


def test_per_unit_limit_five_per_unit_all_eligible():
    apps = _youth_batch(credit_code(), [9, 10, 11, 12, 13]) + _youth_batch(credit_code(), [14])

    results = check_batch(apps, GUIDE)

    assert [r.verdict for r in results] == ["eligible"] * 6


def test_per_unit_limit_counts_each_direction_apart():
    code = credit_code()
    platform = [
        Application.model_validate(
            eligible(20, lead__credit_code=code, submitted_at=f"2022-05-11T{h:02d}:00:00")
        )
        for h in (9, 10)
    ]
    apps = _youth_batch(code, [9, 10, 11, 12, 13]) + platform

    results = check_batch(apps, GUIDE)

    assert [r.verdict for r in results] == ["eligible"] * 7


def test_per_unit_limit_counts_lead_not_partners():
    code = credit_code()
    apps = [
        Application.model_validate(
            eligible(20, partners=[university(credit_code=code)], submitted_at=f"2022-05-10T{h:02d}:00:00")
        )
        for h in (9, 10, 11)
    ]

    results = check_batch(apps, GUIDE)

    assert [r.verdict for r in results] == ["eligible"] * 3


@pytest.mark.parametrize(
    "hours",
    [[9, 10, 11], [11, 10, 9], [10, 11, 9]],
    ids=["in-order", "reversed", "latest-middle"],
)
def test_per_unit_limit_direction20_third_is_ineligible(hours):
    code = credit_code()
    apps = [
        Application.model_validate(
            eligible(20, lead__credit_code=code, submitted_at=f"2022-05-10T{h:02d}:00:00")
        )
        for h in hours
    ]

    results = check_batch(apps, GUIDE)

    assert [errors(r) for r in results] == [
        [("per_unit_limit", "方向20 申报要求1")] if h == 11 else [] for h in hours
    ]


def _county_bureau(county: str, at: str, **extra) -> Application:
    return Application.model_validate(
        eligible(33, lead__name=f"{county}科学技术局", lead__county=county, submitted_at=at, **extra)
    )


def test_per_county_limit_direction33_second_from_same_county_is_ineligible():
    later = _county_bureau("阳朔县", "2022-05-10T11:00:00")
    earlier = _county_bureau("阳朔县", "2022-05-10T10:00:00")

    results = check_batch([later, earlier], GUIDE)

    assert [errors(r) for r in results] == [[("per_county_limit", "方向33 申报要求")], []]


def test_per_county_limit_direction33_other_counties_are_eligible():
    apps = [
        _county_bureau("阳朔县", "2022-05-10T10:00:00"),
        _county_bureau("荔浦市", "2022-05-10T11:00:00"),
        _county_bureau("兴安县", "2022-05-10T12:00:00"),
    ]

    results = check_batch(apps, GUIDE)

    assert [r.verdict for r in results] == ["eligible"] * 3


def test_per_county_limit_direction33_same_county_name_other_province_is_eligible():
    apps = [
        _county_bureau("新城区", "2022-05-10T10:00:00"),
        _county_bureau("新城区", "2022-05-10T11:00:00", lead__province="陕西省"),
    ]

    results = check_batch(apps, GUIDE)

    assert [r.verdict for r in results] == ["eligible", "eligible"]


@pytest.mark.parametrize(
    ("prior", "verdicts"), [(3, ["eligible", "eligible"]), (4, ["eligible", "ineligible"])]
)
def test_prior_counts_per_unit_limit_direction25(prior, verdicts):
    code = credit_code()
    apps = _youth_batch(code, [11, 10])

    results = check_batch(apps, GUIDE, prior_counts={(25, "per_unit_limit", code.upper()): prior})

    # the 11:00 one is the later, so it is the one past the limit
    assert [r.verdict for r in results] == verdicts[::-1]


def test_prior_counts_at_limit_makes_single_application_ineligible():
    code = credit_code()
    app = Application.model_validate(youth(lead__credit_code=code))

    result = check_application(app, GUIDE, prior_counts={(25, "per_unit_limit", code.upper()): 5})

    assert errors(result) == [UNIT_LIMIT_25]


def test_prior_counts_of_other_unit_or_direction_do_not_count():
    code = credit_code()
    app = Application.model_validate(youth(lead__credit_code=code))
    prior = {
        (25, "per_unit_limit", credit_code()): 5,
        (20, "per_unit_limit", code.upper()): 5,
        (25, "per_county_limit", code.upper()): 5,
    }

    result = check_application(app, GUIDE, prior_counts=prior)

    assert result.verdict == "eligible"


@pytest.mark.parametrize(("prior", "verdict"), [(0, "eligible"), (1, "ineligible")])
def test_prior_counts_per_county_limit_direction33(prior, verdict):
    app = _county_bureau("阳朔县", "2022-05-10T10:00:00")

    result = check_application(
        app, GUIDE, prior_counts={(33, "per_county_limit", "广西壮族自治区/阳朔县"): prior}
    )

    assert result.verdict == verdict
    assert errors(result) == ([] if verdict == "eligible" else [("per_county_limit", "方向33 申报要求")])


def test_matching_enterprise_part_lead_without_stated_share_takes_the_rest_of_the_matching():
    # 方向14: the lead enterprise states no share; its partner enterprise states 1,000 元.
    data = eligible(
        14,
        lead__matching=None,
        partners=[enterprise(matching=1_000)],
        funding__requested=100_000,
        funding__matching=900_000,
    )

    result = check(data)

    assert result.verdict == "eligible"
    assert errors(result) == []


def test_matching_enterprise_part_lead_share_is_what_others_leave():
    # 900,000 of matching, 700,001 stated by a university partner: the lead has 299,999 < 3 × 100,000.
    data = eligible(
        14,
        lead__matching=None,
        partners=[university(matching=700_001)],
        funding__requested=100_000,
        funding__matching=900_000,
    )

    assert errors(check(data)) == [("matching", "方向14 申报要求")]


def test_per_county_limit_needs_the_lead_county():
    data = eligible(33, lead__county="")

    result = check(data)

    assert errors(result) == [("per_county_limit", "方向33 申报要求")]


def test_per_county_limit_blank_counties_do_not_share_a_slot_silently():
    first = eligible(33, id="C-1", lead__county="", submitted_at="2022-05-01T09:00:00")
    second = eligible(33, id="C-2", lead__county="", submitted_at="2022-05-02T09:00:00")

    results = check_batch([Application.model_validate(d) for d in (first, second)], GUIDE)

    assert [errors(r) for r in results] == [[("per_county_limit", "方向33 申报要求")]] * 2


def test_batch_limit_counts_only_applications_its_condition_covers():
    document = GUIDE.model_dump(mode="json")
    direction = next(d for d in document["directions"] if d["number"] == 25)
    limit = next(r for r in direction["rules"] if r["kind"] == "per_unit_limit")
    limit.update(max=1, when={"has_partner": True})
    guide = type(GUIDE).model_validate(document)
    lead = eligible(25)["lead"]
    alone = [eligible(25, id=f"Y-{i}", lead=lead, submitted_at=f"2022-05-0{i}T09:00:00") for i in (1, 2)]
    joint = [
        eligible(25, id=f"J-{i}", lead=lead, partners=[university()], submitted_at=f"2022-05-0{i}T10:00:00")
        for i in (3, 4)
    ]

    results = check_batch([Application.model_validate(d) for d in alone + joint], guide)

    assert [r.verdict for r in results] == ["eligible", "eligible", "eligible", "ineligible"]


class PlacesReadByKey(dict):
    """The places others hold, as the desk passes them: too many to count for each row."""

    def __len__(self):
        raise AssertionError("the engine counted every place held")

    def __iter__(self):
        raise AssertionError("the engine went through every place held")


def test_prior_counts_are_read_by_key_only():
    code = credit_code()
    app = Application.model_validate(youth(lead__credit_code=code))
    prior = PlacesReadByKey({(25, "per_unit_limit", code.upper()): 5})

    result = check_application(app, GUIDE, prior_counts=prior)

    assert errors(result) == [UNIT_LIMIT_25]
