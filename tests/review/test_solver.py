import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stplan.review.solver import Problem, solve


def brute_force(problem: Problem) -> float | None:
    """The best total affinity giving every application exactly k experts, by enumeration,
    among the choices that honour the most pins."""
    a_count, e_count = problem.affinity.shape
    options = []
    for a in range(a_count):
        experts = [e for e in range(e_count) if problem.allowed[a, e]]
        if len(experts) < problem.k[a]:
            return None
        options.append(list(itertools.combinations(experts, int(problem.k[a]))))
    best = None
    for choice in itertools.product(*options):
        load = np.zeros(e_count, dtype=int)
        counts_ok = True
        for a, experts in enumerate(choice):
            load[list(experts)] += 1
            if problem.max_per_unit is not None:
                units = np.bincount(problem.expert_unit[list(experts)])
                counts_ok &= bool(units.max(initial=0) <= problem.max_per_unit)
            if problem.require_outside and problem.k[a] > 0:
                counts_ok &= not all(problem.same_county[a, e] for e in experts)
        if not counts_ok or (load > problem.capacity).any():
            continue
        # Pins honoured come first, then affinity.
        pins = (
            0
            if problem.pinned is None
            else sum(int(problem.pinned[a, list(e)].sum()) for a, e in enumerate(choice))
        )
        value = (pins, sum(problem.affinity[a, e] for a, experts in enumerate(choice) for e in experts))
        best = value if best is None else max(best, value)
    return None if best is None else best[1]


instances = st.builds(
    lambda seed, a, e, k, cap, conflict: _instance(seed, a, e, k, cap, conflict),
    st.integers(0, 10_000),
    st.integers(1, 4),
    st.integers(2, 6),
    st.integers(1, 2),
    st.integers(1, 3),
    st.floats(0, 0.4),
)


def _instance(seed, a, e, k, cap, conflict, **options):
    rng = np.random.default_rng(seed)
    return Problem(
        affinity=np.round(rng.random((a, e)), 3),
        allowed=rng.random((a, e)) >= conflict,
        k=np.full(a, k),
        capacity=np.full(e, cap),
        **options,
    )


@settings(max_examples=150, deadline=None)
@given(instances)
def test_solver_matches_brute_force_on_small_instances(problem):
    solution = solve(problem)
    best = brute_force(problem)
    if best is None or solution.shortfall:
        return
    assert solution.total_affinity == pytest.approx(best, abs=1e-6)
    assert solution.upper_bound == pytest.approx(best, abs=1e-5)


@settings(max_examples=150, deadline=None)
@given(instances)
def test_solver_never_assigns_a_conflict_or_exceeds_a_cap(problem):
    solution = solve(problem)
    for a, e in solution.pairs:
        assert problem.allowed[a, e]
    load = np.bincount(solution.pairs[:, 1], minlength=problem.capacity.size) if len(solution.pairs) else 0
    assert np.all(load <= problem.capacity)
    got = (
        np.bincount(solution.pairs[:, 0], minlength=problem.k.size)
        if len(solution.pairs)
        else np.zeros(problem.k.size)
    )
    assert np.all(got <= problem.k)
    assert len({(int(a), int(e)) for a, e in solution.pairs}) == len(solution.pairs)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000))
def test_outside_county_and_unit_cap_options_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    expert_unit = rng.integers(0, 4, 6)
    unit_county = rng.integers(0, 2, 4)  # experts of one unit share its county
    application_county = rng.integers(0, 2, 3)
    problem = _instance(
        seed,
        3,
        6,
        2,
        2,
        0.1,
        same_county=application_county[:, None] == unit_county[expert_unit][None, :],
        require_outside=True,
        expert_unit=expert_unit,
        max_per_unit=1,
    )
    solution = solve(problem)
    best = brute_force(problem)
    if best is None or solution.shortfall:
        return
    assert solution.total_affinity == pytest.approx(best, abs=1e-6)
    for a in range(3):
        experts = solution.pairs[solution.pairs[:, 0] == a, 1]
        assert not problem.same_county[a, experts].all()
        assert np.bincount(problem.expert_unit[experts]).max() <= 1


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_priced_candidates_with_options_and_pins_match_brute_force(seed, short_of_experts):
    rng = np.random.default_rng(seed)
    expert_unit = rng.integers(0, 4, 6)
    unit_county = rng.integers(0, 2, 4)
    application_county = rng.integers(0, 2, 3)
    problem = _instance(
        seed,
        3,
        6,
        2,
        1 if short_of_experts else 2,
        0.1,
        pinned=rng.random((3, 6)) < 0.15,
        same_county=application_county[:, None] == unit_county[expert_unit][None, :],
        require_outside=True,
        expert_unit=expert_unit,
        max_per_unit=1,
    )
    # One candidate per application and expert: pricing has to find the rest.
    solution = solve(problem, candidates_per_application=1, candidates_per_expert=1, dense_limit=0)
    exact = solve(problem)
    assert sum(solution.shortfall.values()) == sum(exact.shortfall.values())
    assert solution.total_affinity == pytest.approx(exact.total_affinity, abs=1e-6)
    assert int(problem.pinned[solution.pairs[:, 0], solution.pairs[:, 1]].sum()) == int(
        problem.pinned[exact.pairs[:, 0], exact.pairs[:, 1]].sum()
    )
    best = brute_force(problem)
    if best is not None and not exact.shortfall:
        assert solution.total_affinity == pytest.approx(best, abs=1e-6)


