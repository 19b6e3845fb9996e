"""立项 funding plan: pick the applications to fund within every limit of the guide at once.

A 0/1 programme solved exactly by OR-Tools CP-SAT: each candidate is in or out at its
amount (officers set amounts; the optimiser picks); limits are the 方向's 拟立项数, the
子类 quotas (方向39), the winners of each 榜单 item (揭榜挂帅) and its funding cap, the 类别
caps, the overall budget and optional 科室 budgets. The
objective is the total score, or the score-weighted amount. For each candidate left out,
`explain` names the limits that keep it out.
"""

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

OBJECTIVES = {"score": "总分最高", "score_amount": "得分加权的资助金额最高"}


@dataclass(frozen=True)
class Candidate:
    key: int
    direction: int
    category: str
    section: str
    score: float | None
    amount: int
    fundable_max: int
    track: str | None = None
    forced: bool | None = None  # officer's pick: True in, False out, None free
    # 揭榜挂帅: the code of the 榜单 item the application answers.
    item: str | None = None
    # What people call the application (its 申报编号) in a refusal; the key is internal.
    number: str = ""


@dataclass
class Limits:
    direction_quota: dict[int, int] = field(default_factory=dict)
    track_quota: dict[tuple[int, str], int] = field(default_factory=dict)
    category_cap: dict[str, int] = field(default_factory=dict)
    track_amount_max: dict[tuple[int, str], int] = field(default_factory=dict)
    # 榜单 item code → how many teams may win it, and its funding cap.
    item_quota: dict[str, int] = field(default_factory=dict)
    item_amount_max: dict[str, int] = field(default_factory=dict)
    budget: int | None = None
    section_budgets: dict[str, int] = field(default_factory=dict)
    min_score: float = 0.0


@dataclass
class Plan:
    selected: set[int]
    objective: int
    status: str
    reasons: dict[int, list[str]]


def fundable(c: Candidate, limits: Limits) -> list[str]:
    """Why `c` cannot be funded at all, whatever else is picked."""
    problems = []
    if c.fundable_max <= 0:
        problems.append("可资助金额为0（不符合申报要求或后补助公式所得为0）")
    elif c.amount > c.fundable_max:
        problems.append(f"拟资助金额{c.amount:,}元超过可资助上限{c.fundable_max:,}元")
    if c.amount <= 0:
        problems.append("拟资助金额须大于0")
    cap = limits.track_amount_max.get((c.direction, c.track)) if c.track else None
    if cap is not None and c.amount > cap:
        problems.append(f"拟资助金额{c.amount:,}元超过该子类上限{cap:,}元")
    item_cap = limits.item_amount_max.get(c.item) if c.item else None
    if item_cap is not None and c.amount > item_cap:
        problems.append(f"拟资助金额{c.amount:,}元超过榜单项目{c.item}的资助上限{item_cap:,}元")
    if c.score is None:
        problems.append("尚无专家评审得分")
    elif c.score < limits.min_score:
        problems.append(f"评审得分{c.score:g}低于立项分数线{limits.min_score:g}")
    return problems


def weight(c: Candidate, objective: str) -> int:
    score = c.score or 0
    if objective == "score_amount":
        return round(score * c.amount / 1000)
    return round(score * 100)


def solve(
    candidates: list[Candidate], limits: Limits, *, objective: str = "score", time_limit: float = 30.0
) -> Plan:
    model = cp_model.CpModel()
    x = {c.key: model.new_bool_var(f"x{c.key}") for c in candidates}
    for c in candidates:
        if fundable(c, limits) or c.forced is False:
            model.add(x[c.key] == 0)
        elif c.forced:
            model.add(x[c.key] == 1)
    for groups, cap_of in _groups(candidates, limits):
        for group_key, members in groups.items():
            cap = cap_of(group_key)
            if cap is not None:
                model.add(sum(x[m.key] for m in members) <= cap)
    if limits.budget is not None:
        model.add(sum(c.amount * x[c.key] for c in candidates) <= limits.budget)
    for section, budget in limits.section_budgets.items():
        members = [c for c in candidates if c.section == section]
        if members:
            model.add(sum(c.amount * x[c.key] for c in members) <= budget)
    model.maximize(sum(weight(c, objective) * x[c.key] for c in candidates))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Plan(
            set(), 0, "infeasible", {c.key: ["指定入选的项目超出限额，无法同时满足"] for c in candidates}
        )
    selected = {c.key for c in candidates if solver.value(x[c.key])}
    plan = Plan(
        selected, int(solver.objective_value), "optimal" if status == cp_model.OPTIMAL else "feasible", {}
    )
    plan.reasons = explain(candidates, limits, selected)
    return plan


