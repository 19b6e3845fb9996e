"""The guide's data file held against the guide's own text (stplan/eligibility/data/guilin-2022.txt)."""

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from stplan.eligibility import labels
from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from stplan.eligibility.guide import Guide, GuideDataError, load_guide_data
from tests.eligibility.builders import challenge_answer, eligible

GUIDE = load_guide_data("guilin-2022")
TEXT = (resources.files("stplan.eligibility") / "data" / "guilin-2022.txt").read_text(encoding="utf-8")
PROGRAMME_HEADINGS = set(GUIDE.programmes)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def paragraph(number: int) -> str:
    """The guide's text for one 方向: from its heading to the next 方向's heading."""
    start = TEXT.index(f"方向{number}：")
    following = TEXT.find(f"方向{number + 1}：", start)
    return TEXT[start : following if following != -1 else len(TEXT)]


def field_line(number: int, name: str) -> str:
    match = re.search(rf"{name}\s*[:：]\s*(.*)", paragraph(number))
    assert match, f"方向{number} has no {name} line"
    return match.group(1)


def test_guide_text_copy_matches_shared_guide_when_present():
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "guide" / "guilin-2022-guide.txt"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert shared.read_text(encoding="utf-8") == TEXT


def test_guide_has_forty_directions_numbered_one_to_forty():
    assert [d.number for d in GUIDE.directions] == list(range(1, 41))


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_direction_heading_appears_in_guide_text(direction):
    heading = f"方向{direction.number}：{direction.title}（{direction.section}{direction.section_role}）"
    assert heading in TEXT


def test_directions_per_programme_match_guide_counts():
    assert Counter(d.programme for d in GUIDE.directions) == {
        "重大专项计划": 3,
        "重点研发计划": 16,
        "创新平台和人才计划": 7,
        "技术创新引导计划": 6,
        "技术应用与推广计划": 7,
        "奖励性后补助": 1,
    }


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_direction_programme_is_the_nearest_programme_heading_above_it(direction):
    lines = TEXT[: TEXT.index(f"方向{direction.number}：")].splitlines()
    nearest = next(line.strip() for line in reversed(lines) if line.strip() in PROGRAMME_HEADINGS)
    assert nearest == direction.programme


def test_category_caps_match_guide_text():
    caps = {c.name: c.max_projects for c in GUIDE.categories if c.max_projects}
    assert caps == {"产业振兴": 40, "打造世界级旅游城市": 15, "乡村振兴": 30}
    for name, cap in caps.items():
        assert f"{name}（拟支持不超过{cap}项）" in TEXT


@pytest.mark.parametrize("direction", GUIDE.directions[:-1], ids=lambda d: f"方向{d.number}")
def test_direction_duration_appears_in_its_paragraph(direction):
    line = re.search(r"实施(?:年限|期限)\s*[:：]\s*(\d+)年", paragraph(direction.number))
    assert int(line.group(1)) == direction.duration_years


@pytest.mark.parametrize("direction", GUIDE.directions[:-1], ids=lambda d: f"方向{d.number}")
def test_direction_amount_figures_appear_in_its_amount_line(direction):
    line = squeeze(field_line(direction.number, "资助金额"))
    amount = direction.amount
    figures = [amount.min, amount.max, amount.amount, amount.base, amount.increment, amount.threshold]
    figures += [t.amount_max for t in direction.tracks.values()]
    stated = [f for f in figures if f]
    assert stated
    for figure in stated:
        assert f"{figure // 10000}万元" in line or f"{figure // 10000}-" in line


