"""Scores, breakdowns and violations of given pairs, vectorised over the pairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.engine import explain
from matcher.engine.criteria import Problem
from matcher.engine.result import Criterion, Interval, Violation
from matcher.engine.timezones import display_offsets, pair_common, runs

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Described:
    """One pair judged on its own."""

    score: float
    minutes: float
    breakdown: tuple[Criterion, ...]
    violations: tuple[Violation, ...]


def common_times(
    problem: Problem, ri: I64, ci: I64, zone: str
) -> tuple[NDArray[np.float32], list[list[Interval]]]:
    """Smallest weekly overlap (minutes) and the times common in every week, in ``zone``."""
    grid = problem.grid
    display = display_offsets(grid, zone)
    minutes, common = pair_common(grid, problem.s_blocks, problem.v_blocks, ri, ci, display)
    assert common is not None
    found = runs(common, grid.step)
    return minutes, [[Interval(d, a, b) for d, a, b in row] for row in found]


def describe(
    problem: Problem,
    ri: I64,
    ci: I64,
    forbidden: Iterable[tuple[int, int]] = (),
    explained: bool = True,
) -> list[Described]:
    """Score, overlap, breakdown and broken hard constraints of pairs ``(ri[k], ci[k])``.

    Common times are shown in each student's own zone.
    """
    n = len(ri)
    minutes = np.zeros(n, dtype=np.float32)
    common: list[list[Interval]] = [[] for _ in range(n)]
    zones = sorted({problem.students[i].timezone for i in ri.tolist()})
    for zone in zones:
        group = np.flatnonzero([problem.students[i].timezone == zone for i in ri.tolist()])
        got_minutes, got_common = common_times(problem, ri[group], ci[group], zone)
        minutes[group] = got_minutes
        for k, intervals in zip(group.tolist(), got_common, strict=True):
            common[k] = intervals
    values = problem.pair_values(ri, ci, minutes)
    scale = problem.scale()
    weights = problem.settings.weights.as_dict()
    scores = np.sum([scale[c] * values[c] for c in values], axis=0)
    banned = set(forbidden)
    out = []
    for k, (i, j) in enumerate(zip(ri.tolist(), ci.tolist(), strict=True)):
        s, v = problem.students[i], problem.volunteers[j]
        codes = problem.violations(i, j, float(minutes[k]), (i, j) in banned)
        min_hours = problem.settings.min_overlap_hours
        broken = tuple(explain.violation(c, s, v, float(minutes[k]), min_hours) for c in codes)
        pair_values = {c: float(values[c][k]) for c in values}
        parts = (
            explain.breakdown(s, v, pair_values, scale, weights, float(minutes[k]), common[k])
            if explained
            else ()
        )
        out.append(Described(float(scores[k]), float(minutes[k]), parts, broken))
    return out