def test_pins_hold_where_the_whole_matrix_summed_would_leave_the_cost_range():
    # OR-Tools refuses costs whose product with the node count leaves int64. The pin bonus
    # once summed the whole affinity matrix and failed the service at 5,000 × 2,000 with
    # unit caps; large affinities stand in for that size here.
    rng = np.random.default_rng(5)
    a_count, e_count = 5, 400
    pinned = np.zeros((a_count, e_count), dtype=bool)
    pinned[np.arange(a_count), rng.choice(e_count, a_count, replace=False)] = True
    problem = Problem(
        affinity=np.round(rng.random((a_count, e_count)) * 2e7),
        allowed=np.ones((a_count, e_count), dtype=bool),
        k=np.ones(a_count, dtype=int),
        capacity=np.ones(e_count, dtype=int),
        pinned=pinned,
    )
    solution = solve(problem)
    assert sorted(map(tuple, solution.pairs.tolist())) == sorted(map(tuple, np.argwhere(pinned).tolist()))


def test_infeasible_application_is_reported_with_its_shortfall():
    problem = Problem(
        affinity=np.array([[0.5, 0.9, 0.8], [0.5, 0.9, 0.8]]),
        allowed=np.array([[True, True, True], [True, False, False]]),
        k=np.array([2, 2]),
        capacity=np.array([2, 2, 2]),
    )
    solution = solve(problem)
    assert solution.shortfall == {1: 1}
    assert sorted(map(tuple, solution.pairs.tolist())) == [(0, 1), (0, 2), (1, 0)]


def test_pinned_pair_is_kept_even_when_it_costs_affinity():
    problem = Problem(
        affinity=np.array([[0.9, 0.1, 0.8]]),
        allowed=np.ones((1, 3), dtype=bool),
        k=np.array([2]),
        capacity=np.array([1, 1, 1]),
        pinned=np.array([[False, True, False]]),
    )
    assert sorted(solve(problem).pairs[:, 1].tolist()) == [0, 1]


def test_large_plain_instance_is_solved_on_candidates_and_certified():
    rng = np.random.default_rng(7)
    a_count, e_count = 1200, 1800
    fields_a, fields_e = rng.integers(0, 12, a_count), rng.integers(0, 12, e_count)
    affinity = rng.random((a_count, e_count)) * 0.3 + (fields_a[:, None] == fields_e[None, :]) * 0.5
    problem = Problem(
        affinity, rng.random((a_count, e_count)) >= 0.01, np.full(a_count, 5), np.full(e_count, 4)
    )
    solution = solve(problem, candidates_per_application=10, candidates_per_expert=5)
    assert solution.shortfall == {}
    assert solution.candidate_pairs < a_count * e_count
    assert solution.gap <= 1e-6


def test_pruned_and_certified_solution_equals_the_lp_optimum_from_highs():
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    rng = np.random.default_rng(3)
    a_count, e_count, k, cap = 60, 90, 3, 3
    affinity = np.round(
        rng.random((a_count, e_count)) * 0.3 + (rng.random((a_count, e_count)) < 0.1) * 0.5, 4
    )
    allowed = rng.random((a_count, e_count)) >= 0.05
    problem = Problem(affinity, allowed, np.full(a_count, k), np.full(e_count, cap))
    solution = solve(problem, candidates_per_application=4, candidates_per_expert=2, dense_limit=0)
    rows, cols = np.nonzero(allowed)
    n = len(rows)
    equality = coo_matrix((np.ones(n), (rows, np.arange(n))), shape=(a_count, n))
    capacity = coo_matrix((np.ones(n), (cols, np.arange(n))), shape=(e_count, n))
    lp = linprog(
        -affinity[rows, cols],
        A_ub=capacity,
        b_ub=np.full(e_count, cap),
        A_eq=equality,
        b_eq=np.full(a_count, k),
        bounds=(0, 1),
        method="highs",
    )
    assert solution.shortfall == {}
    assert solution.rounds > 1
    assert solution.total_affinity == pytest.approx(-lp.fun, abs=1e-6)
    assert solution.upper_bound == pytest.approx(-lp.fun, abs=1e-5)
