"""``match``: one round, from people, settings, locks and forbids to explained pairs.

A round goes through four steps: `prepare` (people, forbids, kept pairs, scope),
`lock` (the coordinator's locks and the pairs that continue), `solve` (the feasible
pairs and the assignment) and `assemble` (pairs, reasons and figures).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from time import perf_counter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.engine import reasons
from matcher.engine.criteria import GRID, Problem
from matcher.engine.describe import PairFacts, describe
from matcher.engine.edges import Edges, feasible_edges
from matcher.engine.model import (
    InvalidLock,
    Settings,
    Student,
    Volunteer,
    check_unique,
    index_pairs,
)
from matcher.engine.result import (
    LOCKED_ORIGINS,
    Deferred,
    MatchResult,
    Pair,
    PairOrigin,
    Unmatched,
)
from matcher.engine.solve import Solution, assign

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]


def match(
    students: Sequence[Student],
    volunteers: Sequence[Volunteer],
    settings: Settings | None = None,
    *,
    term_start: date,
    term_end: date,
    locks: Iterable[tuple[str, str]] = (),
    forbids: Iterable[tuple[str, str]] = (),
    kept: Iterable[tuple[str, str]] = (),
    only_students: Collection[str] | None = None,
    only_volunteers: Collection[str] | None = None,
) -> MatchResult:
    """Pair students with volunteers for a term: a `MatchResult` of pairs with scores and
    breakdowns (worded when first read), the unmatched with reasons, and statistics.

    Parameters
    ----------
    students, volunteers : sequences of Student and Volunteer
        Everyone of the round; ids are unique on each side. Order does not matter.
    settings : Settings, optional
        Weights, minimum common time, objective and continuity; defaults if omitted.
    term_start, term_end : date
        The term's first and last day: common time is measured on their real dates.
    locks, forbids : pairs of (student_id, volunteer_id)
        Pairs that must be, or never be, in the result. A lock that breaks a hard
        constraint, a forbid or a capacity raises `InvalidLock`.
    kept, only_students, only_volunteers : re-match mode
        Pairs kept exactly as they are (not checked, not moved; they use their
        volunteer's places), and the only free people to solve (None: everyone).

    Examples
    --------
    >>> from datetime import date
    >>> from matcher.engine import Student, Volunteer, availability_from_slots, match
    >>> evenings = availability_from_slots(range(38, 44))  # Monday 19:00-22:00
    >>> result = match(
    ...     [Student("s1", evenings, "Asia/Seoul")],
    ...     [Volunteer("v1", evenings, "Asia/Tokyo"), Volunteer("v2", evenings, "Asia/Seoul")],
    ...     term_start=date(2025, 3, 3),
    ...     term_end=date(2025, 6, 27),
    ... )
    >>> [(p.student_id, p.volunteer_id, p.overlap_hours) for p in result.pairs]
    [('s1', 'v2', 3.0)]
    >>> result.unmatched_volunteers[0].text.split(";")[0]
    'The only compatible student (s1) is paired with someone else'
    """
    clock = Clock()
    settings = settings or Settings()
    work = prepare(students, volunteers, settings, term_start, term_end, forbids, kept)
    work.scope(only_students, only_volunteers)
    lock(work, locks)
    if settings.lock_continue_partner:
        lock_continue_partner(work)
    clock.lap("prepare")
    edges, solution = solve(work, clock)
    return assemble(work, edges, solution, clock)


class Clock:
    """Seconds spent in each step of a round."""

    def __init__(self) -> None:
        self.started = self.last = perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = perf_counter()
        self.seconds[step] = round(now - self.last, 4)
        self.last = now

    def total(self) -> dict[str, float]:
        return {**self.seconds, "total": round(perf_counter() - self.started, 4)}


@dataclass
class Work:
    """A round being made: the people, the pairs fixed before solving, and the scope."""

    problem: Problem
    forbidden: set[tuple[int, int]]
    origin: dict[int, tuple[int, PairOrigin]] = field(default_factory=dict)  # student: pair
    used: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # places taken
    in_scope_s: Mask = field(default_factory=lambda: np.zeros(0, dtype=bool))
    in_scope_v: Mask = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def scope(self, only_s: Collection[str] | None, only_v: Collection[str] | None) -> None:
        """Re-match mode: only these students and volunteers take part (None: everyone)."""
        self.in_scope_s = _scope(self.problem.s_index, only_s)
        self.in_scope_v = _scope(self.problem.v_index, only_v)

    def pair(self, i: int, j: int, origin: PairOrigin) -> None:
        self.origin[i] = (j, origin)
        self.used[j] += 1

    def remaining(self) -> I64:
        left: I64 = np.maximum(self.problem.capacity - self.used, 0)
        return left

    def free_students(self) -> I64:
        """The students the solver pairs: in scope and not already paired."""
        free = self.in_scope_s.copy()
        free[list(self.origin)] = False
        return np.flatnonzero(free).astype(np.int64)

    def free_volunteers(self) -> Mask:
        return (self.remaining() > 0) & self.in_scope_v


def prepare(
    students: Sequence[Student],
    volunteers: Sequence[Volunteer],
    settings: Settings,
    term_start: date,
    term_end: date,
    forbids: Iterable[tuple[str, str]],
    kept: Iterable[tuple[str, str]],
) -> Work:
    """The round's problem, its forbids and its kept pairs; everyone in scope."""
    check_unique(students, "student")
    check_unique(volunteers, "volunteer")
    problem = Problem(students, volunteers, settings, term_start, term_end)
    forbidden = set(index_pairs(problem.s_index, problem.v_index, forbids, "forbid"))
    work = Work(problem, forbidden, used=np.zeros(len(problem.volunteers), dtype=np.int64))
    work.scope(None, None)
    for i, j in index_pairs(problem.s_index, problem.v_index, kept, "kept pair"):
        if i in work.origin:
            raise InvalidLock(problem.students[i].id, "", "student_taken", "in two kept pairs")
        work.pair(i, j, PairOrigin.KEPT)
    return work


def lock(work: Work, locks: Iterable[tuple[str, str]]) -> None:
    """Keep the coordinator's locks, or raise `InvalidLock` naming what they break."""
    problem = work.problem
    found = index_pairs(problem.s_index, problem.v_index, locks, "lock")
    facts = _facts(problem, found, work.forbidden)
    for k, (i, j) in enumerate(found):
        sid, vid = problem.students[i].id, problem.volunteers[j].id
        broken = facts.violations(k)
        if broken:
            raise InvalidLock(sid, vid, broken[0].constraint, broken[0].text)
        if i in work.origin:
            raise InvalidLock(sid, vid, "student_taken", f"student {sid} is already paired")
        if work.used[j] >= problem.capacity[j]:
            raise InvalidLock(sid, vid, "capacity", f"volunteer {vid} has no place left")
        work.pair(i, j, PairOrigin.LOCKED)


def lock_continue_partner(work: Work) -> None:
    """Lock last term's pairs whose two members named each other and both continue."""
    problem = work.problem
    found = []
    for i, j in problem.cont_pairs.tolist():
        s, v = problem.students[i], problem.volunteers[j]
        mutual = s.previous_partner_id == v.id and v.previous_partner_id == s.id
        wanted = mutual and s.continue_partner and v.continue_partner
        if wanted and work.in_scope_s[i] and work.in_scope_v[j] and (i, j) not in work.forbidden:
            found.append((i, j))
    facts = _facts(problem, found)
    for k, (i, j) in enumerate(found):
        if not facts.codes(k) and i not in work.origin and work.used[j] < problem.capacity[j]:
            work.pair(i, j, PairOrigin.CONTINUE_PARTNER)


def _facts(
    problem: Problem, pairs: Sequence[tuple[int, int]], forbidden: Iterable[tuple[int, int]] = ()
) -> PairFacts:
    ri = np.array([i for i, _ in pairs], dtype=np.int64)
    ci = np.array([j for _, j in pairs], dtype=np.int64)
    return describe(problem, ri, ci, set(forbidden))


def solve(work: Work, clock: Clock) -> tuple[Edges, Solution]:
    """The feasible pairs among the free people, then the assignment on them."""
    free_v = np.flatnonzero(work.free_volunteers()).astype(np.int64)
    edges = feasible_edges(work.problem, work.free_students(), free_v, work.forbidden)
    clock.lap("costs")
    solution = assign(edges, work.remaining()[free_v], work.problem.settings.objective)
    clock.lap("solve")
    return edges, solution


def assemble(work: Work, edges: Edges, solution: Solution, clock: Clock) -> MatchResult:
    """The result: every pair with its facts, the unmatched with reasons, the figures."""
    problem = work.problem
    pairs_ij = [(i, j, o) for i, (j, o) in work.origin.items()]
    pairs_ij += [
        (int(edges.rsel[r]), int(edges.csel[c]), PairOrigin.SOLVED)
        for r, c in zip(solution.rows.tolist(), solution.cols.tolist(), strict=True)
    ]
    ids = [s.id for s in problem.students]
    pairs_ij.sort(key=lambda p: ids[p[0]])  # a student is in one pair at most
    facts = _facts(problem, [(i, j) for i, j, _ in pairs_ij], work.forbidden)
    pairs = _pairs(facts, [o for _, _, o in pairs_ij])
    unmatched_s, unmatched_v = _unmatched(work, edges, pairs_ij)
    clock.lap("explain")
    stats = _stats(work, edges, solution, pairs, (unmatched_s, unmatched_v))
    stats["seconds"] = clock.total()
    return MatchResult(pairs, unmatched_s, unmatched_v, stats)


def _pairs(facts: PairFacts, origins: list[PairOrigin]) -> tuple[Pair, ...]:
    """The result's pairs; each breakdown is worded when first read."""
    scores = (facts.units / GRID).tolist()
    hours = [round(m / 60, 2) for m in facts.minutes.tolist()]
    return tuple(
        Pair(
            s.id,
            v.id,
            score,
            hour,
            origin,
            Deferred(partial(facts.breakdown, k)),
            facts.violations(k) if origin == PairOrigin.KEPT else (),
        )
        for k, (s, v, score, hour, origin) in enumerate(
            zip(facts.students, facts.volunteers, scores, hours, origins, strict=True)
        )
    )


def _unmatched(
    work: Work, edges: Edges, pairs_ij: list[tuple[int, int, PairOrigin]]
) -> tuple[tuple[Unmatched, ...], tuple[Unmatched, ...]]:
    problem = work.problem
    paired_s = {i for i, _, _ in pairs_ij}
    paired_v = {j for _, j, _ in pairs_ij}
    lone_s = np.array([i for i in edges.rsel.tolist() if i not in paired_s], dtype=np.int64)
    lone_v = np.array([j for j in edges.csel.tolist() if j not in paired_v], dtype=np.int64)
    free_s = np.zeros(len(problem.students), dtype=bool)
    free_s[edges.rsel] = True
    forbidden = work.forbidden
    return (
        reasons.unmatched(problem, edges, lone_s, "student", forbidden, work.free_volunteers()),
        reasons.unmatched(problem, edges, lone_v, "volunteer", forbidden, free_s),
    )


def _stats(
    work: Work,
    edges: Edges,
    solution: Solution,
    pairs: tuple[Pair, ...],
    unmatched: tuple[tuple[Unmatched, ...], tuple[Unmatched, ...]],
) -> dict[str, Any]:
    problem = work.problem
    origins = [o for _, o in work.origin.values()]
    scores = [p.score for p in pairs]
    size = edges.shape[0] * edges.shape[1]
    return {
        "students": len(problem.students),
        "volunteers": len(problem.volunteers),
        "capacity": int(problem.capacity.sum()),
        "pairs": len(pairs),
        "locked": sum(o in LOCKED_ORIGINS for o in origins),
        "kept": sum(o == PairOrigin.KEPT for o in origins),
        "solved": len(solution.rows),
        "unmatched_students": len(unmatched[0]),
        "unmatched_volunteers": len(unmatched[1]),
        "max_matchable": len(origins) + solution.max_pairs,
        "feasible_share": round(len(edges) / size, 4) if size else 0.0,
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        "lowest_score": min(scores) if scores else None,
        "objective": problem.settings.objective,
    }


def _scope(index: dict[str, int], only: Collection[str] | None) -> Mask:
    if only is None:
        return np.ones(len(index), dtype=bool)
    out = np.zeros(len(index), dtype=bool)
    out[[index[i] for i in only if i in index]] = True
    return out
