"""Expert assignment (分配) as a min-cost flow, solved exactly by OR-Tools.

Each application needs k experts, each expert takes at most their cap, conflicted or
forbidden pairs have no arc, and total affinity is maximised. The options keep the flow
structure: per application, experts from the applicant's own county go through a node of
capacity k-1 (so at least one comes from outside), and experts of one unit through a node
of capacity `max_per_unit`. Pinned pairs carry a bonus larger than any affinity total, so
every pin that can be honoured is.

Large instances are solved on candidate pairs (each application's best, each expert's best
and every pin) and then certified on the full matrix: node potentials of the optimal residual
network price every left-out pair; those that would improve the flow (or, while an
application is short, open an augmenting path) are added and the flow solved again. So the
optimum is exact with the options and pins too; among equal totals the pairs chosen may
differ from a solve over the whole matrix. For plain instances the Lagrangian bound from the
same potentials gives the gap to the LP optimum.
"""

from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

SCALE = 1_000_000
DENSE_LIMIT = 2_000_000
MAX_ROUNDS = 12
PRICED_PER_APPLICATION = 10


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
    if a_count * e_count <= dense_limit:
        return _solve_all(problem)
    rows, cols = _candidates(problem, candidates_per_application, candidates_per_expert)
    for round_number in range(1, MAX_ROUNDS + 1):
        solution, network = _solve_pairs(problem, rows, cols)
        potential = _potentials(problem, network)
        # Twice as many each round: where applications are alike they all price the same
        # few experts, and a fixed number per round would take hundreds of rounds.
        more_rows, more_cols = _violations(
            problem, network, potential, rows, cols, most=PRICED_PER_APPLICATION << (round_number - 1)
        )
        if len(more_rows) == 0:
            solution.rounds = round_number
            if problem.plain:
                solution.upper_bound = _bound(problem, solution, network, potential)
            return solution
        keys = np.unique(np.concatenate([rows * e_count + cols, more_rows * e_count + more_cols]))
        rows, cols = keys // e_count, keys % e_count
    # Pricing has not settled: the whole matrix is exact, however long it takes.
    return _solve_all(problem)


def _solve_all(problem: Problem) -> Solution:
    rows, cols = np.nonzero(problem.allowed)
    solution, network = _solve_pairs(problem, rows, cols)
    if problem.plain:
        solution.upper_bound = _bound(problem, solution, network, _potentials(problem, network))
    return solution


def _candidates(problem: Problem, per_application: int, per_expert: int):
    """Each application's best experts, each expert's best applications, and every pin."""
    score = np.where(problem.allowed, problem.affinity, -np.inf).astype(np.float32)
    a_count, e_count = score.shape
    top_a = np.argpartition(-score, min(per_application, e_count - 1), axis=1)[:, :per_application]
    rows_a = np.repeat(np.arange(a_count), top_a.shape[1])
    top_e = np.argpartition(-score, min(per_expert, a_count - 1), axis=0)[:per_expert, :]
    cols_e = np.tile(np.arange(e_count), top_e.shape[0])
    rows_p, cols_p = np.nonzero(problem.pinned) if problem.pinned is not None else ([], [])
    rows = np.concatenate([rows_a, top_e.ravel(), rows_p]).astype(np.int64)
    cols = np.concatenate([top_a.ravel(), cols_e, cols_p]).astype(np.int64)
    keys = np.unique(rows * e_count + cols)
    rows, cols = keys // e_count, keys % e_count
    keep = problem.allowed[rows, cols]
    return rows[keep], cols[keep]


@dataclass
class _Network:
    """The flow network of one solve, with its flows: what pricing left-out pairs reads."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    flows: np.ndarray
    nodes: int
    first_expert: int
    sink: int
    first_group: int | None  # two county groups per application: inside, then outside
    unit_keys: np.ndarray | None  # sorted: parent node × units + the expert's unit
    first_unit: int
    owner: np.ndarray  # the application each node below the source belongs to, else -1


SOURCE, FIRST_APP = 0, 1


def _parents(problem: Problem, network_groups: int | None, rows: np.ndarray, cols: np.ndarray):
    """The node a pair's arc leaves from, before unit nodes: the application, or its group."""
    if network_groups is None:
        return FIRST_APP + rows
    return network_groups + 2 * rows + (~problem.same_county[rows, cols]).astype(np.int64)


def _unit_count(problem: Problem) -> int:
    return int(problem.expert_unit.max()) + 1 if len(problem.expert_unit) else 1


