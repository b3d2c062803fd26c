"""The assignment: most pairs first, then the best total or the fairest lowest score.

One rectangular ``linear_sum_assignment`` does both steps of ``best``. A feasible
entry costs ``-(BIG + score)`` and an infeasible one 0, where ``BIG`` exceeds any
possible sum of scores: one more feasible pair always beats any gain in score, an
infeasible entry is never worse than leaving someone out (it *is* leaving them
out), and no entry is infinite, so the solver cannot find the matrix infeasible.
A rectangular matrix needs no dummy columns; a volunteer with capacity ``c`` is
``c`` columns, repeated only when some capacity is above 1.

``fair`` first finds the largest threshold ``t`` (a binary search over the distinct
feasible scores) such that the pairs scoring at least ``t`` still allow the
maximum number of pairs (checked with ``maximum_bipartite_matching``), then solves
``best`` on those pairs alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Solution:
    """Matched (row, column) pairs of the original matrix, and how they were found."""

    rows: I64
    cols: I64
    max_pairs: int
    threshold: float | None  # the lowest score allowed, for ``fair``


def final_cost(
    score: F32, feasible: Mask, rows: I64, columns: I64, threshold: float | None = None
) -> NDArray[np.float64]:
    """The matrix given to ``linear_sum_assignment`` (see the module's docstring).

    Its rows are ``score[rows]`` and its columns ``score[:, columns]`` (a volunteer's
    column repeated once per place); pairs scoring below ``threshold`` count as
    infeasible. Built in blocks of rows, so no other full-size array is made.
    """
    big = 100.0 * (min(len(rows), len(columns)) + 1)
    cost = np.empty((len(rows), len(columns)), dtype=np.float64)
    step = max(1, (1 << 22) // max(1, len(columns)))
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        block = score[part][:, columns]
        allowed = feasible[part][:, columns]
        if threshold is not None:
            allowed &= block >= threshold
        out = cost[start : start + step]
        np.subtract(-big, block, out=out, dtype=np.float64)
        np.multiply(out, allowed, out=out)
    return cost


def max_matching(feasible: Mask) -> int:
    """The largest number of pairs among feasible entries (Hopcroft-Karp)."""
    rows, cols = np.nonzero(feasible)
    return _count(rows, cols, feasible.shape)


def _count(rows: I64, cols: I64, shape: tuple[int, int]) -> int:
    if not len(rows):
        return 0
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    graph = csr_array((np.ones(len(rows), dtype=np.int8), cols, indptr), shape=shape)
    matched = maximum_bipartite_matching(graph, perm_type="column")
    return int(np.count_nonzero(matched >= 0))


def fair_threshold(
    values: F32, rows: I64, cols: I64, shape: tuple[int, int], target: int
) -> float | None:
    """The largest t such that the edges scoring >= t still give ``target`` pairs.

    ``values`` are the scores of the feasible edges ``(rows[k], cols[k])``, with rows
    sorted as ``np.nonzero`` gives them.
    """
    if not len(rows) or target == 0:
        return None
    distinct = np.unique(values)
    lo, hi = 0, len(distinct) - 1  # distinct[lo] always reaches the target
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = values >= distinct[mid]
        if _count(rows[keep], cols[keep], shape) == target:
            lo = mid
        else:
            hi = mid - 1
    return float(distinct[lo])


def assign(score: F32, feasible: Mask, capacity: I64, objective: str) -> Solution:
    """Solve one round on a score matrix (rows: students, columns: volunteers)."""
    live_r = np.flatnonzero(feasible.any(axis=1))
    live_c = np.flatnonzero(feasible.any(axis=0))
    empty = np.zeros(0, dtype=np.int64)
    if not len(live_r):
        return Solution(empty, empty, 0, None)
    columns = np.repeat(live_c, capacity[live_c])
    threshold = None
    if objective == "fair":
        edge_r, edge_c = np.nonzero(feasible[live_r][:, columns])
        shape = (len(live_r), len(columns))
        target = _count(edge_r, edge_c, shape)
        threshold = fair_threshold(
            score[live_r[edge_r], columns[edge_c]], edge_r, edge_c, shape, target
        )
    cost = final_cost(score, feasible, live_r, columns, threshold)
    rows, cols = linear_sum_assignment(cost)
    del cost
    rows, cols = live_r[rows], columns[cols]
    ok = feasible[rows, cols]
    if threshold is not None:
        ok &= score[rows, cols] >= threshold
    return Solution(rows[ok], cols[ok], int(ok.sum()), threshold)