@pytest.mark.parametrize("direction", GUIDE.directions[:-1], ids=lambda d: f"方向{d.number}")
def test_direction_funding_mode_appears_in_its_line(direction):
    line = field_line(direction.number, "资助方式")
    assert labels.FUNDING_MODES[direction.funding_mode] in line or (
        direction.funding_mode == "mixed" and "前资助与后补助结合" in line
    )


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_direction_quota_matches_its_line(direction):
    match = re.search(r"拟立项数\s*[:：]\s*(.*)", paragraph(direction.number))
    if direction.quota.kind == "unstated":
        assert match is None
        return
    if direction.number == 40:
        assert direction.quota.kind == "unlimited" and "不需要申报" in paragraph(40)
        return
    line = match.group(1)
    if direction.quota.kind == "per_track":
        for track in direction.tracks.values():
            assert f"{track.label}不超过{track.quota}项" in line
    else:
        expected = {"exact": f"{direction.quota.count}项", "at_most": f"不超过{direction.quota.count}项"}
        assert line.strip() == expected.get(direction.quota.kind, "不限项")


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_direction_texts_are_verbatim_from_the_guide(direction):
    text = squeeze(paragraph(direction.number))
    for field in (direction.research_scope, direction.indicators, direction.requirements):
        assert squeeze(field) in text


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_novelty_exemption_matches_guide_text(direction):
    assert direction.novelty_exempt == ("免查新报告" in paragraph(direction.number))


@pytest.mark.parametrize("direction", GUIDE.directions, ids=lambda d: f"方向{d.number}")
def test_rule_clauses_name_paragraphs_the_direction_has(direction):
    items = [line for line in direction.requirements.splitlines() if line.strip()]
    for rule in direction.rules:
        numbered = re.fullmatch(r"申报要求(\d+)", rule.clause)
        if numbered:
            assert int(numbered.group(1)) <= len(items), rule.clause
        else:
            assert rule.clause in ("申报要求", "相关要求") or re.fullmatch(r"考核指标\d", rule.clause)


def test_unknown_guide_is_refused_in_chinese():
    with pytest.raises(GuideDataError, match="没有名为 guilin-1999 的申报指南"):
        load_guide_data("guilin-1999")


@pytest.mark.parametrize(
    ("number", "label"),
    [
        (1, "1项"),
        (2, "不超过3项"),
        (4, "未单列（受类别总数约束）"),
        (24, "不限项"),
        (39, "临床医学研究项目不超过60项；重点临床专科科研能力提升项目不超过3项"),
    ],
)
def test_direction_quota_label_reads_as_the_guide_says(number, label):
    assert GUIDE.direction(number).quota_label == label


@pytest.mark.parametrize(
    ("number", "label"),
    [
        (1, "不超过800万元"),
        (24, "每项10万元"),
        (29, "20万元至50万元"),
        (27, "按新增经济效益后补助，最高30万元"),
        (39, "临床医学研究项目不超过3万元；重点临床专科科研能力提升项目不超过20万元"),
        (40, "每年奖励30万元"),
    ],
)
def test_direction_amount_label_reads_as_the_guide_says(number, label):
    assert GUIDE.direction(number).amount_label == label


RAW = yaml.safe_load(
    (resources.files("stplan.eligibility") / "data" / "guilin-2022.yaml").read_text(encoding="utf-8")
)


def _refusal(**changes) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        Guide.model_validate({**RAW, **changes})
    return [e["msg"] for e in refused.value.errors()]


def test_guide_city_is_guilin_and_every_direction_inherits_it():
    assert GUIDE.city == "桂林市"
    assert {d.city for d in GUIDE.directions} == {"桂林市"}


def test_payment_splits_are_the_bureaus_practice_read_from_the_data_file():
    assert GUIDE.payments.yearly_splits == {1: (100,), 2: (60, 40), 3: (50, 30, 20)}
    assert GUIDE.payments.mixed_split == (50, 50)
    assert "市科技局的拨付惯例，不是指南原文" in GUIDE.payments.interpretation


def test_guide_funding_modes_with_splits_are_the_ones_the_guide_text_names():
    assert "资助方式：分年拨付（前资助与后补助结合）" in TEXT
    assert [d.number for d in GUIDE.directions if d.funding_mode == "mixed"] == [28]
    assert {d.duration_years for d in GUIDE.directions if d.funding_mode == "yearly_tranches"} <= set(
        GUIDE.payments.yearly_splits
    )


