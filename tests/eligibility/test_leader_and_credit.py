"""限项 and 失信 as rule kinds a guide's data may switch on (guilin-2022 does not: its text asks
for neither). Checked against the system's records when given, left to the officer when not."""

from datetime import date

import yaml

from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from stplan.eligibility.guide import Guide, guide_file
from stplan.eligibility.rules import Records, Sanction
from tests.eligibility.builders import GUIDE, eligible, errors, warnings

LIMIT = ("leader_limit", "方向25 申报要求")
CREDIT = ("credit_sanction", "方向25 申报要求")


def guide_with(*rules: dict) -> Guide:
    data = yaml.safe_load(guide_file("guilin-2022").read_text(encoding="utf-8"))
    for direction in data["directions"]:
        if direction["number"] == 25:
            direction["rules"] = [*direction.get("rules", []), *rules]
    return Guide.model_validate(data)


LIMITED = guide_with(
    {
        "kind": "leader_limit",
        "clause": "申报要求",
        "max_applications": 1,
        "max_in_progress": 2,
        "no_overdue": True,
    }
)
SANCTIONED = guide_with({"kind": "credit_sanction", "clause": "申报要求", "years": 3})


def check(guide: Guide, data: dict, records: Records | None):
    return check_application(Application.model_validate(data), guide, records=records)


def test_guilin_2022_switches_neither_on():
    kinds = {rule.kind for d in GUIDE.directions for rule in d.rules}
    assert {"leader_limit", "credit_sanction"} & kinds == set()


def test_leader_limit_counts_the_batch_projects_in_progress_and_overdue_ones():
    data = eligible(25, id="A-2")
    person = data["leader"]["id_number"]

    assert errors(check(LIMITED, data, Records())) == []
    result = check(
        LIMITED,
        data,
        Records(
            applications={("guilin-2022", person): ("A-1", "A-2")},
            leading={person: ("P-1", "P-2")},
            overdue={person: ("P-1",)},
        ),
    )
    assert [f.message for f in result.findings if f.severity == "error"] == [
        f"同一项目负责人本批限申报1项：{data['leader']['name']}已有申报A-1。",
        f"同一项目负责人在研项目不得超过2项：{data['leader']['name']}正在承担P-1、P-2。",
        f"项目负责人{data['leader']['name']}承担的P-1已过结束日期尚未验收，验收前不能申报新项目。",
    ]
    # The application's own place in the batch is not another application.
    assert errors(check(LIMITED, data, Records(applications={("guilin-2022", person): ("A-2",)}))) == []


def test_leader_limit_without_records_asks_the_officer():
    result = check(LIMITED, eligible(25), None)
    assert (errors(result), warnings(result)) == ([], [LIMIT])


def test_credit_sanction_bars_unit_and_person_for_the_period():
    data = eligible(25, submitted_at="2022-05-10T10:00:00")
    unit, person = data["lead"]["credit_code"], data["leader"]["id_number"]

    def records(on: date) -> Records:
        return Records(sanctions=(Sanction(subject=unit, name="某大学", on=on, reason="P-1验收不通过"),))

    assert errors(check(SANCTIONED, data, records(date(2019, 5, 11)))) == [CREDIT]
    assert errors(check(SANCTIONED, data, records(date(2019, 5, 10)))) == []
    by_person = Records(
        sanctions=(Sanction(subject=person, name="张三", on=date(2021, 1, 1), reason="P-2终止实施"),)
    )
    [finding] = check(SANCTIONED, data, by_person).findings
    assert finding.message == "张三有失信记录（2021-01-01，P-2终止实施），3年内不得申报。"


def test_credit_sanction_period_from_a_leap_day():
    data = eligible(25, submitted_at="2023-02-28T10:00:00")
    unit = data["lead"]["credit_code"]
    on_leap_day = Records(
        sanctions=(Sanction(subject=unit, name="某大学", on=date(2020, 2, 29), reason="x"),)
    )
    assert (
        errors(
            check(
                guide_with({"kind": "credit_sanction", "clause": "申报要求", "years": 3}), data, on_leap_day
            )
        )
        == []
    )
    data = eligible(25, submitted_at="2023-02-27T10:00:00")
    data["lead"]["credit_code"] = unit
    assert errors(check(SANCTIONED, data, on_leap_day)) == [CREDIT]


def test_credit_sanction_of_an_outside_list_lasts_to_its_own_last_day():
    data = eligible(25, submitted_at="2022-05-10T10:00:00")
    person = data["leader"]["id_number"]

    def records(until: date) -> Records:
        return Records(
            sanctions=(
                Sanction(
                    subject=person,
                    name="张三",
                    on=date(2016, 1, 1),
                    reason="自治区科技厅认定：科研失信",
                    until=until,
                ),
            )
        )

    assert errors(check(SANCTIONED, data, records(date(2022, 5, 9)))) == []
    [finding] = check(SANCTIONED, data, records(date(2022, 5, 10))).findings
    assert finding.message == (
        "张三有失信记录（2016-01-01，自治区科技厅认定：科研失信），惩戒期至2022-05-10，期间不得申报。"
    )
