"""What is known of given pairs, as arrays; their sentences are made only when asked for."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from matcher.engine import explain
from matcher.engine.criteria import GRID, Problem
from matcher.engine.model import Student, Volunteer
from matcher.engine.result import Criterion, Interval, Violation
from matcher.engine.timezones import display_offsets, pair_common, runs

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class PairFacts:
    """Pairs ``k = 0..n-1``: their people, common time, criteria, score and broken rules.

    Everything is computed at once for all the pairs, as arrays; `breakdown` and
    `violations` word one pair's facts when someone reads them, and the common times
    they show are found, for all the pairs at once, the first time one is worded.
    """

    problem: Problem
    ri: I64
    ci: I64
    students: list[Student]
    volunteers: list[Volunteer]
    minutes: F32
    values: dict[str, F64]
    units: I64
    broken: dict[str, Mask]  # hard constraint code -> which pairs break it

    def __len__(self) -> int:
        return len(self.units)

    def score(self, k: int) -> float:
        """The pair's score, 0-100, on the grid (two decimals)."""
        return int(self.units[k]) / GRID

    def hours(self, k: int) -> float:
        return round(float(self.minutes[k]) / 60, 2)

    def codes(self, k: int) -> list[str]:
        """The hard constraints pair ``k`` breaks."""
        return [code for code, mask in self.broken.items() if mask[k]]

    @cached_property
    def common(self) -> Mask:
        """Per pair, the local cells common in every week, in the student's own zone."""
        common = np.zeros((len(self), self.problem.grid.cells), dtype=bool)
        zones = np.array([s.timezone for s in self.students], dtype=object)
        for zone in sorted(set(zones.tolist())):
            group = np.flatnonzero(zones == zone)
            common[group] = common_times(self.problem, self.ri[group], self.ci[group], zone)[1]
        return common

    @cached_property
    def intervals(self) -> list[list[Interval]]:
        """Per pair, the common times as intervals of the week."""
        return intervals(self.problem, self.common)

    @cached_property
    def _wording(self) -> tuple[dict[str, list[float]], dict[str, float], list[float]]:
        """Each criterion's values, the weights and the minutes as Python numbers, once."""
        values = {c: column.tolist() for c, column in self.values.items()}
        return values, self.problem.settings.weights.as_dict(), self.minutes.tolist()

    def breakdown(self, k: int) -> tuple[Criterion, ...]:
        s, v, problem = self.students[k], self.volunteers[k], self.problem
        common = self.intervals[k]
        columns, weights, minutes = self._wording
        values = {c: column[k] for c, column in columns.items()}
        return explain.breakdown(s, v, values, problem.scale, weights, minutes[k], common)

    def violations(self, k: int) -> tuple[Violation, ...]:
        s, v, minutes = self.students[k], self.volunteers[k], float(self.minutes[k])
        hours = self.problem.settings.min_overlap_hours
        return tuple(explain.violation(c, s, v, minutes, hours) for c in self.codes(k))


def common_times(problem: Problem, ri: I64, ci: I64, zone: str) -> tuple[F32, Mask]:
    """Smallest weekly overlap (minutes) and the local cells of ``zone`` common every week."""
    grid = problem.grid
    display = display_offsets(grid, zone)
    minutes, common = pair_common(grid, problem.s_blocks, problem.v_blocks, ri, ci, display)
    assert common is not None
    return minutes, common


def intervals(problem: Problem, common: Mask) -> list[list[Interval]]:
    """Rows of common cells as intervals of the week."""
    return [[Interval(d, a, b) for d, a, b in row] for row in runs(common, problem.grid.step)]


def describe(
    problem: Problem, ri: I64, ci: I64, forbidden: Collection[tuple[int, int]] = ()
) -> PairFacts:
    """The facts of pairs ``(ri[k], ci[k])``."""
    minutes = problem.pair_minutes(ri, ci)
    width = len(problem.volunteers)
    banned = np.array(sorted(i * width + j for i, j in forbidden), dtype=np.int64)
    broken = {
        "overlap": ~problem.enough_time(minutes),
        "gender_required": ~problem.gender_ok(ri, ci),
        "format": ~problem.format_ok(ri, ci),
        "forbidden": np.isin(ri * width + ci, banned),
        "not_approved": ~problem.approved[ci],
    }
    return PairFacts(
        problem,
        ri,
        ci,
        [problem.students[i] for i in ri.tolist()],
        [problem.volunteers[j] for j in ci.tolist()],
        minutes,
        problem.values(ri, ci, minutes),
        problem.units(ri, ci, minutes),
        broken,
    )
