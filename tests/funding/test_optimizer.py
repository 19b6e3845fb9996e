import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stplan.funding.optimizer import Candidate, Limits, explain, solve, violations, weight


def brute_force(candidates, limits, objective="score"):
    best = None
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            keys = {c.key for c in subset}
            if violations(candidates, limits, keys) or any(c.forced is False for c in subset):
                continue
            if any(c.forced and c.key not in keys for c in candidates):
                continue
            value = sum(weight(c, objective) for c in subset)
            best = value if best is None else max(best, value)
    return best


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    candidates = [
        Candidate(
            key=i,
            direction=draw(st.sampled_from([1, 2, 39])),
            category=draw(st.sampled_from(["产业振兴", "乡村振兴"])),
            section=draw(st.sampled_from(["高新技术科", "农业农村科技科"])),
            score=draw(st.integers(50, 95)),
            amount=draw(st.sampled_from([30_000, 100_000, 200_000, 300_000])),
            fundable_max=draw(st.sampled_from([0, 100_000, 300_000])),
            track=draw(st.sampled_from([None, "clinical", "key_specialty"])),
            item=draw(st.sampled_from([None, "JB-01", "JB-02"])),
        )
        for i in range(n)
    ]
    limits = Limits(
        direction_quota={1: draw(st.integers(0, 3)), 2: draw(st.integers(0, 3))},
        track_quota={(39, "clinical"): draw(st.integers(0, 3)), (39, "key_specialty"): 1},
        category_cap={"产业振兴": draw(st.integers(0, 4)), "乡村振兴": draw(st.integers(0, 4))},
        track_amount_max={(39, "clinical"): 30_000, (39, "key_specialty"): 200_000},
        budget=draw(st.sampled_from([None, 200_000, 500_000, 1_000_000])),
        section_budgets=draw(st.sampled_from([{}, {"高新技术科": 300_000}])),
        min_score=draw(st.sampled_from([0, 60, 80])),
        item_quota={"JB-01": 1, "JB-02": draw(st.integers(0, 2))},
        item_amount_max={"JB-01": draw(st.sampled_from([100_000, 300_000]))},
    )
    return candidates, limits


@settings(max_examples=200, deadline=None)
@given(instances(), st.sampled_from(["score", "score_amount"]))
def test_optimiser_matches_brute_force_and_keeps_every_limit(instance, objective):
    candidates, limits = instance
    plan = solve(candidates, limits, objective=objective)
    assert plan.status == "optimal"
    assert violations(candidates, limits, plan.selected) == []
    assert sum(weight(c, objective) for c in candidates if c.key in plan.selected) == brute_force(
        candidates, limits, objective
    )
    assert set(plan.reasons) == {c.key for c in candidates} - plan.selected


def _c(key, **kw):
    values = {
        "direction": 1,
        "category": "产业振兴",
        "section": "高新技术科",
        "score": 80,
        "amount": 100_000,
        "fundable_max": 300_000,
    }
    return Candidate(key=key, **{**values, **kw})


def test_quota_reason_names_the_direction_and_its_count():
    candidates = [_c(1, score=90), _c(2, score=85), _c(3, score=70)]
    plan = solve(candidates, Limits(direction_quota={1: 2}))
    assert plan.selected == {1, 2}
    assert plan.reasons == {3: ["方向1拟立项数已满（2项），入选项目的得分更高"]}


def test_budget_reason_gives_what_is_left():
    candidates = [_c(1, score=90, amount=300_000), _c(2, score=60, amount=250_000)]
    plan = solve(candidates, Limits(budget=500_000))
    assert plan.reasons == {2: ["剩余总预算200,000元不足以资助本项目（250,000元）"]}


def test_category_cap_of_40_binds_across_directions():
    candidates = [_c(i, direction=6 + i % 8, score=50 + i % 40) for i in range(45)]
    plan = solve(candidates, Limits(category_cap={"产业振兴": 40}))
    assert len(plan.selected) == 40
    assert all(r == ["类别“产业振兴”已满（40项）"] for r in plan.reasons.values())


