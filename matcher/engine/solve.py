"""The assignment on the feasible pairs: most pairs first, then the best total or the fairest.

The graph has the students as rows and the volunteers' places as columns (a
volunteer with capacity ``c`` is ``c`` places) and only the feasible pairs as edges,
with integer scores (`criteria.GRID` units per point).

*Most pairs first.* Hopcroft-Karp (``maximum_bipartite_matching``) gives the largest
number of pairs ``k`` and one matching of that size. A student whom some maximum
matching leaves out is reachable from a student left out of this one by an
alternating path (Dulmage-Mendelsohn); only those students get a dummy place, costing
``BIG``, more than any possible sum of scores, and everyone else must be paired.
SciPy's sparse solver (LAPJVsp, ``min_weight_full_bipartite_matching``) then pairs
every row, a real pair costing ``TOP + 1 - score`` (never zero, as the solver needs):
it takes as few dummies as possible, so ``k`` pairs, and among those the best total.
Every cost is an integer far below 2**53, so the floating-point sums are exact, and
ties fall the same way for the same input. Small rounds are solved dense with
``linear_sum_assignment`` (a pair costs ``-(BIG + score)``, anything else 0) where
that measures faster; both give the same number of pairs and the same total.

*fair* first finds the highest score ``t`` such that the pairs scoring at least ``t``
still allow ``k`` pairs: a binary search over the distinct scores with Hopcroft-Karp
at each step, between the lowest score of a maximum matching found on the way and
the smallest of the best scores of the students that every maximum matching pairs
(tried first). Then it solves *best* on those pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from matcher.engine.criteria import GRID
from matcher.engine.edges import Edges

I16 = NDArray[np.int16]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]

TOP = 100 * GRID  # the highest score, in units
DENSE_UP_TO = 10_000  # rows x places: up to this (about 90 a side) dense measures faster


@dataclass(frozen=True)
class Solution:
    """The pairs chosen, as positions in ``edges.rsel`` and ``edges.csel``."""

    rows: I64
    cols: I64
    max_pairs: int
    threshold: int | None  # fair: the lowest score allowed, in units


@dataclass(frozen=True)
class Graph:
    """Students (rows with an edge) x places, as CSR arrays."""

    rows: I64  # the row of ``Edges`` behind each graph row
    indptr: I64
    places: I32
    units: I16
    place_col: I64  # the column of ``Edges`` behind each place

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.place_col)

    def csr(self, data: NDArray[np.float64] | I16) -> csr_array:
        return csr_array((data, self.places, self.indptr.astype(np.int32)), shape=self.shape)

    def edge_rows(self) -> I64:
        return np.repeat(np.arange(len(self.rows), dtype=np.int64), np.diff(self.indptr))

    def at_least(self, threshold: int) -> Graph:
        """The same graph with only the edges scoring ``threshold`` or more."""
        keep = self.units >= threshold
        kept = self.pointers(keep)
        return Graph(self.rows, kept, self.places[keep], self.units[keep], self.place_col)

    def pointers(self, keep: Mask) -> I64:
        """The row pointers of the edges ``keep`` marks: each moves back by the edges
        dropped before it (no pass over every edge but finding the dropped ones)."""
        return self.indptr - np.searchsorted(np.flatnonzero(~keep), self.indptr)


def places_graph(edges: Edges, capacity: I64) -> Graph:
    """The graph of ``edges`` with each volunteer (column) as ``capacity[col]`` places.

    Students without any feasible pair are left out.
    """
    counts = np.diff(edges.indptr)
    live_r = np.flatnonzero(counts)
    places = capacity.astype(np.int32)
    place_col = np.repeat(np.arange(len(places), dtype=np.int64), places)
    if not len(edges) or places.max() == 1:
        return Graph(live_r, _live_indptr(edges.indptr, live_r), edges.cols, edges.units, place_col)
    first = np.concatenate([[0], np.cumsum(places[:-1])]).astype(np.int32)
    repeat = places[edges.cols]
    ends = np.cumsum(repeat, dtype=np.int32)  # fewer than 2**31 places: N x N / 10 x 3
    # the k-th copy of an edge is place first[col] + (k - the copies before the edge)
    shift = first[edges.cols]
    shift -= ends
    shift += repeat
    expanded = np.repeat(shift, repeat)
    del shift
    expanded += np.arange(len(expanded), dtype=np.int32)
    before = np.where(edges.indptr > 0, ends[np.maximum(edges.indptr - 1, 0)], 0)
    return Graph(
        live_r,
        _live_indptr(before, live_r),
        expanded,
        np.repeat(edges.units, repeat),
        place_col,
    )


def _live_indptr(before: I64, live_r: I64) -> I64:
    """Row pointers of the live rows, from the pointers of all rows (``before``)."""
    lengths = before[live_r + 1] - before[live_r]
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def maximum_matching(graph: Graph) -> I64:
    """For each row, the place of one maximum matching, or -1 (Hopcroft-Karp)."""
    return _hopcroft_karp(graph.indptr, graph.places, graph.shape)


def _hopcroft_karp(indptr: I64, places: I32, shape: tuple[int, int]) -> I64:
    if not len(places):
        return np.full(shape[0], -1, dtype=np.int64)
    # Hopcroft-Karp reads the edges only: the places stand in for the values
    csr = csr_array((places, places, indptr.astype(np.int32)), shape=shape)
    return np.asarray(maximum_bipartite_matching(csr, perm_type="column"))


def left_out_possible(graph: Graph, matching: I64) -> Mask:
    """The rows that some maximum matching leaves out (given one, ``matching``).

    They are the rows reachable from the rows ``matching`` leaves out by alternating
    paths: any edge to a place, then that place's partner in ``matching``.
    """
    partner = np.full(graph.shape[1], -1, dtype=np.int64)
    paired = np.flatnonzero(matching >= 0)
    partner[matching[paired]] = paired
    seen = matching < 0
    frontier = np.flatnonzero(seen)
    while len(frontier):
        starts, stops = graph.indptr[frontier], graph.indptr[frontier + 1]
        lengths = stops - starts
        first = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        reached = partner[graph.places[first + np.arange(lengths.sum())]]
        reached = np.unique(reached[reached >= 0])
        frontier = reached[~seen[reached]]
        seen[frontier] = True
    return seen


def assign(edges: Edges, capacity: I64, objective: str, method: str = "auto") -> Solution:
    """Solve one round on its feasible pairs; ``capacity`` is per column of ``edges``.

    ``method`` is ``"sparse"``, ``"dense"`` or ``"auto"`` (whichever measures faster
    for the size); all three give the same number of pairs and the same total.
    """
    graph = places_graph(edges, capacity)
    matching = maximum_matching(graph)
    target = int(np.count_nonzero(matching >= 0))
    empty = np.zeros(0, dtype=np.int64)
    if target == 0:
        return Solution(empty, empty, 0, None)
    threshold = None
    if objective == "fair":
        threshold, graph, matching = fair_threshold(graph, matching, target)
    if method == "auto":
        method = "dense" if graph.shape[0] * graph.shape[1] <= DENSE_UP_TO else "sparse"
    if method == "dense":
        rows, places = _dense(graph, target)
    else:
        rows, places = _sparse(graph, matching)
    order = np.argsort(graph.rows[rows], kind="stable")
    rows, places = rows[order], places[order]
    return Solution(graph.rows[rows], graph.place_col[places], target, threshold)


def _sparse(graph: Graph, matching: I64) -> tuple[I64, I64]:
    """Pairs of the best total among the maximum matchings, by LAPJVsp.

    Rows go to the solver fewest edges first (it augments row by row, and a student
    with few choices placed early leaves short paths for the rest: about a fifth
    faster on realistic rounds); a row's dummy place comes after its real ones.
    Costs are float32 (SciPy makes them float64): real costs are at most
    ``TOP + 1`` and the dummy's is a power of two, all exact.
    """
    n_rows, n_places = graph.shape
    order = np.argsort(np.diff(graph.indptr), kind="stable")
    dummy = left_out_possible(graph, matching)[order].astype(np.int64)
    lengths = np.diff(graph.indptr)[order]
    indptr = np.concatenate([[0], np.cumsum(lengths + dummy)])
    real = np.ones(int(indptr[-1]), dtype=bool)
    real[indptr[1:][dummy == 1] - 1] = False
    index = np.int32 if len(graph.places) < 2**31 else np.int64
    # the k-th real edge of the reordered rows is edge (its row's first) + (k - row start)
    at = np.repeat((graph.indptr[order] - (np.cumsum(lengths) - lengths)).astype(index), lengths)
    at += np.arange(len(at), dtype=index)
    places = np.empty(len(real), dtype=np.int32)
    places[real] = graph.places[at]
    places[~real] = n_places + np.arange(int(dummy.sum()), dtype=np.int32)
    costs = np.empty(len(real), dtype=np.float32)
    costs[real] = (TOP + 1) - graph.units[at]
    costs[~real] = 2.0 ** np.ceil(np.log2((n_rows + 1) * (TOP + 1)))
    del at
    shape = (n_rows, n_places + int(dummy.sum()))
    graph_csr = csr_array((costs, places, indptr.astype(np.int32)), shape=shape)
    rows, cols = min_weight_full_bipartite_matching(graph_csr)
    paired = cols < n_places
    return order[np.asarray(rows)[paired]].astype(np.int64), np.asarray(cols[paired], np.int64)


def _dense(graph: Graph, target: int) -> tuple[I64, I64]:
    """The same as `_sparse` on a full matrix, with ``linear_sum_assignment``."""
    from scipy.optimize import linear_sum_assignment  # only here: it is slow to import

    big = float((graph.shape[0] + 1) * (TOP + 1))
    cost = np.zeros(graph.shape, dtype=np.float64)
    cost[graph.edge_rows(), graph.places] = -(big + graph.units)
    rows, cols = linear_sum_assignment(cost)
    real = cost[rows, cols] < 0
    assert int(real.sum()) == target
    return np.asarray(rows[real], dtype=np.int64), np.asarray(cols[real], dtype=np.int64)


def fair_threshold(graph: Graph, matching: I64, target: int) -> tuple[int, Graph, I64]:
    """The highest score ``t`` whose edges (scoring ``t`` or more) still give ``target``
    pairs; the graph of those edges, and one maximum matching of it."""
    lowest = int(_matched_units(graph, matching).min())
    must = ~left_out_possible(graph, matching)
    highest = int(np.maximum.reduceat(graph.units, graph.indptr[:-1])[must].min(initial=TOP))
    values = np.flatnonzero(np.bincount(graph.units, minlength=TOP + 1))  # distinct, sorted
    values = values[(values >= lowest) & (values <= highest)]
    above = graph.at_least(lowest) if graph.units.min() < lowest else graph
    found = (lowest, above, matching)  # the matching's edges all stay
    lo, hi = 0, len(values) - 1  # values[lo] always reaches the target
    probe = hi
    while lo < hi:
        last = found[1]  # each probe filters the last graph that reached the target
        keep = last.units >= values[probe]
        places, indptr = last.places[keep], last.pointers(keep)
        trial_matching = _hopcroft_karp(indptr, places, last.shape)
        if np.count_nonzero(trial_matching >= 0) == target:  # the scores kept only then
            trial = Graph(last.rows, indptr, places, last.units[keep], last.place_col)
            lo, found = probe, (int(values[probe]), trial, trial_matching)
        else:
            hi = probe - 1
        probe = (lo + hi + 1) // 2
    return found


def _matched_units(graph: Graph, matching: I64) -> I16:
    """The scores of the edges of a matching (a row's places are distinct)."""
    chosen = np.repeat(matching.astype(graph.places.dtype), np.diff(graph.indptr))
    return graph.units[chosen == graph.places]
