"""The stability report: pairs that would rather swap.

A student and a volunteer *block* a round when they are not paired together, their
pair breaks no hard constraint (nor a coordinator's "never pair"), and each would
score higher with the other than with a current partner, by the engine's own scores:

- the student's current score is their pair's, or minus infinity when unmatched;
- the volunteer's is their lowest-scoring pair's when all their places are taken,
  or minus infinity while a place is free (they would take the student as well).

The scores are compared on the engine's integer grid, so equal scores never block.
A round that maximises the number of pairs and then the total, or the lowest score,
may well have blocking pairs: they show what the objective traded away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from matcher.engine.criteria import GRID, Problem
from matcher.engine.edges import feasible_edges
from matcher.engine.model import Settings, Student, Volunteer, check_unique, index_pairs
from matcher.engine.result import MatchResult

I64 = NDArray[np.int64]
NONE = -1  # "minus infinity": below any score on the grid (scores are 0 or more)


@dataclass(frozen=True)
class BlockingPair:
    """A student and a volunteer who would each score higher together.

    ``score`` is their score together; ``student_score`` and ``volunteer_score`` are
    what each has now (``None``: unmatched, or a volunteer with a free place).
    """

    student_id: str
    volunteer_id: str
    score: float
    student_score: float | None
    volunteer_score: float | None


def blocking_pairs(
    students: Sequence[Student],
    volunteers: Sequence[Volunteer],
    settings: Settings | None,
    result: MatchResult,
    *,
    term_start: date,
    term_end: date,
    forbids: Iterable[tuple[str, str]] = (),
) -> list[BlockingPair]:
    """Every blocking pair of ``result``, the largest gain for the less eager of the two
    first (then by student and volunteer id)."""
    check_unique(students, "student")
    check_unique(volunteers, "volunteer")
    problem = Problem(students, volunteers, settings or Settings(), term_start, term_end)
    n_s, n_v = len(problem.students), len(problem.volunteers)
    if not n_s or not n_v:
        return []
    current = index_pairs(
        problem.s_index,
        problem.v_index,
        ((p.student_id, p.volunteer_id) for p in result.pairs),
        "pair",
    )
    ri = np.array([i for i, _ in current], dtype=np.int64)
    ci = np.array([j for _, j in current], dtype=np.int64)
    units = problem.units(ri, ci, problem.pair_minutes(ri, ci))
    student_has = np.full(n_s, NONE, dtype=np.int64)
    student_has[ri] = units
    lowest = np.full(n_v, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, ci, units)
    load = np.bincount(ci, minlength=n_v)
    volunteer_has = np.where(load >= problem.capacity, lowest, NONE)
    forbidden = set(index_pairs(problem.s_index, problem.v_index, forbids, "forbid"))
    everyone_s = np.arange(n_s, dtype=np.int64)
    everyone_v = np.arange(n_v, dtype=np.int64)
    edges = feasible_edges(problem, everyone_s, everyone_v, forbidden)
    rows, cols = edges.rows(), edges.cols.astype(np.int64)
    score = edges.units.astype(np.int64)
    blocks = (score > student_has[rows]) & (score > volunteer_has[cols])
    at = np.flatnonzero(blocks)
    rows, cols, score = rows[at], cols[at], score[at]
    gain = np.minimum(score - student_has[rows], score - volunteer_has[cols])
    s_ids = [s.id for s in problem.students]
    v_ids = [v.id for v in problem.volunteers]
    order = np.lexsort((_ranks(v_ids)[cols], _ranks(s_ids)[rows], -gain))
    s_has, v_has = student_has[rows].tolist(), volunteer_has[cols].tolist()
    return [
        BlockingPair(s_ids[r], v_ids[c], u / GRID, _score(s_has[k]), _score(v_has[k]))
        for k, r, c, u in zip(
            order.tolist(),
            rows[order].tolist(),
            cols[order].tolist(),
            score[order].tolist(),
            strict=True,
        )
    ]


def _ranks(ids: list[str]) -> I64:
    """Each id's place in id order."""
    out = np.empty(len(ids), dtype=np.int64)
    out[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return out


def _score(units: int) -> float | None:
    return None if units == NONE else units / GRID