def test_yearly_split_not_summing_to_100_is_refused_in_chinese():
    payments = {"yearly_splits": {1: [100], 2: [60, 40], 3: [50, 30, 10]}, "mixed_split": [50, 50]}
    assert _refusal(payments=payments) == [
        "Value error, payments.yearly_splits 中3年的拨付比例之和须为100，现为90（[50, 30, 10]）"
    ]


def test_mixed_split_not_summing_to_100_is_refused_in_chinese():
    payments = {"yearly_splits": {3: [50, 30, 20]}, "mixed_split": [50, 60]}
    assert _refusal(payments=payments) == [
        "Value error, payments.mixed_split的拨付比例之和须为100，现为110（[50, 60]）"
    ]


def test_split_with_a_part_that_is_not_positive_is_refused_in_chinese():
    payments = {"yearly_splits": {2: [110, -10], 3: [50, 30, 20]}, "mixed_split": [50, 50]}
    assert _refusal(payments=payments) == [
        "Value error, payments.yearly_splits 中2年的拨付比例须为正整数，现为[110, -10]"
    ]


def test_split_with_the_wrong_number_of_parts_is_refused_in_chinese():
    payments = {"yearly_splits": {3: [50, 50]}, "mixed_split": [50, 50]}
    assert _refusal(payments=payments) == [
        "Value error, payments.yearly_splits 中3年的拨付比例应为3个数，现为2个"
    ]


def test_yearly_direction_without_a_split_for_its_duration_is_refused_in_chinese():
    payments = {"yearly_splits": {1: [100], 2: [60, 40]}, "mixed_split": [50, 50]}
    assert _refusal(payments=payments) == [
        "Value error, 方向1分年拨付、实施年限3年，payments.yearly_splits 中没有3年的拨付比例"
    ]


def test_guide_without_a_city_is_refused():
    raw = {k: v for k, v in RAW.items() if k != "city"}
    with pytest.raises(ValidationError) as refused:
        Guide.model_validate(raw)
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("city",), "missing"),
        *((("directions", i, "city"), "missing") for i in range(40)),
    ]


@pytest.mark.parametrize("slug", ["长" * 300, "../guilin-2022", "guilin-2022\x00", "a/b"])
def test_load_guide_data_refuses_a_name_no_guide_file_can_have(slug):
    # A name past the file system's limit used to escape as OSError (an HTTP 500 from the API).
    with pytest.raises(GuideDataError, match="的申报指南（现有：guilin-2022）"):
        load_guide_data(slug)


def test_guide_switches_challenge_on_for_direction_one_only():
    assert [d.number for d in GUIDE.directions if d.challenge is not None] == [1]
    assert GUIDE.direction(1).challenge.list_clause == "申报要求1"


def test_another_direction_switched_to_challenge_in_its_data_is_checked_by_the_same_rules():
    raw = {**RAW, "directions": [dict(d) for d in RAW["directions"]]}
    six = next(d for d in raw["directions"] if d["number"] == 6)
    six["challenge"] = {
        "list_clause": "申报要求1",
        "leader_clause": "申报要求1",
        "consequences": ["记入信用记录"],
    }
    six["rules"] = [*six["rules"], {"kind": "challenge_item", "clause": "申报要求1"}]
    guide = Guide.model_validate(raw)
    data = eligible(6)

    without = check_application(Application.model_validate(data), guide)
    answered = check_application(
        Application.model_validate({**data, "challenge": challenge_answer(amount_max=100)}), guide
    )

    assert [(f.rule, f.clause) for f in without.findings if f.severity == "error"] == [
        ("challenge_item", "方向6 申报要求1")
    ]
    assert [f.message for f in answered.findings if f.rule == "challenge_item"] == [
        "申请市财政资助30万元，超过榜单项目“JB2022-01-01”的资助上限100元。请按榜单调整申请金额。"
    ]
