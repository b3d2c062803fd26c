"""The bare SciPy solves ``make bench`` sets against the engine (see bench_engine.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class Bare:
    """The problem the engine's solver got, for SciPy's solvers alone (built untimed).

    Rows are the free students, columns every place of the free volunteers; each
    solve also records (pairs, total score in grid units) to check it against the
    engine's.
    """

    def __init__(
        self, edges: Any, capacity: Any, dense: bool, clock: Callable[[], float] = time.perf_counter
    ):
        import numpy as np

        from matcher.engine.solve import TOP

        first = np.concatenate([[0], np.cumsum(capacity)[:-1]])
        repeat = capacity[edges.cols]
        offset = np.arange(repeat.sum()) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        self.rows = np.repeat(edges.rows(), repeat)
        self.places = np.repeat(first[edges.cols], repeat) + offset
        self.units = np.repeat(edges.units, repeat).astype(np.float64)
        self.shape = (edges.shape[0], int(capacity.sum()))
        self.top = TOP
        self.big = float((self.shape[0] + 1) * (TOP + 1))
        self.has_dense = dense
        self.clock = clock
        self.checked: list[tuple[str, int, int]] = []

    def sparse(self) -> float:
        """Seconds of ``min_weight_full_bipartite_matching``, one dummy place per student."""
        import numpy as np
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        n, places = self.shape
        costs = np.concatenate([(self.top + 1) - self.units, np.full(n, self.big)])
        rows = np.concatenate([self.rows, np.arange(n)])
        cols = np.concatenate([self.places, places + np.arange(n)])
        graph = csr_array((costs, (rows, cols)), shape=(n, places + n))
        started = self.clock()
        got_rows, got_cols = min_weight_full_bipartite_matching(graph)
        took = self.clock() - started
        real = got_cols < places
        total = real.sum() * (self.top + 1) - graph[got_rows[real], got_cols[real]].sum()
        self.checked.append(("sparse", int(real.sum()), int(round(total))))
        return took

    def dense(self) -> float:
        """Seconds of ``linear_sum_assignment`` on the rows x places matrix."""
        if not self.has_dense:
            return float("nan")
        import numpy as np
        from scipy.optimize import linear_sum_assignment

        cost = np.zeros(self.shape, dtype=np.float64)
        cost[self.rows, self.places] = -(self.big + self.units)
        started = self.clock()
        got_rows, got_cols = linear_sum_assignment(cost)
        took = self.clock() - started
        chosen = cost[got_rows, got_cols]
        real = chosen < 0
        total = -chosen[real].sum() - self.big * real.sum()
        self.checked.append(("dense", int(real.sum()), int(round(total))))
        return took
