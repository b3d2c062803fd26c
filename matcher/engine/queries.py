"""Questions about single pairs and people, for the coordinator's adjust screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np

from matcher.engine.criteria import Problem
from matcher.engine.describe import common_times, describe
from matcher.engine.model import (
    EngineError,
    Settings,
    Student,
    Volunteer,
    check_unique,
    index_pairs,
)
from matcher.engine.result import Alternative, Interval, PairEvaluation


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
    d = describe(problem, zero, zero, [(0, 0)] if forbidden else [])[0]
    return PairEvaluation(
        student.id,
        volunteer.id,
        round(d.score, 2),
        round(d.minutes / 60, 2),
        d.breakdown,
        d.violations,
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
    return tuple(common_times(problem, zero, zero, display_tz)[1][0])


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
    every_s = np.arange(len(problem.students), dtype=np.int64)
    every_v = np.arange(len(problem.volunteers), dtype=np.int64)
    if student_id is not None:
        if student_id not in problem.s_index:
            raise EngineError(f"no student has the id {student_id!r}")
        me = problem.s_index[student_id]
        score, feasible = problem.matrices(np.array([me]), every_v)
        banned = [j for i, j in forbidden if i == me]
        feasible[0, banned] = False
        mine = [(me, j) for i, j in current if i == me]
    else:
        assert volunteer_id is not None
        if volunteer_id not in problem.v_index:
            raise EngineError(f"no volunteer has the id {volunteer_id!r}")
        me = problem.v_index[volunteer_id]
        score, feasible = problem.matrices(every_s, np.array([me]))
        score, feasible = score.T, feasible.T
        banned = [i for i, j in forbidden if j == me]
        feasible[0, banned] = False
        mine = [(i, me) for i, j in current if j == me]
    others = problem.volunteers if student_id is not None else problem.students
    already = {j for _, j in mine} if student_id is not None else {i for i, _ in mine}
    candidates = [k for k in np.flatnonzero(feasible[0]).tolist() if k not in already]
    candidates.sort(key=lambda k: (-round(float(score[0, k]), 4), others[k].id))
    candidates = candidates[: max(limit, 0)]
    if student_id is not None:
        ri = np.full(len(candidates), me, dtype=np.int64)
        ci = np.array(candidates, dtype=np.int64)
    else:
        ri = np.array(candidates, dtype=np.int64)
        ci = np.full(len(candidates), me, dtype=np.int64)
    described = describe(problem, ri, ci, forbidden)
    mine_scores = describe(
        problem,
        np.array([i for i, _ in mine], dtype=np.int64),
        np.array([j for _, j in mine], dtype=np.int64),
    )
    current_score = round(min(d.score for d in mine_scores), 2) if mine_scores else None
    out = []
    for k, d in zip(candidates, described, strict=True):
        if student_id is not None:
            taken = [problem.students[i].id for i, j in current if j == k]
            full = len(taken) >= problem.capacity[k]
            displaced = tuple(sorted(taken)) if full else ()
        else:
            displaced = tuple(sorted(problem.volunteers[j].id for i, j in current if i == k))
        out.append(
            Alternative(
                others[k].id,
                round(d.score, 2),
                round(d.minutes / 60, 2),
                d.breakdown,
                displaced,
                current_score,
            )
        )
    return tuple(out)
