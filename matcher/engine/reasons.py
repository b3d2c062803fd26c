"""Why someone got nobody: the reason of each unmatched student and volunteer."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.engine import explain
from matcher.engine.criteria import Problem
from matcher.engine.edges import BLOCK_ENTRIES, Edges, attribute_types
from matcher.engine.model import Student, Volunteer
from matcher.engine.result import DeferredFacts, Facts, Unmatched

I64 = NDArray[np.int64]
Mask = NDArray[np.bool_]
CHAIN = ("overlap", "format", "gender_required", "not_approved", "forbidden")


@dataclass(frozen=True)
class Side:
    """One side of a round (students or volunteers), facing the other."""

    name: str  # "student" or "volunteer"
    people: Sequence[Student] | Sequence[Volunteer]
    others: Sequence[Student] | Sequence[Volunteer]

    @classmethod
    def of(cls, problem: Problem, name: str) -> Side:
        if name == "student":
            return cls(name, problem.students, problem.volunteers)
        return cls(name, problem.volunteers, problem.students)


def unmatched(
    problem: Problem,
    edges: Edges,
    lone: I64,
    side: str,
    forbidden: Collection[tuple[int, int]],
    free: Mask,
) -> tuple[Unmatched, ...]:
    """Why each of ``lone`` (students or volunteers, by index) got nobody.

    Someone with a feasible partner among the solved pairs lost to others
    (``partners_taken``). For anyone else, the hard constraints are applied one by
    one against everybody on the other side, and the first that leaves nobody is the
    reason; if somebody is left, they are all taken (``free`` marks the other side's
    people the solver could still use) or in locked and kept pairs.
    """
    who = Side.of(problem, side)
    partners = _partners(edges, lone, side)
    found: dict[int, tuple[str, Facts]] = {}
    for k, person in enumerate(lone.tolist()):
        if len(partners[k]):
            found[person] = ("partners_taken", _candidates(who.others, partners[k]))
    rest = np.array(sorted(p for p in lone.tolist() if p not in found), dtype=np.int64)
    for start in range(0, len(rest), max(1, BLOCK_ENTRIES // max(1, len(who.others)))):
        part = rest[start : start + BLOCK_ENTRIES // max(1, len(who.others))]
        found.update(_chain(problem, part, who, forbidden, free))
    out = [
        Unmatched(who.people[p].id, reason, explain.reason_text(reason, side, _words(facts)), facts)
        for p, (reason, facts) in found.items()
    ]
    return tuple(sorted(out, key=lambda u: u.id))


def _words(facts: Facts) -> Facts:
    """What a reason's sentence needs, without making long lists of candidates."""
    if isinstance(facts, _Candidates):
        return {"count": facts.count, "names": facts.first}
    return facts


