"""``match``: one round, from people, settings, locks and forbids to explained pairs."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from time import perf_counter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.engine import explain
from matcher.engine.criteria import Problem
from matcher.engine.describe import describe
from matcher.engine.model import (
    InvalidLock,
    Settings,
    Student,
    Volunteer,
    check_unique,
    index_pairs,
)
from matcher.engine.result import LOCKED_ORIGINS, MatchResult, Pair, PairOrigin, Unmatched
from matcher.engine.solve import assign

I64 = NDArray[np.int64]


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
    """Pair students with volunteers for a term, and explain the result.

    Parameters
    ----------
    students, volunteers : sequences of Student and Volunteer
        Everyone of the round; ids are unique on each side. Order does not matter.
    settings : Settings, optional
        Weights, minimum common time, objective and continuity; defaults if omitted.
    term_start, term_end : date
        The term's first and last day: common time is measured on their real dates.
    locks : pairs of (student_id, volunteer_id)
        Pairs that must be in the result. A lock that breaks a hard constraint, a
        forbid or a capacity raises `InvalidLock`.
    forbids : pairs of (student_id, volunteer_id)
        Pairs that must never be in the result.
    kept : pairs of (student_id, volunteer_id)
        Re-match mode: pairs kept exactly as they are (not checked, not moved); they
        use their volunteer's places, and their students are not solved again.
    only_students, only_volunteers : collections of ids, optional
        Re-match mode: solve only these free people; the others are left out.

    Returns
    -------
    MatchResult
        Pairs with scores and breakdowns, the unmatched with reasons, statistics.

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
    >>> result.unmatched_volunteers[0].text
    'All 1 compatible students (s1) are paired with others; no other pairing matches more people'
    """
    started = perf_counter()
    settings = settings or Settings()
    check_unique(students, "student")
    check_unique(volunteers, "volunteer")
    problem = Problem(students, volunteers, settings, term_start, term_end)
    forbidden = set(index_pairs(problem.s_index, problem.v_index, forbids, "forbid"))
    used = np.zeros(len(problem.volunteers), dtype=np.int64)
    origin: dict[int, tuple[int, PairOrigin]] = {}  # student -> (volunteer, origin)
    for i, j in index_pairs(problem.s_index, problem.v_index, kept, "kept pair"):
        if i in origin:
            raise InvalidLock(problem.students[i].id, "", "student_taken", "in two kept pairs")
        origin[i] = (j, PairOrigin.KEPT)
        used[j] += 1
    _lock(
        problem,
        index_pairs(problem.s_index, problem.v_index, locks, "lock"),
        forbidden,
        used,
        origin,
    )
    in_scope_s = _scope(problem.s_index, only_students)
    in_scope_v = _scope(problem.v_index, only_volunteers)
    if settings.lock_continue_partner:
        _lock_continue_partner(problem, forbidden, used, origin, in_scope_s, in_scope_v)
    remaining = np.maximum(problem.capacity - used, 0)
    rsel = np.array(
        [i for i in range(len(problem.students)) if i not in origin and in_scope_s[i]], np.int64
    )
    csel = np.flatnonzero((remaining > 0) & in_scope_v).astype(np.int64)
    prepared = perf_counter()

    score, feasible = problem.matrices(rsel, csel)
    rpos = {int(i): k for k, i in enumerate(rsel)}
    cpos = {int(j): k for k, j in enumerate(csel)}
    for i, j in forbidden:
        if i in rpos and j in cpos:
            feasible[rpos[i], cpos[j]] = False
    feasible_share = float(np.count_nonzero(feasible) / feasible.size) if feasible.size else 0.0
    costs = perf_counter()

    solution = assign(score, feasible, remaining[csel], settings.objective)
    del score
    solved = perf_counter()

    pairs_ij = [(i, j, o) for i, (j, o) in origin.items()]
    pairs_ij += [
        (int(rsel[r]), int(csel[c]), PairOrigin.SOLVED)
        for r, c in zip(solution.rows, solution.cols, strict=True)
    ]
    pairs_ij.sort(key=lambda p: (problem.students[p[0]].id, problem.volunteers[p[1]].id))
    ri = np.array([p[0] for p in pairs_ij], dtype=np.int64)
    ci = np.array([p[1] for p in pairs_ij], dtype=np.int64)
    described = describe(problem, ri, ci, forbidden)
    pairs = tuple(
        Pair(
            problem.students[i].id,
            problem.volunteers[j].id,
            round(d.score, 2),
            round(d.minutes / 60, 2),
            o,
            d.breakdown,
            d.violations if o == PairOrigin.KEPT else (),
        )
        for (i, j, o), d in zip(pairs_ij, described, strict=True)
    )
    paired_s = set(ri.tolist())
    paired_v = set(ci.tolist())
    lone_s = np.array([i for i in rsel.tolist() if i not in paired_s], dtype=np.int64)
    lone_v = np.array([j for j in csel.tolist() if j not in paired_v], dtype=np.int64)
    free_v = (remaining > 0) & in_scope_v
    free_s = np.zeros(len(problem.students), dtype=bool)
    free_s[rsel] = True
    solved_matrix = (rsel, csel, feasible)
    unmatched_s = _reasons(problem, lone_s, "student", forbidden, free_v, solved_matrix)
    unmatched_v = _reasons(problem, lone_v, "volunteer", forbidden, free_s, solved_matrix)
    done = perf_counter()

    scores = [p.score for p in pairs]
    stats: dict[str, Any] = {
        "students": len(problem.students),
        "volunteers": len(problem.volunteers),
        "capacity": int(problem.capacity.sum()),
        "pairs": len(pairs),
        "locked": sum(o in LOCKED_ORIGINS for _, o in origin.values()),
        "kept": sum(o == PairOrigin.KEPT for _, o in origin.values()),
        "solved": len(solution.rows),
        "unmatched_students": len(unmatched_s),
        "unmatched_volunteers": len(unmatched_v),
        "max_matchable": len(origin) + solution.max_pairs,
        "feasible_share": round(feasible_share, 4),
        "mean_score": round(sum(scores) / len(scores), 2) if scores else None,
        "lowest_score": min(scores) if scores else None,
        "objective": settings.objective,
        "seconds": {
            "prepare": round(prepared - started, 4),
            "costs": round(costs - prepared, 4),
            "solve": round(solved - costs, 4),
            "explain": round(done - solved, 4),
            "total": round(done - started, 4),
        },
    }
    return MatchResult(pairs, unmatched_s, unmatched_v, stats)


def _scope(index: dict[str, int], only: Collection[str] | None) -> NDArray[np.bool_]:
    if only is None:
        return np.ones(len(index), dtype=bool)
    out = np.zeros(len(index), dtype=bool)
    out[[index[i] for i in only if i in index]] = True
    return out


def _lock(
    problem: Problem,
    locks: list[tuple[int, int]],
    forbidden: set[tuple[int, int]],
    used: I64,
    origin: dict[int, tuple[int, PairOrigin]],
) -> None:
    """Keep the coordinator's locks, or raise `InvalidLock` naming what they break."""
    ri = np.array([i for i, _ in locks], dtype=np.int64)
    ci = np.array([j for _, j in locks], dtype=np.int64)
    for (i, j), d in zip(locks, describe(problem, ri, ci, forbidden, explained=False), strict=True):
        sid, vid = problem.students[i].id, problem.volunteers[j].id
        if d.violations:
            raise InvalidLock(sid, vid, d.violations[0].constraint, d.violations[0].text)
        if i in origin:
            raise InvalidLock(sid, vid, "student_taken", f"student {sid} is already paired")
        if used[j] >= problem.capacity[j]:
            raise InvalidLock(sid, vid, "capacity", f"volunteer {vid} has no place left")
        origin[i] = (j, PairOrigin.LOCKED)
        used[j] += 1