def _groups(candidates, limits):
    by_direction, by_track, by_category, by_item = {}, {}, {}, {}
    for c in candidates:
        by_direction.setdefault(c.direction, []).append(c)
        by_category.setdefault(c.category, []).append(c)
        if c.track:
            by_track.setdefault((c.direction, c.track), []).append(c)
        if c.item:
            by_item.setdefault(c.item, []).append(c)
    return [
        (by_direction, limits.direction_quota.get),
        (by_track, limits.track_quota.get),
        (by_category, limits.category_cap.get),
        (by_item, limits.item_quota.get),
    ]


def violations(candidates: list[Candidate], limits: Limits, selected: set[int]) -> list[str]:
    """Every limit the picked set breaks, in Chinese; empty when the set is within them."""
    chosen = [c for c in candidates if c.key in selected]
    problems = [f"{c.number or c.key}：{p}" for c in chosen for p in fundable(c, limits)]
    labels = ("方向{}拟立项数", "方向{0[0]}子类“{0[1]}”项数", "类别“{}”项数", "榜单项目{}揭榜团队数")
    for (groups, cap_of), label in zip(_groups(chosen, limits), labels, strict=True):
        for group_key, members in groups.items():
            cap = cap_of(group_key)
            if cap is not None and len(members) > cap:
                problems.append(f"{label.format(group_key)}超出：{len(members)}项，上限{cap}项")
    total = sum(c.amount for c in chosen)
    if limits.budget is not None and total > limits.budget:
        problems.append(f"资助总额{total:,}元超出总预算{limits.budget:,}元")
    for section, budget in limits.section_budgets.items():
        spent = sum(c.amount for c in chosen if c.section == section)
        if spent > budget:
            problems.append(f"{section}资助额{spent:,}元超出科室预算{budget:,}元")
    return problems


def explain(candidates: list[Candidate], limits: Limits, selected: set[int]) -> dict[int, list[str]]:
    """For each candidate left out: the limits that adding it alone would break."""
    chosen = [c for c in candidates if c.key in selected]
    count_direction, count_track, count_category, count_item = {}, {}, {}, {}
    for c in chosen:
        count_direction[c.direction] = count_direction.get(c.direction, 0) + 1
        if c.item:
            count_item[c.item] = count_item.get(c.item, 0) + 1
        count_category[c.category] = count_category.get(c.category, 0) + 1
        if c.track:
            count_track[(c.direction, c.track)] = count_track.get((c.direction, c.track), 0) + 1
    spent = sum(c.amount for c in chosen)
    spent_section: dict[str, int] = {}
    for c in chosen:
        spent_section[c.section] = spent_section.get(c.section, 0) + c.amount
    reasons = {}
    for c in candidates:
        if c.key in selected:
            continue
        found = list(fundable(c, limits))
        if c.forced is False:
            found.append("经办人已将其排除")
        quota = limits.direction_quota.get(c.direction)
        if quota is not None and count_direction.get(c.direction, 0) >= quota:
            found.append(f"方向{c.direction}拟立项数已满（{quota}项），入选项目的得分更高")
        track_quota = limits.track_quota.get((c.direction, c.track)) if c.track else None
        if track_quota is not None and count_track.get((c.direction, c.track), 0) >= track_quota:
            found.append(f"方向{c.direction}该子类已满（{track_quota}项）")
        item_quota = limits.item_quota.get(c.item) if c.item else None
        if item_quota is not None and count_item.get(c.item, 0) >= item_quota:
            found.append(f"榜单项目{c.item}拟支持{item_quota}个揭榜团队，已由得分更高的团队揭榜")
        cap = limits.category_cap.get(c.category)
        if cap is not None and count_category.get(c.category, 0) >= cap:
            found.append(f"类别“{c.category}”已满（{cap}项）")
        if limits.budget is not None and spent + c.amount > limits.budget:
            found.append(f"剩余总预算{limits.budget - spent:,}元不足以资助本项目（{c.amount:,}元）")
        section_budget = limits.section_budgets.get(c.section)
        if section_budget is not None and spent_section.get(c.section, 0) + c.amount > section_budget:
            found.append(f"{c.section}剩余预算{section_budget - spent_section.get(c.section, 0):,}元不足")
        if not found:
            found.append("总体最优方案中选入其他项目的组合得分更高")
        reasons[c.key] = found
    return reasons
