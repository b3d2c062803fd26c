"""The feasible pairs of a round and their scores, found block by block of students.

A round of N students and N volunteers has N x N candidate pairs but only a tenth or
so are feasible. Common time is computed for a block of students against every
volunteer at once (a few matrix products), the pairs with too little of it are
dropped at once, format, required gender and approval are looked up in a small table
of distinct attribute rows, and only the pairs left get their facts and scores. No
N x N array is ever held: the blocks are about 32 MB whatever N is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.engine.criteria import Problem

I16 = NDArray[np.int16]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]

BLOCK_ENTRIES = 1 << 23  # student-volunteer entries per block (32 MB of float32 minutes)


@dataclass(frozen=True)
class Edges:
    """Feasible pairs as sparse rows: row ``r`` is student ``rsel[r]``.

    ``cols[indptr[r]:indptr[r + 1]]`` are the positions in ``csel`` of the volunteers
    that student may be paired with, ascending; ``units`` are those pairs' scores on
    the grid (`criteria.GRID` units per point).
    """

    rsel: I64
    csel: I64
    indptr: I64
    cols: I32
    units: I16  # scores in grid units: at most 100 * GRID, which int16 holds

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rsel), len(self.csel)

    def __len__(self) -> int:
        return len(self.cols)

    def rows(self) -> I64:
        """The row of each edge."""
        return np.repeat(np.arange(len(self.rsel), dtype=np.int64), np.diff(self.indptr))

    def of_rows(self, rows: I64) -> tuple[I64, I64]:
        """The edges of some rows: for each, (its position in ``rows``, its column)."""
        starts, stops = self.indptr[rows], self.indptr[rows + 1]
        lengths = stops - starts
        which = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        first = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        at = first + np.arange(len(which), dtype=np.int64)
        return which, self.cols[at].astype(np.int64)


def feasible_edges(
    problem: Problem, rsel: I64, csel: I64, forbidden: Collection[tuple[int, int]] = ()
) -> Edges:
    """Every pair of ``rsel`` x ``csel`` (sorted indexes) that breaks no hard constraint."""
    step = max(1, BLOCK_ENTRIES // max(1, len(csel)))
    width = len(problem.volunteers)
    banned = np.array(sorted(i * width + j for i, j in forbidden), dtype=np.int64)
    types = attribute_types(problem, rsel, csel)
    s_type, v_type = types.s_type, types.v_type
    allowed = types.table(problem.attributes_ok)
    table = allowed.reshape(-1)
    counts, cols, units = [np.zeros(1, dtype=np.int64)], [], []
    rights: dict[tuple[object, ...], NDArray[np.float32]] = {}
    for start in range(0, len(rsel), step):
        part = rsel[start : start + step]
        minutes = problem.overlap(part, csel, rights).reshape(-1)
        at = np.flatnonzero(problem.enough_time(minutes))
        r, c = np.divmod(at, len(csel))
        keep = table[s_type[start + r] * allowed.shape[1] + v_type[c]]
        if len(banned):
            keep &= ~np.isin(part[r] * width + csel[c], banned)
        at, r, c = at[keep], r[keep], c[keep]
        units.append(problem.units(part[r], csel[c], minutes[at]).astype(np.int16))
        cols.append(c.astype(np.int32))
        counts.append(np.bincount(r, minlength=len(part)))
    return Edges(
        rsel,
        csel,
        np.cumsum(np.concatenate(counts)),
        np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32),
        np.concatenate(units) if units else np.zeros(0, dtype=np.int16),
    )


@dataclass(frozen=True)
class Types:
    """The distinct rows of hard-constraint attributes of some students and volunteers.

    ``s_type[k]`` is the type of student ``rsel[k]``, ``v_type[k]`` of volunteer
    ``csel[k]``; `table` evaluates a rule once per pair of types.
    """

    problem: Problem
    s_type: I64
    v_type: I64
    s_first: I64  # a student of each type (an index of the problem)
    v_first: I64

    def table(self, rule: Callable[[I64, I64], Mask]) -> Mask:
        """``table[a, b]``: whether ``rule`` allows a student of type a with a volunteer of b."""
        si, vi = np.meshgrid(self.s_first, self.v_first, indexing="ij")
        return rule(si.reshape(-1), vi.reshape(-1)).reshape(si.shape)


def attribute_types(problem: Problem, rsel: I64, csel: I64) -> Types:
    """The types of ``rsel`` (students) and ``csel`` (volunteers), by format, city,
    required or own gender and approval."""
    s, v = problem.s, problem.v
    s_first, s_type = _types(np.stack([s.format, s.city, s.need], axis=1)[rsel])
    v_first, v_type = _types(np.stack([v.format, v.city, v.gender, v.approved], axis=1)[csel])
    return Types(problem, s_type, v_type, rsel[s_first], csel[v_first])


def _types(rows: I64) -> tuple[I64, I64]:
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)
