"""The solver: sparse, dense and brute force agree exactly; equal scores stay equal."""

from __future__ import annotations

import random
from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from engine_strategies import (
    TERM_END,
    TERM_START,
    Round,
    brute_force,
    pair_table,
    rounds,
    units,
    volunteers,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine import (
    Settings,
    Student,
    Volunteer,
    Weights,
    evaluate_pair,
    match,
    solve,
    vocab,
)
from matcher.engine.edges import Edges, feasible_edges
from matcher.engine.matching import prepare
from matcher.sample import generate_people, to_engine

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def edges_of(r: Round) -> tuple[Edges, np.ndarray]:
    """The feasible pairs of a round and the volunteers' places, as `match` builds them."""
    work = prepare(r.students, r.volunteers, r.settings, TERM_START, TERM_END, r.forbids, ())
    everyone_s = np.arange(len(work.problem.students), dtype=np.int64)
    everyone_v = np.arange(len(work.problem.volunteers), dtype=np.int64)
    return feasible_edges(work.problem, everyone_s, everyone_v, work.forbidden), work.remaining()


def outcome(edges: Edges, solution: solve.Solution) -> tuple[int, int, int]:
    """(pairs, lowest score, total score) of a solution, in grid units."""
    chosen = []
    for r, c in zip(solution.rows.tolist(), solution.cols.tolist(), strict=True):
        row = edges.cols[edges.indptr[r] : edges.indptr[r + 1]].tolist()
        chosen.append(int(edges.units[edges.indptr[r] + row.index(c)]))
    return len(chosen), min(chosen, default=0), sum(chosen)


@FAST
@given(rounds(), st.sampled_from(("best", "fair")))
def test_sparse_dense_and_brute_force_agree(r: Round, objective: str) -> None:
    edges, capacity = edges_of(r)
    sparse = outcome(edges, solve.assign(edges, capacity, objective, method="sparse"))
    dense = outcome(edges, solve.assign(edges, capacity, objective, method="dense"))
    count, lowest, total = brute_force(r, pair_table(r), fair=objective == "fair")
    assert sparse[0] == dense[0] == count
    assert sparse[2] == dense[2] == total
    if objective == "fair":
        assert sparse[1] == dense[1] == lowest


# Weights under which different criteria give the same points: a third of the
# interests (30 / 3), half the goals (20 / 2) and half the level support (20 / 2) are
# all 10 points, and sums of them agree in truth however they are reached.
TIES = Weights(overlap=0, interests=30, goals=20, level=20, gender=15, continuity=15)
SETS = st.frozensets(st.sampled_from(vocab.INTERESTS[:4]), min_size=1, max_size=4)
GOALS = st.frozensets(st.sampled_from(vocab.GOALS[:4]), min_size=1, max_size=4)


@st.composite
def tie_rounds(draw: st.DrawFn, objective: str) -> Round:
    """Rounds whose pairs' scores are often equal in truth, reached along different sums.

    Everyone is online at the same hours, so only interests, goals, level and gender
    preference tell pairs apart.
    """
    drawn = draw(volunteers(draw(st.integers(1, 5))))
    week, zone = drawn[0].availability, drawn[0].timezone
    same = {"availability": week, "timezone": zone, "format": "online", "approved": True}
    vs = [replace(v, **same, interests=draw(SETS), goals=draw(GOALS)) for v in drawn]
    ss = [
        Student(
            f"s{k}",
            week,
            zone,
            english_level=draw(st.sampled_from(vocab.ENGLISH_LEVELS)),
            interests=draw(SETS),
            goals=draw(GOALS),
            volunteer_gender=draw(st.sampled_from(("", "female"))),
        )
        for k in range(draw(st.integers(1, 6)))
    ]
    return Round(ss, vs, (), Settings(weights=TIES, objective=objective))


@FAST
@given(tie_rounds("fair"))
def test_fair_is_exact_when_scores_are_equal_in_truth(r: Round) -> None:
    table = pair_table(r)
    result = match(r.students, r.volunteers, r.settings, term_start=TERM_START, term_end=TERM_END)
    count, lowest, total = brute_force(r, table, fair=True)
    assert len(result.pairs) == count
    assert min(units(p.score) for p in result.pairs) == lowest
    assert sum(units(p.score) for p in result.pairs) == total
    for p in result.pairs:  # the round's score of a pair is the pair's own score, exactly
        assert units(p.score) == table[(p.student_id, p.volunteer_id)]


def test_equal_truths_reached_along_different_sums_get_one_score() -> None:
    """20 points as a third of the interests and half the goals, or two thirds of the
    interests and none of the goals: one score, whichever way a pair is scored."""
    week = tuple(k in range(38, 44) for k in range(vocab.SLOTS_PER_WEEK))
    i, g = vocab.INTERESTS, vocab.GOALS
    v = Volunteer("v", week, "Asia/Seoul", interests=frozenset(i[:2]), goals=frozenset(g[:1]))
    a = Student("a", week, interests=frozenset((i[0], i[2], i[3])), goals=frozenset(g[:2]))
    b = Student("b", week, interests=frozenset(i[:3]), goals=frozenset(g[1:2]))
    settings = Settings(weights=TIES)
    alone = [
        evaluate_pair(s, v, settings, term_start=TERM_START, term_end=TERM_END).score
        for s in (a, b)
    ]
    together = match(
        [a, b],
        [replace(v, capacity=2)],
        replace(settings, objective="fair"),
        term_start=TERM_START,
        term_end=TERM_END,
    )
    assert alone[0] == alone[1] == together.pairs[0].score == together.pairs[1].score


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("objective", ["best", "fair"])
def test_sparse_and_dense_agree_on_realistic_rounds_in_any_order(seed: int, objective: str) -> None:
    students, vols = to_engine(*generate_people(60, 45, seed=seed))
    r = Round(students, vols, (), Settings(objective=objective, lock_continue_partner=False))
    edges, capacity = edges_of(r)
    sparse = outcome(edges, solve.assign(edges, capacity, objective, method="sparse"))
    dense = outcome(edges, solve.assign(edges, capacity, objective, method="dense"))
    same = (0, 1, 2) if objective == "fair" else (0, 2)  # best: any lowest of the best total
    assert [sparse[k] for k in same] == [dense[k] for k in same]
    rng = random.Random(seed)
    with mock.patch.object(solve, "DENSE_UP_TO", 0):  # the sparse path, however small
        first = match(students, vols, r.settings, term_start=TERM_START, term_end=TERM_END)
        again = match(
            rng.sample(students, len(students)),
            rng.sample(vols, len(vols)),
            r.settings,
            term_start=TERM_START,
            term_end=TERM_END,
        )
    assert [(p.student_id, p.volunteer_id) for p in first.pairs] == [
        (p.student_id, p.volunteer_id) for p in again.pairs
    ]
    assert sum(units(p.score) for p in first.pairs if p.origin == "solved") == sparse[2]
