"""Matching rounds: run the engine on a term's people and read the result back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from matcher import engine
from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import (
    ConstraintKind,
    MatchRound,
    Pair,
    PairStatus,
    RoundKind,
    RoundPair,
    RoundStatus,
    Term,
    TermStatus,
    User,
)
from matcher.services import audit
from matcher.services.constraints import (
    adjustments,
    constraints_of,
    find_constraint,
    set_constraint,
    start_fresh,
)
from matcher.services.errors import ServiceError
from matcher.services.naming import label_of
from matcher.services.snapshot import TermPeople, engine_id, freeze, term_people, thaw

HISTOGRAM_BINS = 10

__all__ = [
    "adjustments",
    "constraints_of",
    "find_constraint",
    "set_constraint",
]  # re-exported for callers


def latest_round(term: Term) -> MatchRound | None:
    return db.session.scalars(
        select(MatchRound).where(MatchRound.term_id == term.id).order_by(MatchRound.number.desc())
    ).first()


def rounds_of(term: Term) -> list[MatchRound]:
    return list(
        db.session.scalars(
            select(MatchRound).where(MatchRound.term_id == term.id).order_by(MatchRound.number)
        )
    )


def is_editable(round_: MatchRound) -> bool:
    """Only the latest draft of a term whose pairs it can still become takes adjustments;
    earlier drafts stay as they were, read-only, to compare and to publish as they are."""
    return (
        round_.status == RoundStatus.DRAFT
        and is_publishable(round_)
        and db.session.scalar(
            select(func.max(MatchRound.number)).where(MatchRound.term_id == round_.term_id)
        )
        == round_.number
    )


def is_publishable(round_: MatchRound) -> bool:
    """A draft of a term that is not closed; a full round only until the term's pairs are
    published (then re-match rounds follow)."""
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    if round_.status != RoundStatus.DRAFT or term.status == TermStatus.CLOSED:
        return False
    return round_.kind == RoundKind.REMATCH or term.published_round_id is None


def get_round(term: Term, number: int) -> MatchRound | None:
    return db.session.scalar(
        select(MatchRound).where(MatchRound.term_id == term.id, MatchRound.number == number)
    )


def active_pairs(term: Term) -> list[Pair]:
    return list(
        db.session.scalars(
            select(Pair)
            .where(Pair.term_id == term.id, Pair.status == PairStatus.ACTIVE)
            .order_by(Pair.id)
        )
    )


def _names(user_ids: set[int]) -> dict[int, str]:
    """Each person's label (naming.person_label), for messages."""
    if not user_ids:
        return {}
    return {
        u.id: label_of(u) for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
    }


Origins = dict[tuple[str, str], tuple[PairOrigin, str]]


def _engine_inputs(term: Term, people: TermPeople) -> tuple[dict[str, Any], Origins]:
    """Locks, forbids and kept pairs for the engine, refusing locks on absent people.

    A lock that breaks a rule (with the coordinator's reason) goes to the engine as a kept
    pair, which it does not check. "origins" says how each lock was made (locked, swapped,
    by hand), so that the new round shows a kept swap as a swap.
    """
    in_pool = people.ids()
    constraints = constraints_of(term.id)
    names = _names({c.student_id for c in constraints} | {c.volunteer_id for c in constraints})
    locks: list[tuple[str, str]] = []
    overrides: list[tuple[str, str]] = []
    forbids: list[tuple[str, str]] = []
    origins: dict[tuple[str, str], tuple[PairOrigin, str]] = {}
    for c in constraints:
        pair = (engine_id(c.student_id), engine_id(c.volunteer_id))
        if c.kind == ConstraintKind.FORBID:
            if pair[0] in in_pool and pair[1] in in_pool:
                forbids.append(pair)
            continue
        absent = [p for p in pair if p not in in_pool]
        if absent:
            who = names.get(int(absent[0]), absent[0])
            raise ServiceError(
                _(
                    "The lock of %(student)s with %(volunteer)s cannot be kept: %(who)s is not "
                    "approved with a complete profile any more. Remove the lock or approve "
                    "%(who)s again.",
                    student=names.get(c.student_id, "?"),
                    volunteer=names.get(c.volunteer_id, "?"),
                    who=who,
                )
            )
        (overrides if c.override_reason else locks).append(pair)
        origins[pair] = (c.origin, c.override_reason)
    return {"locks": locks, "forbids": forbids, "kept": overrides}, origins


