"""Expert assignment (分配) as a min-cost flow, solved exactly by OR-Tools.

Each application needs k experts, each expert takes at most their cap, conflicted or
forbidden pairs have no arc, and total affinity is maximised. The options keep the flow
structure: per application, experts from the applicant's own county go through a node of
capacity k-1 (so at least one comes from outside), and experts of one unit through a node
of capacity `max_per_unit`. Pinned pairs carry a bonus larger than any affinity total, so
every pin that can be honoured is.

Large plain instances (no options) are solved on candidate pairs (each application's best
and each expert's best) and then certified on the full matrix: node potentials of the
optimal residual network price every left-out pair; if one would improve the flow it is
added and the flow solved again. The Lagrangian bound from the same potentials gives the
gap to the LP optimum.
"""

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1_000_000
DENSE_LIMIT = 2_000_000


@dataclass
class Problem:
    affinity: np.ndarray  # (applications, experts), higher is better
    allowed: np.ndarray  # bool: no conflict, not forbidden
    k: np.ndarray  # experts each application needs
    capacity: np.ndarray  # most applications each expert reviews
    pinned: np.ndarray | None = None  # bool
    same_county: np.ndarray | None = None  # bool: expert from the applicant's county
    require_outside: bool = False
    expert_unit: np.ndarray | None = None  # int label of each expert's unit
    max_per_unit: int | None = None

    @property
    def plain(self) -> bool:
        return (
            not self.require_outside
            and self.max_per_unit is None
            and (self.pinned is None or not self.pinned.any())
        )


@dataclass
class Solution:
    pairs: np.ndarray  # (m, 2) application, expert
    total_affinity: float
    shortfall: dict[int, int]  # application → experts missing
    upper_bound: float | None = None
    candidate_pairs: int = 0
    rounds: int = 1
    stats: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.upper_bound is None or self.total_affinity <= 0:
            return None
        return max(0.0, (self.upper_bound - self.total_affinity) / self.total_affinity)


def solve(
    problem: Problem,
    *,
    candidates_per_application: int = 60,
    candidates_per_expert: int = 40,
    dense_limit: int = DENSE_LIMIT,
) -> Solution:
    a_count, e_count = problem.affinity.shape
    if not problem.plain or a_count * e_count <= dense_limit:
        rows, cols = np.nonzero(problem.allowed)
        solution = _solve_pairs(problem, rows, cols)
        if problem.plain:
            solution.upper_bound = _certify(problem, solution, rows, cols)[1]
        return solution
    rows, cols = _candidates(problem, candidates_per_application, candidates_per_expert)
    for round_number in range(1, 20):
        solution = _solve_pairs(problem, rows, cols)
        if solution.shortfall:
            # Left-out pairs may be what it takes to cover everyone: give the short
            # applications every expert they may have, and solve again.
            short = np.zeros(a_count, dtype=bool)
            short[list(solution.shortfall)] = True
            more_rows, more_cols = np.nonzero(problem.allowed & short[:, None])
        else:
            violations, bound = _certify(problem, solution, rows, cols)
            solution.rounds, solution.upper_bound = round_number, bound
            if len(violations[0]) == 0:
                return solution
            more_rows, more_cols = violations
        keys = np.unique(np.concatenate([rows * e_count + cols, more_rows * e_count + more_cols]))
        if len(keys) == len(rows):
            return solution
        rows, cols = keys // e_count, keys % e_count
    return solution


def _candidates(problem: Problem, per_application: int, per_expert: int):
    score = np.where(problem.allowed, problem.affinity, -np.inf).astype(np.float32)
    a_count, e_count = score.shape
    top_a = np.argpartition(-score, min(per_application, e_count - 1), axis=1)[:, :per_application]
    rows_a = np.repeat(np.arange(a_count), top_a.shape[1])
    top_e = np.argpartition(-score, min(per_expert, a_count - 1), axis=0)[:per_expert, :]
    cols_e = np.tile(np.arange(e_count), top_e.shape[0])
    rows = np.concatenate([rows_a, top_e.ravel()])
    cols = np.concatenate([top_a.ravel(), cols_e])
    keys = np.unique(rows.astype(np.int64) * e_count + cols)
    rows, cols = keys // e_count, keys % e_count
    keep = problem.allowed[rows, cols]
    return rows[keep], cols[keep]


