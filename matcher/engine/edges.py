"""The feasible pairs of a round and their scores, found block by block of students.

A round of N students and N volunteers has N x N candidate pairs but only a tenth or
so are feasible. Common time is computed for a block of students against every
volunteer at once (a few matrix products), the pairs with too little of it are
dropped at once, format, required gender and approval are looked up in a small table
of distinct attribute rows, and only the pairs left get their facts and scores. No
N x N array is ever held: the blocks are about 32 MB whatever N is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.engine.criteria import Problem

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
    units: I32

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
    s_type, v_type, table = _attribute_types(problem, rsel, csel)
    counts, cols, units = [np.zeros(1, dtype=np.int64)], [], []
    rights: dict[tuple[object, ...], NDArray[np.float32]] = {}
    for start in range(0, len(rsel), step):
        part = rsel[start : start + step]
        minutes = problem.overlap(part, csel, rights)
        r, c = np.nonzero(problem.enough_time(minutes))
        keep = table[s_type[start + r], v_type[c]]
        if len(banned):
            keep &= ~np.isin(part[r] * width + csel[c], banned)
        r, c = r[keep], c[keep]
        units.append(problem.units(part[r], csel[c], minutes[r, c]).astype(np.int32))
        cols.append(c.astype(np.int32))
        counts.append(np.bincount(r, minlength=len(part)))
    return Edges(
        rsel,
        csel,
        np.cumsum(np.concatenate(counts)),
        np.concatenate(cols) if cols else np.zeros(0, dtype=np.int32),
        np.concatenate(units) if units else np.zeros(0, dtype=np.int32),
    )


def _attribute_types(problem: Problem, rsel: I64, csel: I64) -> tuple[I64, I64, Mask]:
    """Each side's distinct rows of attributes, and which pairs of them are allowed."""
    s, v = problem.s, problem.v
    s_rows = np.stack([s.format, s.city, s.need], axis=1)[rsel]
    v_rows = np.stack([v.format, v.city, v.gender, v.approved], axis=1)[csel]
    s_first, s_type = _types(s_rows)
    v_first, v_type = _types(v_rows)
    si, vi = np.meshgrid(rsel[s_first], csel[v_first], indexing="ij")
    table = problem.attributes_ok(si.reshape(-1), vi.reshape(-1)).reshape(si.shape)
    return s_type, v_type, table


def _types(rows: I64) -> tuple[I64, I64]:
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)
