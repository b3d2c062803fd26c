"""Questions about single pairs and people, for the coordinator's adjust screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from matcher.engine.criteria import Problem
from matcher.engine.describe import common_times, describe, intervals
from matcher.engine.edges import feasible_edges
from matcher.engine.model import (
    EngineError,
    Settings,
    Student,
    Volunteer,
    check_unique,
    index_pairs,
)
from matcher.engine.result import Alternative, Interval, PairEvaluation

I64 = NDArray[np.int64]


def evaluate_pair(
    student: Student,
    volunteer: Volunteer,
    settings: Settings | None = None,
    *,
    term_start: date,
    term_end: date,
    forbidden: bool = False,
) -> PairEvaluation:
    """Score, breakdown and broken hard constraints of any pair (for overrides and swaps)."""
    problem = Problem([student], [volunteer], settings or Settings(), term_start, term_end)
    zero = np.zeros(1, dtype=np.int64)
    facts = describe(problem, zero, zero, [(0, 0)] if forbidden else [])
    return PairEvaluation(
        student.id,
        volunteer.id,
        facts.score(0),
        facts.hours(0),
        facts.breakdown(0),
        facts.violations(0),
    )


def common_availability(
    student: Student,
    volunteer: Volunteer,
    term_start: date,
    term_end: date,
    display_tz: str,
) -> tuple[Interval, ...]:
    """The weekly times, in ``display_tz``, that the pair has in common in every week.

    >>> from datetime import date
    >>> from matcher.engine import Student, Volunteer, availability_from_slots
    >>> seoul = Student("s", availability_from_slots(range(40, 44)), "Asia/Seoul")  # Mon 20-22
    >>> la = Volunteer("v", availability_from_slots(range(6, 10)), "America/Los_Angeles")
    >>> [str(i) for i in common_availability(seoul, la, date(2025, 1, 6), date(2025, 2, 28),
    ...                                      "America/Los_Angeles")]
    ['Mon 03:00-05:00']
    """
    problem = Problem([student], [volunteer], Settings(), term_start, term_end, [display_tz])
    zero = np.zeros(1, dtype=np.int64)
    return tuple(intervals(problem, common_times(problem, zero, zero, display_tz)[1])[0])


@dataclass(frozen=True)
class _Person:
    """The one person alternatives are sought for, and the side they are on."""

    index: int
    is_student: bool

    def pairs_with(self, others: I64) -> tuple[I64, I64]:
        """(student indexes, volunteer indexes) of this person with each of ``others``."""
        me = np.full(len(others), self.index, dtype=np.int64)
        return (me, others) if self.is_student else (others, me)

    def partners(self, pairs: Iterable[tuple[int, int]]) -> list[int]:
        """This person's partners among index pairs."""
        mine, theirs = (0, 1) if self.is_student else (1, 0)
        return [p[theirs] for p in pairs if p[mine] == self.index]


def alternatives(
    students: Sequence[Student],
    volunteers: Sequence[Volunteer],
    settings: Settings | None = None,
    *,
    term_start: date,
    term_end: date,
    student_id: str | None = None,
    volunteer_id: str | None = None,
    forbids: Iterable[tuple[str, str]] = (),
    pairs: Iterable[tuple[str, str]] = (),
    limit: int = 5,
) -> tuple[Alternative, ...]:
    """The best feasible partners of one student or one volunteer, best first.

    Give exactly one of ``student_id`` and ``volunteer_id``. ``pairs`` are the current
    pairs (of a round): each alternative then says whom the change would displace
    and the person's current score. Ties go to the smaller id.
    """
    if (student_id is None) == (volunteer_id is None):
        raise EngineError("give exactly one of student_id and volunteer_id")
    check_unique(students, "student")
    check_unique(volunteers, "volunteer")
    problem = Problem(students, volunteers, settings or Settings(), term_start, term_end)
    forbidden = set(index_pairs(problem.s_index, problem.v_index, forbids, "forbid"))
    current = index_pairs(problem.s_index, problem.v_index, pairs, "pair")
    person = _find(problem, student_id, volunteer_id)
    others = problem.volunteers if person.is_student else problem.students
    partners, units = _feasible_partners(problem, person, forbidden)
    already = set(person.partners(current))
    order = sorted(range(len(partners)), key=lambda k: (-units[k], others[partners[k]].id))
    chosen = [int(partners[k]) for k in order if partners[k] not in already][: max(limit, 0)]
    ri, ci = person.pairs_with(np.array(chosen, dtype=np.int64))
    facts = describe(problem, ri, ci, forbidden)
    mine = person.pairs_with(np.array(person.partners(current), dtype=np.int64))
    now = describe(problem, *mine)
    current_score = min(now.score(k) for k in range(len(now))) if len(now) else None
    return tuple(
        Alternative(
            others[other].id,
            facts.score(k),
            facts.hours(k),
            facts.breakdown(k),
            _displaced(problem, person, other, current),
            current_score,
        )
        for k, other in enumerate(chosen)
    )


def _feasible_partners(
    problem: Problem, person: _Person, forbidden: set[tuple[int, int]]
) -> tuple[list[int], list[int]]:
    """The other side's people the person may be paired with, and those pairs' scores."""
    me = np.array([person.index], dtype=np.int64)
    if person.is_student:
        everyone = np.arange(len(problem.volunteers), dtype=np.int64)
        edges = feasible_edges(problem, me, everyone, forbidden)
        return edges.csel[edges.cols].tolist(), edges.units.tolist()
    everyone = np.arange(len(problem.students), dtype=np.int64)
    edges = feasible_edges(problem, everyone, me, forbidden)
    return edges.rsel[edges.rows()].tolist(), edges.units.tolist()


def _displaced(
    problem: Problem, person: _Person, other: int, current: list[tuple[int, int]]
) -> tuple[str, ...]:
    """Whom pairing the person with ``other`` would leave without a partner."""
    if person.is_student:  # the volunteer's students, when the volunteer has no free place
        taken = [problem.students[i].id for i, j in current if j == other]
        return tuple(sorted(taken)) if len(taken) >= problem.capacity[other] else ()
    return tuple(sorted(problem.volunteers[j].id for i, j in current if i == other))


def _find(problem: Problem, student_id: str | None, volunteer_id: str | None) -> _Person:
    if student_id is not None:
        if student_id not in problem.s_index:
            raise EngineError(f"no student has the id {student_id!r}")
        return _Person(problem.s_index[student_id], True)
    assert volunteer_id is not None
    if volunteer_id not in problem.v_index:
        raise EngineError(f"no volunteer has the id {volunteer_id!r}")
    return _Person(problem.v_index[volunteer_id], False)