def _solve_pairs(problem: Problem, rows: np.ndarray, cols: np.ndarray) -> Solution:
    """Max flow at min cost over the given pairs, with the option nodes between them."""
    a_count, e_count = problem.affinity.shape
    weights = problem.affinity[rows, cols]
    costs = -np.rint(weights * SCALE).astype(np.int64)
    if problem.pinned is not None:
        bonus = int(SCALE * (np.abs(problem.affinity).sum() + 1)) + 1
        costs = costs - bonus * problem.pinned[rows, cols].astype(np.int64)
    source, first_app = 0, 1
    first_expert = first_app + a_count
    sink = first_expert + e_count
    next_node = sink + 1
    tails = [
        np.full(a_count, source),
    ]
    heads = [first_app + np.arange(a_count)]
    caps = [problem.k.astype(np.int64)]
    arc_costs = [np.zeros(a_count, dtype=np.int64)]
    upper = first_app + rows  # the node each pair's arc leaves from
    if problem.require_outside and problem.same_county is not None:
        inside = problem.same_county[rows, cols]
        group_of_app = next_node + 2 * np.arange(a_count)  # inside group, outside group = +1
        next_node += 2 * a_count
        tails += [first_app + np.arange(a_count)] * 2
        heads += [group_of_app, group_of_app + 1]
        caps += [np.maximum(problem.k - 1, 0).astype(np.int64), problem.k.astype(np.int64)]
        arc_costs += [np.zeros(a_count, dtype=np.int64)] * 2
        upper = group_of_app[rows] + (~inside).astype(np.int64)
    if problem.max_per_unit is not None and problem.expert_unit is not None:
        # Unit nodes hang below the county groups: a unit is in one county, so its experts
        # all fall into the same group for a given application.
        keys = upper.astype(np.int64) * (int(problem.expert_unit.max()) + 1) + problem.expert_unit[cols]
        unique_keys, index = np.unique(keys, return_inverse=True)
        unit_nodes = next_node + np.arange(len(unique_keys))
        next_node += len(unique_keys)
        group_parent = np.zeros(len(unique_keys), dtype=np.int64)
        group_parent[index] = upper
        tails.append(group_parent)
        heads.append(unit_nodes)
        caps.append(np.full(len(unique_keys), problem.max_per_unit, dtype=np.int64))
        arc_costs.append(np.zeros(len(unique_keys), dtype=np.int64))
        upper = unit_nodes[index]
    pair_arc_start = sum(len(t) for t in tails)
    tails.append(upper)
    heads.append(first_expert + cols)
    caps.append(np.ones(len(rows), dtype=np.int64))
    arc_costs.append(costs)
    tails.append(first_expert + np.arange(e_count))
    heads.append(np.full(e_count, sink))
    caps.append(problem.capacity.astype(np.int64))
    arc_costs.append(np.zeros(e_count, dtype=np.int64))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(arc_costs)
    )
    flow.set_node_supply(source, int(problem.k.sum()))
    flow.set_node_supply(sink, -int(problem.k.sum()))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"最小费用流求解失败：{status}")
    used = flow.flows(np.arange(pair_arc_start, pair_arc_start + len(rows))) > 0
    pairs = np.column_stack([rows[used], cols[used]])
    got = np.bincount(pairs[:, 0], minlength=a_count)
    shortfall = {int(a): int(problem.k[a] - got[a]) for a in np.nonzero(got < problem.k)[0]}
    return Solution(
        pairs=pairs,
        total_affinity=float(weights[used].sum()),
        shortfall=shortfall,
        candidate_pairs=len(rows),
    )


