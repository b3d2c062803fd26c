"""Properties of `match` on random rounds, checked against independent computations."""

from __future__ import annotations

import json
import random

import numpy as np
from engine_strategies import (
    TERM_END,
    TERM_START,
    Round,
    Table,
    brute_force,
    pair_table,
    rounds,
    units,
)
from hypothesis import HealthCheck, given, settings
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from matcher.engine import MatchResult, match

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(r: Round, **kwargs: object) -> MatchResult:
    return match(
        r.students,
        r.volunteers,
        r.settings,
        term_start=TERM_START,
        term_end=TERM_END,
        forbids=r.forbids,
        **kwargs,  # type: ignore[arg-type]
    )


def max_bipartite(r: Round, table: Table) -> int:
    """Maximum matching over feasible pairs, a volunteer repeated once per place."""
    columns = [v for v in r.volunteers for _ in range(v.capacity)]
    dense = np.array(
        [[table[(s.id, v.id)] is not None for v in columns] for s in r.students], dtype=np.int8
    ).reshape(len(r.students), len(columns))
    if not dense.size:
        return 0
    matched = maximum_bipartite_matching(csr_array(dense), perm_type="column")
    return int((matched >= 0).sum())


@FAST
@given(rounds())
def test_best_is_feasible_maximal_and_optimal(r: Round) -> None:
    table = pair_table(r)
    result = run(r)
    used: dict[str, int] = {}
    for p in result.pairs:
        assert table[(p.student_id, p.volunteer_id)] is not None  # no hard constraint broken
        assert (p.student_id, p.volunteer_id) not in r.forbids
        used[p.volunteer_id] = used.get(p.volunteer_id, 0) + 1
        assert abs(sum(c.points for c in p.breakdown) - p.score) < 0.05
    capacity = {v.id: v.capacity for v in r.volunteers}
    assert all(n <= capacity[v] for v, n in used.items())
    assert len({p.student_id for p in result.pairs}) == len(result.pairs)
    assert len(result.pairs) == max_bipartite(r, table) == result.stats["max_matchable"]
    count, _, total = brute_force(r, table, fair=False)
    assert len(result.pairs) == count
    assert sum(units(p.score) for p in result.pairs) == total
    paired = {p.student_id for p in result.pairs}
    assert {u.id for u in result.unmatched_students} == {s.id for s in r.students} - paired


@FAST
@given(rounds(objective="fair"))
def test_fair_maximises_the_lowest_score(r: Round) -> None:
    table = pair_table(r)
    result = run(r)
    count, lowest, total = brute_force(r, table, fair=True)
    assert len(result.pairs) == count
    if count:
        assert min(units(p.score) for p in result.pairs) == lowest
        assert sum(units(p.score) for p in result.pairs) == total  # the best total above it
    for p in result.pairs:
        assert table[(p.student_id, p.volunteer_id)] is not None


@FAST
@given(rounds(max_side=6), rounds(max_side=0).map(lambda r: r.settings.objective))
def test_shuffled_input_gives_the_same_result(r: Round, _: str) -> None:
    first = run(r).to_dict()
    rng = random.Random(len(r.students) * 31 + len(r.volunteers))
    shuffled = Round(
        rng.sample(r.students, len(r.students)),
        rng.sample(r.volunteers, len(r.volunteers)),
        tuple(rng.sample(r.forbids, len(r.forbids))),
        r.settings,
    )
    second = run(shuffled).to_dict()
    for data in (first, second):
        del data["stats"]["seconds"]
    assert first == second


@FAST
@given(rounds(max_side=6))
def test_locks_are_kept_and_forbids_absent(r: Round) -> None:
    table = pair_table(r)
    # lock the feasible pairs of a greedy matching, respecting capacities
    locks, taken, used = [], set(), {v.id: 0 for v in r.volunteers}
    for (sid, vid), score in sorted(table.items()):
        if score is not None and sid not in taken and used[vid] < _cap(r, vid) and len(locks) < 2:
            locks.append((sid, vid))
            taken.add(sid)
            used[vid] += 1
    result = run(r, locks=locks)
    got = {(p.student_id, p.volunteer_id): p for p in result.pairs}
    for lock in locks:
        assert got[lock].origin == "locked" and got[lock].locked
    assert not set(got) & set(r.forbids)
    restored = MatchResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert restored == result


def _cap(r: Round, vid: str) -> int:
    return next(v.capacity for v in r.volunteers if v.id == vid)