def _lock_continue_partner(
    problem: Problem,
    forbidden: set[tuple[int, int]],
    used: I64,
    origin: dict[int, tuple[int, PairOrigin]],
    in_scope_s: NDArray[np.bool_],
    in_scope_v: NDArray[np.bool_],
) -> None:
    """Lock last term's pairs whose two members named each other and both continue."""
    found = []
    for i, j in problem.cont_pairs.tolist():
        s, v = problem.students[i], problem.volunteers[j]
        mutual = s.previous_partner_id == v.id and v.previous_partner_id == s.id
        wanted = mutual and s.continue_partner and v.continue_partner
        if wanted and in_scope_s[i] and in_scope_v[j] and (i, j) not in forbidden:
            found.append((i, j))
    ri = np.array([i for i, _ in found], dtype=np.int64)
    ci = np.array([j for _, j in found], dtype=np.int64)
    for (i, j), d in zip(found, describe(problem, ri, ci, explained=False), strict=True):
        if not d.violations and i not in origin and used[j] < problem.capacity[j]:
            origin[i] = (j, PairOrigin.CONTINUE_PARTNER)
            used[j] += 1


def _reasons(
    problem: Problem,
    lone: I64,
    side: str,
    forbidden: set[tuple[int, int]],
    free: NDArray[np.bool_],
    solved: tuple[I64, I64, NDArray[np.bool_]],
) -> tuple[Unmatched, ...]:
    """Why each of ``lone`` (students or volunteers) got nobody.

    Someone with a free compatible partner in the solved matrix lost to others
    (``partners_taken``). For anyone else, the hard constraints are applied one by
    one against everybody on the other side, and the first that leaves nobody is the
    reason; if somebody is left, they are all in locked or kept pairs.
    """
    rsel, csel, feasible = solved
    others = problem.volunteers if side == "student" else problem.students
    people = problem.students if side == "student" else problem.volunteers
    if side == "student":
        main = feasible[np.searchsorted(rsel, lone)]
        sel = csel
    else:
        main = feasible[:, np.searchsorted(csel, lone)].T
        sel = rsel
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for k, person in enumerate(lone.tolist()):
        candidates = sel[main[k]]
        if len(candidates):
            found[person] = ("partners_taken", _candidates(others, candidates))
    rest = np.array([p for p in lone.tolist() if p not in found], dtype=np.int64)
    if len(rest):
        found.update(_chain(problem, rest, side, forbidden, free))
    out = []
    for person, (reason, facts) in found.items():
        text = explain.reason_text(reason, side, facts)
        out.append(Unmatched(people[person].id, reason, text, facts))
    return tuple(sorted(out, key=lambda u: u.id))