def test_track_quota_and_track_amount_cap_of_direction_39():
    clinical = [
        _c(i, direction=39, category="科技惠民", track="clinical", amount=30_000, score=60 + i)
        for i in range(62)
    ]
    over = _c(100, direction=39, category="科技惠民", track="clinical", amount=30_001, score=99)
    specialty = [
        _c(200 + i, direction=39, category="科技惠民", track="key_specialty", amount=200_000, score=70 + i)
        for i in range(4)
    ]
    limits = Limits(
        track_quota={(39, "clinical"): 60, (39, "key_specialty"): 3},
        track_amount_max={(39, "clinical"): 30_000, (39, "key_specialty"): 200_000},
    )
    plan = solve([*clinical, over, *specialty], limits)
    assert len(plan.selected & {c.key for c in clinical}) == 60
    assert len(plan.selected & {c.key for c in specialty}) == 3
    assert plan.reasons[100] == ["拟资助金额30,001元超过该子类上限30,000元", "方向39该子类已满（60项）"]


def test_forced_picks_are_honoured_and_impossible_forcing_is_reported():
    candidates = [_c(1, score=90, forced=False), _c(2, score=60, forced=True), _c(3, score=70)]
    plan = solve(candidates, Limits(direction_quota={1: 1}))
    assert plan.selected == {2}
    assert "经办人已将其排除" in plan.reasons[1]
    impossible = solve([_c(1, forced=True), _c(2, forced=True)], Limits(direction_quota={1: 1}))
    assert impossible.status == "infeasible"


def test_explain_when_nothing_binds_alone_names_the_tradeoff():
    candidates = [
        _c(1, score=90, amount=300_000),
        _c(2, score=80, amount=200_000),
        _c(3, score=75, amount=200_000),
    ]
    plan = solve(candidates, Limits(budget=400_000))
    assert plan.selected == {2, 3}
    assert explain(candidates, Limits(budget=400_000), plan.selected)[1] == [
        "剩余总预算0元不足以资助本项目（300,000元）"
    ]


@pytest.mark.parametrize("objective", ["score", "score_amount"])
def test_objective_choice_changes_the_pick(objective):
    candidates = [_c(1, score=90, amount=100_000), _c(2, score=70, amount=300_000)]
    plan = solve(candidates, Limits(direction_quota={1: 1}), objective=objective)
    assert plan.selected == ({1} if objective == "score" else {2})


def test_candidate_without_a_score_is_left_out_with_that_reason():
    plan = solve([_c(1, score=None)], Limits())
    assert plan.reasons == {1: ["尚无专家评审得分"]}


def _team(key, score, item="JB-01", amount=100_000):
    return Candidate(
        key=key, direction=1, category="攻坚", section="发展规划与科技监督科", score=score,
        amount=amount, fundable_max=8_000_000, item=item,
    )  # fmt: skip


def test_optimiser_funds_at_most_the_item_winners_best_first():
    teams = [_team(1, 80), _team(2, 90), _team(3, 85)]
    limits = Limits(item_quota={"JB-01": 1})

    plan = solve(teams, limits)

    assert plan.selected == {2}
    assert plan.reasons[3] == ["榜单项目JB-01拟支持1个揭榜团队，已由得分更高的团队揭榜"]


def test_optimiser_refuses_amount_above_item_cap():
    limits = Limits(item_amount_max={"JB-01": 50_000})

    plan = solve([_team(1, 90)], limits)

    assert plan.selected == set()
    assert plan.reasons[1] == ["拟资助金额100,000元超过榜单项目JB-01的资助上限50,000元"]


def test_violations_names_item_over_its_winners():
    teams = [_team(1, 80), _team(2, 90)]

    assert violations(teams, Limits(item_quota={"JB-01": 1}), {1, 2}) == [
        "榜单项目JB-01揭榜团队数超出：2项，上限1项"
    ]


def test_violations_name_an_application_by_its_number_not_its_key():
    team = Candidate(
        key=17,
        direction=1,
        category="c",
        section="s",
        score=90,
        amount=100,
        fundable_max=0,
        number="GL2022-01-00017",
    )

    assert violations([team], Limits(), {17}) == [
        "GL2022-01-00017：可资助金额为0（不符合申报要求或后补助公式所得为0）"
    ]