def _partners(edges: Edges, lone: I64, side: str) -> list[I64]:
    """For each of ``lone``, the other side's people it has a feasible pair with."""
    if side == "student":
        which, cols = edges.of_rows(np.searchsorted(edges.rsel, lone))
        found = edges.csel[cols]
    else:
        position = np.full(len(edges.csel), -1, dtype=np.int64)
        position[np.searchsorted(edges.csel, lone)] = np.arange(len(lone))
        which = position[edges.cols]
        at = np.flatnonzero(which >= 0)
        rows = np.searchsorted(edges.indptr, at, side="right") - 1
        which, found = which[at], edges.rsel[rows]
    order = np.argsort(which, kind="stable")  # each group stays in ascending order
    which, found = which[order], found[order]
    bounds = np.searchsorted(which, np.arange(len(lone) + 1))
    return [found[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def _candidates(others: Sequence[Student] | Sequence[Volunteer], idx: I64) -> Facts:
    """The compatible people's count now, their ids and names when first read."""
    count = len(idx)
    first = [others[c].display_name or others[c].id for c in idx[:3].tolist()]

    def make() -> dict[str, Any]:
        return {
            "count": count,
            "ids": [others[c].id for c in idx.tolist()],
            "names": [others[c].display_name or others[c].id for c in idx.tolist()],
        }

    return _Candidates(make, count, first)


class _Candidates(DeferredFacts):
    """Candidates' facts, which can word a reason without making the whole lists."""

    __slots__ = ("count", "first")

    def __init__(self, make: Callable[[], dict[str, Any]], count: int, first: list[str]) -> None:
        super().__init__(make)
        self.count, self.first = count, first


def _rules(
    problem: Problem, lone: I64, who: Side, forbidden: Collection[tuple[int, int]]
) -> tuple[NDArray[np.float32], Callable[[str, I64], Mask]]:
    """The common minutes of ``lone`` with the whole other side, and each hard
    constraint on its own for some of them (rows of ``lone``) against everyone."""
    everyone = np.arange(len(who.others), dtype=np.int64)
    student = who.name == "student"
    if student:
        minutes = problem.overlap(lone, everyone)
        types = attribute_types(problem, lone, everyone)
    else:
        minutes = problem.overlap(everyone, lone).T
        types = attribute_types(problem, everyone, lone)
    tables = {"format": types.table(problem.format_ok)}
    tables["gender_required"] = types.table(problem.gender_ok)
    width = len(problem.volunteers)
    banned = np.array(sorted(i * width + j for i, j in forbidden), dtype=np.int64)

    def rule(code: str, rows: I64) -> Mask:
        shape = (len(rows), minutes.shape[1])
        if code == "overlap":
            return problem.enough_time(minutes[rows])
        if student:
            s_type, v_type = types.s_type[rows][:, None], types.v_type[None, :]
            si, vi = lone[rows][:, None], everyone[None, :]
        else:
            s_type, v_type = types.s_type[None, :], types.v_type[rows][:, None]
            si, vi = everyone[None, :], lone[rows][:, None]
        if code in tables:
            return np.asarray(tables[code][s_type, v_type], dtype=bool)
        if code == "not_approved":
            return np.broadcast_to(problem.approved[vi], shape)
        if not len(banned):  # forbidden
            return np.ones(shape, dtype=bool)
        return np.asarray(~np.isin(si * width + vi, banned), dtype=bool)

    return minutes, rule


def _chain(
    problem: Problem, lone: I64, who: Side, forbidden: Collection[tuple[int, int]], free: Mask
) -> dict[int, tuple[str, Facts]]:
    """The first hard constraint that leaves each of ``lone`` without any partner.

    Each constraint is applied only to the people the ones before it left with
    somebody (most find nobody with enough common time at the first).
    """
    minutes, rule = _rules(problem, lone, who, forbidden)
    first = np.full(len(lone), len(CHAIN), dtype=np.int64)  # none: someone is left
    if who.name == "volunteer":
        first[~problem.approved[lone]] = CHAIN.index("not_approved")
    still = np.flatnonzero(first == len(CHAIN))  # rows of lone with somebody left so far
    alive = np.ones((len(still), minutes.shape[1]), dtype=bool)
    for k, code in enumerate(CHAIN):
        if not len(still):
            break
        alive &= rule(code, still)
        nobody = ~alive.any(axis=1)
        first[still[nobody]] = k
        still, alive = still[~nobody], alive[~nobody]
    best = np.argmax(minutes, axis=1) if minutes.shape[1] else np.full(len(lone), -1)
    taken = np.asarray((alive & free[None, :]).any(axis=1), dtype=bool)
    left = {int(k): j for j, k in enumerate(still.tolist())}  # row of lone: row of alive
    out: dict[int, tuple[str, Facts]] = {}
    for k, person in enumerate(lone.tolist()):
        if first[k] < len(CHAIN):
            code = CHAIN[first[k]]
            out[person] = _facts(problem, who, person, code, minutes[k], int(best[k]))
        else:
            j = left[k]
            reason = "partners_taken" if taken[j] else "partners_locked"
            out[person] = (reason, _candidates(who.others, np.flatnonzero(alive[j])))
    return out


def _facts(
    problem: Problem, who: Side, person: int, code: str, minutes: NDArray[np.float32], best: int
) -> tuple[str, Facts]:
    """The reason named after the first constraint that leaves nobody, with its facts."""
    if code == "overlap":
        return "no_common_time", {
            "min_hours": problem.settings.min_overlap_hours,
            "best_minutes": float(minutes[best]) if best >= 0 else 0.0,
            "best_partner_id": who.others[best].id if best >= 0 else "",
        }
    if code == "gender_required":
        wanted = problem.students[person].volunteer_gender if who.name == "student" else ""
        return code, {"volunteer_gender": wanted}
    return code, {}
