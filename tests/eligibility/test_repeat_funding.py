"""不得重复申领 / 不得重复申报 as data: `not_funded_before` checks the system's own 立项
records where it has them (an error) and leaves to the officer what it cannot know (a warning)."""

from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from stplan.eligibility.rules import Funded, Records
from tests.eligibility.builders import GUIDE, eligible, errors, warnings

COUNTY_33 = ("not_funded_before", "方向33 申报要求")
YEAR_31 = ("not_funded_before", "方向31 申报要求")


def check(data: dict, records: Records | None):
    return check_application(Application.model_validate(data), GUIDE, records=records)


def county_funded(year: int, *, county="阳朔县", number="GL2019-33-00001") -> Funded:
    return Funded(
        number=number,
        year=year,
        policy="创新型县（市）建设专项",
        unit="x",
        county=f"广西壮族自治区/{county}",
        leader="",
    )


def test_direction33_county_funded_before_by_the_system_is_an_error():
    data = eligible(33)
    result = check(data, Records(funded=(county_funded(2019),)))

    assert errors(result) == [COUNTY_33]
    [message] = [f.message for f in result.findings if f.severity == "error"]
    assert message == "阳朔县已获“创新型县（市）建设专项”资助（2019年GL2019-33-00001），不得重复申报。"
    # What only the region or the state knows stays the officer's to check.
    assert warnings(result) == [COUNTY_33]


def test_direction33_other_county_or_other_funding_line_passes():
    records = Records(
        funded=(
            county_funded(2019, county="临桂区"),
            Funded(
                number="GL2021-31-1",
                year=2021,
                policy="市本级科普活动经费",
                unit="x",
                county="广西壮族自治区/阳朔县",
                leader="",
            ),
        )
    )
    result = check(eligible(33), records)
    assert errors(result) == []
    assert warnings(result) == [COUNTY_33]


def test_direction33_without_the_systems_records_asks_the_officer():
    result = check(eligible(33), None)
    assert errors(result) == []
    messages = [f.message for f in result.findings if f.rule == "not_funded_before"]
    assert messages == [
        "阳朔县不得重复获得“创新型县（市）建设专项”资助：本次审查没有系统的立项记录可核对，请经办人核实。",
        "已获得自治区级及以上相关专项（项目）资助的创新型县（市）不得重复申报：请核对该县未获此类资助。",
    ]


def test_direction31_counts_the_same_year_only():
    data = eligible(31)
    unit = data["lead"]["credit_code"]

    def funded(year):
        return Funded(
            number=f"GL{year}-31-9", year=year, policy="市本级科普活动经费", unit=unit, county="", leader=""
        )

    assert errors(check(data, Records(funded=(funded(2022),)))) == [YEAR_31]
    assert errors(check(data, Records(funded=(funded(2021),)))) == []


def test_repeat_funding_never_counts_the_application_itself():
    data = eligible(33, id="GL2019-33-00001")
    assert errors(check(data, Records(funded=(county_funded(2019),)))) == []