def _tails(problem: Problem, network: _Network, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The node a pair's arc leaves from; for a pair whose unit node the network lacks, its
    parent: that unit node, joined to it by a free arc that carries no more than the cap,
    can take the parent's potential."""
    parents = _parents(problem, network.first_group, rows, cols)
    if network.unit_keys is None or len(network.unit_keys) == 0:
        return parents
    keys = parents * _unit_count(problem) + problem.expert_unit[cols]
    index = np.minimum(np.searchsorted(network.unit_keys, keys), len(network.unit_keys) - 1)
    found = network.unit_keys[index] == keys
    return np.where(found, network.first_unit + index, parents)


def _pin_bonus(problem: Problem) -> int:
    """More than any two flows can differ by in affinity, so each pin honoured outweighs
    every affinity; no larger, since OR-Tools refuses costs whose product with the node
    count leaves int64 (the bonus once summed the whole matrix and failed at 5,000 × 2,000)."""
    if problem.pinned is None or not problem.pinned.any():
        return 0
    largest = int(np.rint(np.abs(problem.affinity).max() * SCALE)) if problem.affinity.size else 0
    return 2 * int(problem.k.sum()) * largest + 1


def _solve_pairs(problem: Problem, rows: np.ndarray, cols: np.ndarray) -> tuple[Solution, _Network]:
    """Max flow at min cost over the given pairs, with the option nodes between them."""
    a_count, e_count = problem.affinity.shape
    weights = problem.affinity[rows, cols]
    costs = -np.rint(weights * SCALE).astype(np.int64)
    if problem.pinned is not None:
        costs = costs - _pin_bonus(problem) * problem.pinned[rows, cols].astype(np.int64)
    first_expert = FIRST_APP + a_count
    sink = first_expert + e_count
    next_node = sink + 1
    apps = np.arange(a_count)
    tails = [np.full(a_count, SOURCE)]
    heads = [FIRST_APP + apps]
    caps = [problem.k.astype(np.int64)]
    arc_costs = [np.zeros(a_count, dtype=np.int64)]
    owners = [np.full(first_expert, -1), np.full(e_count + 1, -1)]
    owners[0][FIRST_APP:] = apps
    first_group = None
    if problem.require_outside and problem.same_county is not None:
        first_group = next_node
        group_of_app = first_group + 2 * apps  # inside group, outside group = +1
        next_node += 2 * a_count
        tails += [FIRST_APP + apps] * 2
        heads += [group_of_app, group_of_app + 1]
        caps += [np.maximum(problem.k - 1, 0).astype(np.int64), problem.k.astype(np.int64)]
        arc_costs += [np.zeros(a_count, dtype=np.int64)] * 2
        owners.append(np.repeat(apps, 2))
    upper = _parents(problem, first_group, rows, cols)
    unit_keys, first_unit = None, next_node
    if problem.max_per_unit is not None and problem.expert_unit is not None:
        # Unit nodes hang below the county groups: a unit is in one county, so its experts
        # all fall into the same group for a given application. Only where more of a unit's
        # experts are paired than the cap allows: elsewhere the cap cannot bind, and the
        # pairs hang from the group itself (pricing reads a missing unit node the same way).
        keys = upper * _unit_count(problem) + problem.expert_unit[cols]
        all_keys, index, counts = np.unique(keys, return_inverse=True, return_counts=True)
        binding = counts > problem.max_per_unit
        unit_keys = all_keys[binding]
        unit_nodes = np.full(len(all_keys), -1)
        unit_nodes[binding] = first_unit + np.arange(len(unit_keys))
        next_node += len(unit_keys)
        group_parent = np.zeros(len(all_keys), dtype=np.int64)
        group_parent[index] = upper
        tails.append(group_parent[binding])
        heads.append(unit_nodes[binding])
        caps.append(np.full(len(unit_keys), problem.max_per_unit, dtype=np.int64))
        arc_costs.append(np.zeros(len(unit_keys), dtype=np.int64))
        owner_of_app_node = np.concatenate(owners)
        owners.append(owner_of_app_node[group_parent[binding]])
        upper = np.where(binding[index], unit_nodes[index], upper)
    pair_arc_start = sum(len(t) for t in tails)
    tails.append(upper)
    heads.append(first_expert + cols)
    caps.append(np.ones(len(rows), dtype=np.int64))
    arc_costs.append(costs)
    tails.append(first_expert + np.arange(e_count))
    heads.append(np.full(e_count, sink))
    caps.append(problem.capacity.astype(np.int64))
    arc_costs.append(np.zeros(e_count, dtype=np.int64))
    tails, heads = np.concatenate(tails), np.concatenate(heads)
    caps, arc_costs = np.concatenate(caps), np.concatenate(arc_costs)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, arc_costs)
    flow.set_node_supply(SOURCE, int(problem.k.sum()))
    flow.set_node_supply(sink, -int(problem.k.sum()))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"最小费用流求解失败：{status}")
    flows = flow.flows(np.arange(len(tails)))
    used = flows[pair_arc_start : pair_arc_start + len(rows)] > 0
    pairs = np.column_stack([rows[used], cols[used]])
    got = np.bincount(pairs[:, 0], minlength=a_count)
    shortfall = {int(a): int(problem.k[a] - got[a]) for a in np.nonzero(got < problem.k)[0]}
    solution = Solution(
        pairs=pairs,
        total_affinity=float(weights[used].sum()),
        shortfall=shortfall,
        candidate_pairs=len(rows),
    )
    network = _Network(
        tails=tails,
        heads=heads,
        caps=caps,
        costs=arc_costs,
        flows=flows,
        nodes=next_node,
        first_expert=first_expert,
        sink=sink,
        first_group=first_group,
        unit_keys=unit_keys,
        first_unit=first_unit,
        owner=np.concatenate(owners),
    )
    return solution, network