def run_round(
    term: Term, settings: engine.Settings, *, by: User | None, fresh: bool = False
) -> MatchRound:
    """Solve the term's matching into a new draft round (a re-match once pairs are published).

    The run keeps the term's locks, forbids, swaps and hand-made pairs; `fresh` drops them
    all first (audit-logged with how many).
    """
    if term.status in (TermStatus.DRAFT, TermStatus.CLOSED):
        raise ServiceError(
            _("Rounds run only while a term is open, matching or running; this one is not.")
        )
    if fresh:
        start_fresh(term, by=by)
    people = _people_to_match(term)
    inputs, origins = _engine_inputs(term, people)
    kind = RoundKind.FULL if term.published_round_id is None else RoundKind.REMATCH
    if kind == RoundKind.REMATCH:
        inputs = _rematch_scope(term, people, inputs)
        # The active pairs a re-match keeps stay "kept" (publishing skips them).
        origins = {pair: origins[pair] for pair in inputs["locks"] if pair in origins}
    result = _solve(term, people, settings, inputs)
    round_ = MatchRound(
        term_id=term.id,
        number=_next_number(term),
        kind=kind,
        settings=settings.to_dict(),
        snapshot=freeze(people),
        result={
            "unmatched_students": [u.to_dict() for u in result.unmatched_students],
            "unmatched_volunteers": [u.to_dict() for u in result.unmatched_volunteers],
            "stats": result.stats,
        },
        seconds=float(result.stats.get("seconds", {}).get("total", 0.0)),
        created_by_id=by.id if by else None,
    )
    # In a full round the engine's kept pairs are the coordinator's locks that break a rule.
    round_.pairs.extend(_round_pair(p, origins) for p in result.pairs)
    refresh_figures(round_)
    db.session.add(round_)
    db.session.flush()
    audit.record(by, "round.run", term_id=term.id, round=round_.number, matched=round_.matched)
    return round_


def _people_to_match(term: Term) -> TermPeople:
    people = term_people(term)
    if not people.students or not people.volunteers:
        raise ServiceError(
            _(
                "There is nobody to match yet: %(term)s needs at least one approved student "
                "and one approved volunteer with a complete profile.",
                term=term.name,
            )
        )
    return people


def _solve(
    term: Term, people: TermPeople, settings: engine.Settings, inputs: dict[str, Any]
) -> engine.MatchResult:
    """The engine's result, or a ServiceError that names the people of a lock it refused."""
    try:
        return engine.match(
            people.students,
            people.volunteers,
            settings,
            term_start=term.starts_on,
            term_end=term.ends_on,
            **inputs,
        )
    except engine.InvalidLock as error:
        raise ServiceError(
            _(
                "The lock of %(student)s with %(volunteer)s breaks a rule of matching "
                "(%(rule)s). Remove the lock, or assign the pair by hand with a reason.",
                student=people.names.get(error.student_id, error.student_id),
                volunteer=people.names.get(error.volunteer_id, error.volunteer_id),
                rule=str(error).split(": ", 1)[-1],
            )
        ) from error
    except engine.EngineError as error:
        raise ServiceError(_("The round could not run: %(why)s", why=str(error))) from error


def _next_number(term: Term) -> int:
    query = select(func.max(MatchRound.number)).where(MatchRound.term_id == term.id)
    return (db.session.scalar(query) or 0) + 1


def _round_pair(pair: engine.Pair, origins: Origins) -> RoundPair:
    """The engine's pair as the round stores it; a coordinator's kept pair says how it was
    made (locked, swapped, by hand) and keeps its reason."""
    origin, reason = pair.origin, ""
    if pair.origin in (PairOrigin.LOCKED, PairOrigin.KEPT) or pair.locked:
        found = origins.get((pair.student_id, pair.volunteer_id))
        if found is not None:
            origin, reason = found
    return RoundPair(
        student_id=int(pair.student_id),
        volunteer_id=int(pair.volunteer_id),
        score=pair.score,
        overlap_hours=pair.overlap_hours,
        breakdown=[c.to_dict() for c in pair.breakdown],
        violations=[v.to_dict() for v in pair.violations],
        locked=pair.locked or origin in (PairOrigin.SWAPPED, PairOrigin.MANUAL),
        origin=origin,
        override_reason=reason,
    )