def _candidates(others: Sequence[Student] | Sequence[Volunteer], idx: I64) -> dict[str, Any]:
    return {
        "count": len(idx),
        "ids": [others[c].id for c in idx.tolist()],
        "names": [others[c].display_name or others[c].id for c in idx.tolist()],
    }


def _chain(
    problem: Problem, lone: I64, side: str, forbidden: set[tuple[int, int]], free: NDArray[np.bool_]
) -> dict[int, tuple[str, dict[str, Any]]]:
    """The first hard constraint that leaves each of ``lone`` without any partner."""
    every_s = np.arange(len(problem.students), dtype=np.int64)
    every_v = np.arange(len(problem.volunteers), dtype=np.int64)
    rows, cols = (lone, every_v) if side == "student" else (every_s, lone)
    masks, overlap = problem.hard_masks(rows, cols)
    banned = np.zeros((len(rows), len(cols)), dtype=bool)
    rpos = np.full(len(problem.students), -1)
    rpos[rows] = np.arange(len(rows))
    cpos = np.full(len(problem.volunteers), -1)
    cpos[cols] = np.arange(len(cols))
    for i, j in forbidden:
        if rpos[i] >= 0 and cpos[j] >= 0:
            banned[rpos[i], cpos[j]] = True
    masks["forbidden"] = ~banned
    if side == "volunteer":
        masks = {k: m.T for k, m in masks.items()}
        overlap = overlap.T
    others = problem.volunteers if side == "student" else problem.students
    people = problem.students if side == "student" else problem.volunteers
    out: dict[int, tuple[str, dict[str, Any]]] = {}
    for k, person in enumerate(lone.tolist()):
        alive = np.ones(overlap.shape[1], dtype=bool)
        reason = ""
        if side == "volunteer" and not problem.volunteers[person].approved:
            reason = "not_approved"
        for code in ("overlap", "format", "gender_required", "not_approved", "forbidden"):
            alive &= masks[code][k]
            if not alive.any() and not reason:
                reason = "no_common_time" if code == "overlap" else code
        facts: dict[str, Any] = {}
        if reason == "no_common_time":
            best = int(np.argmax(overlap[k])) if overlap.shape[1] else -1
            facts = {
                "min_hours": problem.settings.min_overlap_hours,
                "best_minutes": float(overlap[k, best]) if best >= 0 else 0.0,
                "best_partner_id": others[best].id if best >= 0 else "",
            }
        elif reason == "gender_required":
            facts = {
                "volunteer_gender": people[person].volunteer_gender if side == "student" else ""
            }
        elif not reason:
            candidates = np.flatnonzero(alive)
            reason = "partners_taken" if free[candidates].any() else "partners_locked"
            facts = _candidates(others, candidates)
        out[person] = (reason, facts)
    return out