def _potentials(problem: Problem, network: _Network) -> np.ndarray:
    """Shortest distances in the residual network from a virtual root joined to every node
    (Bellman-Ford, vectorised): residual arcs then have non-negative reduced cost.

    While some application is short, an arc back from the sink to the source costs more than
    any simple path can gain (fewer arcs than nodes, none dearer than the dearest), so a left-out pair that would open an augmenting path prices as an
    improvement too: the flow is then proven maximal as well as cheapest."""
    forward = network.flows < network.caps
    backward = network.flows > 0
    tails = [network.tails[forward], network.heads[backward]]
    heads = [network.heads[forward], network.tails[backward]]
    costs = [network.costs[forward], -network.costs[backward]]
    if network.flows[network.tails == SOURCE].sum() < problem.k.sum():
        largest = int(np.abs(network.costs).max(initial=0))
        tails.append(np.array([network.sink]))
        heads.append(np.array([SOURCE]))
        costs.append(np.array([-network.nodes * largest - 1]))
    tails, heads, costs = np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    potential = np.zeros(network.nodes, dtype=np.int64)
    for _ in range(network.nodes):
        best = np.minimum.reduceat(potential[tails] + costs, starts)
        improved = best < potential[targets]
        if not improved.any():
            return potential
        potential[targets[improved]] = best[improved]
    raise RuntimeError("残量网络中有负费用环：最小费用流的解不是最优的。")


def _violations(
    problem: Problem,
    network: _Network,
    potential: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    most: int,
    chunk: int = 1000,
):
    """Left-out allowed pairs whose arc would have negative reduced cost, the `most` best of
    each application: adding every one at once, where many applications are alike, brings
    back the whole matrix. None means the flow is optimal on the full matrix."""
    a_count, e_count = problem.affinity.shape
    at_expert = potential[network.first_expert : network.first_expert + e_count]
    # The lowest potential an application's left-out arcs could leave from, to skip most
    # pairs before finding each one's own node.
    owned = network.owner >= 0
    lowest = np.full(a_count, np.iinfo(np.int64).max)
    np.minimum.at(lowest, network.owner[owned], potential[owned])
    in_candidates = np.zeros(problem.affinity.shape, dtype=bool)
    in_candidates[rows, cols] = True
    found_rows, found_cols = [], []
    for start in range(0, a_count, chunk):
        block = slice(start, start + chunk)
        gain = np.rint(problem.affinity[block] * SCALE).astype(np.int64) - (lowest[block, None] - at_expert)
        maybe_rows, maybe_cols = np.nonzero(problem.allowed[block] & ~in_candidates[block] & (gain > 0))
        maybe_rows += start
        weights = np.rint(problem.affinity[maybe_rows, maybe_cols] * SCALE).astype(np.int64)
        tails = _tails(problem, network, maybe_rows, maybe_cols)
        gains = weights - (potential[tails] - at_expert[maybe_cols])
        improves = gains > 0
        maybe_rows, maybe_cols, gains = maybe_rows[improves], maybe_cols[improves], gains[improves]
        order = np.lexsort((-gains, maybe_rows))
        maybe_rows, maybe_cols = maybe_rows[order], maybe_cols[order]
        first = np.searchsorted(maybe_rows, maybe_rows)  # each row's first place in the order
        best = np.arange(len(maybe_rows)) - first < most
        found_rows.append(maybe_rows[best])
        found_cols.append(maybe_cols[best])
    return np.concatenate(found_rows), np.concatenate(found_cols)


def _bound(problem: Problem, solution: Solution, network: _Network, potential: np.ndarray) -> float | None:
    """The Lagrangian upper bound on total affinity at the expert prices the optimal residual
    network gives: what the saturated experts' capacity is worth."""
    if solution.shortfall:
        return None  # the bound assumes every application gets its k
    e_count = problem.affinity.shape[1]
    at_expert = potential[network.first_expert : network.first_expert + e_count]
    prices = np.maximum(0, potential[network.sink] - at_expert) / SCALE
    return float((problem.capacity * prices).sum() + _top_k_sum(problem, prices))


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