def _rematch_scope(term: Term, people: TermPeople, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Mid-term: keep every active pair as it is and solve only the free people."""
    in_pool = people.ids()
    both = [
        (engine_id(p.student_id), engine_id(p.volunteer_id))
        for p in active_pairs(term)
        if p.student_id is not None and p.volunteer_id is not None  # an active pair has both
    ]
    kept = [(s, v) for s, v in both if s in in_pool and v in in_pool]
    paired_students = {s for s, _v in kept}
    load = Counter(v for _s, v in kept)
    free_students = [s.id for s in people.students if s.id not in paired_students]
    free_volunteers = [v.id for v in people.volunteers if load[v.id] < v.capacity]
    locks = [lk for lk in kwargs["locks"] if lk[0] in free_students]
    return {
        "locks": locks,
        "forbids": kwargs["forbids"],
        "kept": kept,
        "only_students": free_students,
        "only_volunteers": free_volunteers,
    }


def refresh_figures(round_: MatchRound) -> None:
    """Recompute the round's summary figures from its pairs (after any adjustment)."""
    scores = [p.score for p in round_.pairs if p.origin != PairOrigin.KEPT] or [
        p.score for p in round_.pairs
    ]
    round_.matched = len(round_.pairs)
    round_.lowest_score = round(min(scores), 1) if scores else None
    round_.mean_score = round(sum(scores) / len(scores), 1) if scores else None


def left_label() -> str:
    """How the pages name someone who deleted their account (or whose term was purged)."""
    return _("a person who left")


def _name_of(names: dict[str, str], user_id: int | None) -> str:
    return left_label() if user_id is None else names.get(engine_id(user_id), "?")


@dataclass
class PairRow:
    pair: RoundPair
    student_name: str
    volunteer_name: str

    @property
    def with_someone_who_left(self) -> bool:
        return self.pair.student_id is None or self.pair.volunteer_id is None


@dataclass
class UnmatchedRow:
    """An unmatched person: the engine's reason code and facts (the page words them in the
    reader's language) and the sentence stored with them (said when the code is unknown)."""

    user_id: int | None  # None: a person who left
    name: str
    reason: str
    code: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class RoundView:
    round: MatchRound
    people: TermPeople
    pairs: list[PairRow]
    unmatched_students: list[UnmatchedRow]
    unmatched_volunteers: list[UnmatchedRow]
    histogram: list[int] = field(default_factory=list)
    editable: bool = False  # the latest draft: lock, swap, pair by hand
    publishable: bool = False  # any draft the coordinator chooses, until the term's published


def view_round(round_: MatchRound) -> RoundView:
    """The round with names, the unmatched with reasons, and the score histogram."""
    people = thaw(round_.snapshot)
    rows = [
        PairRow(p, _name_of(people.names, p.student_id), _name_of(people.names, p.volunteer_id))
        for p in sorted(round_.pairs, key=lambda p: (-p.score, p.student_id or 0, p.id or 0))
    ]
    reasons = {
        u["id"]: u
        for key in ("unmatched_students", "unmatched_volunteers")
        for u in round_.result.get(key, [])
    }
    changed = {"text": _("Left without a partner by a coordinator's change in this round.")}

    def row(person: engine.Student | engine.Volunteer) -> UnmatchedRow:
        found = reasons.get(person.id, changed)
        return UnmatchedRow(
            int(person.id),
            people.names.get(person.id, person.display_name),
            str(found.get("text", "")),
            str(found.get("reason", "")),
            dict(found.get("facts") or {}),
        )

    paired_students = {engine_id(p.student_id) for p in round_.pairs if p.student_id}
    paired_volunteers = {engine_id(p.volunteer_id) for p in round_.pairs if p.volunteer_id}
    unmatched_s = [row(s) for s in people.students if s.id not in paired_students]
    unmatched_v = [row(v) for v in people.volunteers if v.id not in paired_volunteers]
    # People who left keep their place in the figures: a paired one shows in their pair (a
    # volunteer who left with several students is counted once per pair, so the count of
    # unmatched volunteers who left is exact when volunteers take one student).
    left = (sum(p.student_id is None for p in round_.pairs), people.left_students)
    unmatched_s += [UnmatchedRow(None, left_label(), "")] * max(0, left[1] - left[0])
    left = (sum(p.volunteer_id is None for p in round_.pairs), people.left_volunteers)
    unmatched_v += [UnmatchedRow(None, left_label(), "")] * max(0, left[1] - left[0])
    bins = [0] * HISTOGRAM_BINS
    for p in round_.pairs:
        bins[min(int(p.score // (100 / HISTOGRAM_BINS)), HISTOGRAM_BINS - 1)] += 1
    return RoundView(
        round_,
        people,
        rows,
        unmatched_s,
        unmatched_v,
        bins,
        editable=is_editable(round_),
        publishable=is_publishable(round_),
    )


@dataclass
class Comparison:
    a: MatchRound
    b: MatchRound
    differences: list[tuple[str, str, str]]  # student, volunteer in a, volunteer in b
    same: int


def compare_rounds(a: MatchRound, b: MatchRound) -> Comparison:
    if a.term_id != b.term_id:
        raise ServiceError(_("Only rounds of the same term can be compared."))
    names = {**thaw(a.snapshot).names, **thaw(b.snapshot).names}
    # Students who left cannot be told apart: their pairs are not compared.
    in_a = {p.student_id: p.volunteer_id for p in a.pairs if p.student_id is not None}
    in_b = {p.student_id: p.volunteer_id for p in b.pairs if p.student_id is not None}
    nobody = "—"
    differences = []
    for student in sorted(set(in_a) | set(in_b), key=lambda s: names.get(engine_id(s), "")):
        if student in in_a and student in in_b and in_a[student] == in_b[student]:
            continue
        differences.append(
            (
                _name_of(names, student),
                _name_of(names, in_a[student]) if student in in_a else nobody,
                _name_of(names, in_b[student]) if student in in_b else nobody,
            )
        )
    same = sum(1 for s, v in in_a.items() if s in in_b and in_b[s] == v)
    return Comparison(a, b, differences, same)