def _certify(problem: Problem, solution: Solution, rows: np.ndarray, cols: np.ndarray):
    """Potentials of the residual network by Bellman-Ford (vectorised), then the pairs left
    out that would improve the flow, and the Lagrangian upper bound on total affinity."""
    a_count, e_count = problem.affinity.shape
    keys = rows.astype(np.int64) * e_count + cols
    assigned = np.isin(keys, solution.pairs[:, 0].astype(np.int64) * e_count + solution.pairs[:, 1])
    # The integer costs the flow was solved with: with rounded floats a cycle of tiny
    # negative cost would keep Bellman-Ford going.
    weights = np.rint(problem.affinity[rows, cols] * SCALE).astype(np.int64)
    got = (
        np.bincount(solution.pairs[:, 0], minlength=a_count)
        if len(solution.pairs)
        else np.zeros(a_count, int)
    )
    load = (
        np.bincount(solution.pairs[:, 1], minlength=e_count)
        if len(solution.pairs)
        else np.zeros(e_count, int)
    )
    # Nodes: applications 0..A-1, experts A..A+E-1, source A+E, sink A+E+1. Costs: -w.
    source, sink = a_count + e_count, a_count + e_count + 1
    tails, heads, costs = [], [], []

    def arcs(t, h, c):
        tails.append(np.asarray(t, dtype=np.int64))
        heads.append(np.asarray(h, dtype=np.int64))
        costs.append(np.asarray(c, dtype=np.int64))

    free = ~assigned
    arcs(rows[free], a_count + cols[free], -weights[free])
    arcs(a_count + cols[assigned], rows[assigned], weights[assigned])
    apps = np.arange(a_count)
    arcs(apps, np.full(a_count, source), np.zeros(a_count))
    short = got < problem.k
    arcs(np.full(short.sum(), source), apps[short], np.zeros(short.sum()))
    experts = np.arange(e_count)
    room = load < problem.capacity
    arcs(a_count + experts[room], np.full(room.sum(), sink), np.zeros(room.sum()))
    busy = load > 0
    arcs(np.full(busy.sum(), sink), a_count + experts[busy], np.zeros(busy.sum()))
    tails, heads, costs = np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    potential = np.zeros(a_count + e_count + 2, dtype=np.int64)
    for _ in range(a_count + e_count + 2):
        best = np.minimum.reduceat(potential[tails] + costs, starts)
        improved = best < potential[targets]
        if not improved.any():
            break
        potential[targets[improved]] = best[improved]
    pi_app, pi_expert = potential[:a_count], potential[a_count : a_count + e_count]
    # A left-out pair improves the flow when its residual arc has negative reduced cost.
    in_candidates = np.zeros(problem.affinity.shape, dtype=bool)
    in_candidates[rows, cols] = True
    gain = np.rint(problem.affinity * SCALE).astype(np.int64) - (pi_app[:, None] - pi_expert[None, :])
    violating = problem.allowed & ~in_candidates & (gain > 0)
    violations = np.nonzero(violating)
    # Expert prices: what the saturated experts' capacity is worth at the optimum.
    prices = np.maximum(0, potential[sink] - pi_expert) / SCALE
    if solution.shortfall:
        return violations, None  # the bound assumes every application gets its k
    bound = float((problem.capacity * prices).sum() + _top_k_sum(problem, prices))
    return violations, bound


def _top_k_sum(problem: Problem, prices: np.ndarray, chunk: int = 2000) -> float:
    """Σ over applications of their k best (affinity − price) among allowed experts: the
    Lagrangian of the expert caps, with each application taking exactly k."""
    total = 0.0
    for start in range(0, problem.affinity.shape[0], chunk):
        block = problem.affinity[start : start + chunk] - prices[None, :]
        block = np.where(problem.allowed[start : start + chunk], block, -np.inf)
        k = problem.k[start : start + chunk]
        kmax = int(k.max()) if len(k) else 0
        if kmax == 0:
            continue
        top = -np.partition(-block, kmax - 1, axis=1)[:, :kmax]
        top = -np.sort(-top, axis=1)
        mask = np.arange(kmax)[None, :] < k[:, None]
        top = np.where(mask & np.isfinite(top), top, 0.0)
        total += float(top.sum())
    return total
