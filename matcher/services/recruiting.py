"""After a round: where to recruit volunteers, and the pairs that would rather swap.

Both read a round's frozen snapshot (the people as the round saw them) with its
settings, its pairs as they stand now (adjustments included) and the term's forbids,
and ask the engine; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from matcher import engine
from matcher.extensions import db
from matcher.models import ConstraintKind, MatchRound, PairConstraint, Term
from matcher.services.rounds import latest_round
from matcher.services.snapshot import TermPeople, engine_id, thaw

WINDOWS_SHOWN = 5  # the best windows the term page lists, none overlapping another


def round_forbids(round_: MatchRound, people: TermPeople) -> list[tuple[str, str]]:
    """The term's "never pair" constraints between people of the round, as engine ids."""
    return [
        (engine_id(c.student_id), engine_id(c.volunteer_id))
        for c in db.session.scalars(
            select(PairConstraint).where(
                PairConstraint.term_id == round_.term_id,
                PairConstraint.kind == ConstraintKind.FORBID,
            )
        )
        if engine_id(c.student_id) in people.names and engine_id(c.volunteer_id) in people.names
    ]


@dataclass
class RoundInputs:
    """What the engine needs to look at a round again."""

    people: TermPeople
    settings: engine.Settings
    result: engine.MatchResult
    term: Term
    forbids: list[tuple[str, str]]

    def args(self) -> tuple[list[engine.Student], list[engine.Volunteer], engine.Settings]:
        return self.people.students, self.people.volunteers, self.settings


def round_inputs(round_: MatchRound) -> RoundInputs:
    """The round's people, settings and pairs as the engine's inputs and result."""
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    people = thaw(round_.snapshot)
    pairs = tuple(
        engine.Pair(student, volunteer, p.score, p.overlap_hours, engine.PairOrigin(p.origin))
        for p in round_.pairs
        if p.student_id is not None and p.volunteer_id is not None  # else: a person who left
        for student, volunteer in [(engine_id(p.student_id), engine_id(p.volunteer_id))]
        if student in people.names and volunteer in people.names
    )
    paired = {p.student_id for p in pairs}
    unmatched = tuple(  # as the round said, for the students still unmatched
        engine.Unmatched.from_dict(u)
        for u in round_.result.get("unmatched_students", [])
        if str(u["id"]) not in paired
    )
    result = engine.MatchResult(pairs, unmatched, (), {})
    settings = engine.Settings.from_dict(round_.settings)
    return RoundInputs(people, settings, result, term, round_forbids(round_, people))


@dataclass
class Recruitment:
    """Where to recruit for a term: the best windows, and why the unmatched are so."""

    round: MatchRound
    unmatched: int  # students without a partner in the round
    windows: list[engine.RecruitWindow] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # engine reason code -> students


def recruitment(term: Term) -> Recruitment | None:
    """For a term whose latest round left students unmatched, the weekly windows in which
    more volunteers would let the engine pair more of them (None otherwise)."""
    round_ = latest_round(term)
    if round_ is None:
        return None
    inputs = round_inputs(round_)
    paired = {p.student_id for p in inputs.result.pairs}
    alone = [s.id for s in inputs.people.students if s.id not in paired]
    if not alone:
        return None
    found = engine.recruitment_windows(
        *inputs.args(),
        inputs.result,
        term_start=term.starts_on,
        term_end=term.ends_on,
        forbids=inputs.forbids,
        limit=WINDOWS_SHOWN,
        apart=True,
    )
    reasons = engine.unmatched_counts(inputs.result)
    explained = sum(reasons.values())
    if explained < len(alone):  # left without a partner by a coordinator's change
        reasons["changed"] = len(alone) - explained
    return Recruitment(round_, len(alone), found, reasons)


@dataclass
class SwapRow:
    """A pair that would rather swap, with names (shown to coordinators only)."""

    student_id: int
    student_name: str
    volunteer_id: int
    volunteer_name: str
    score: float
    student_score: float | None
    volunteer_score: float | None


def blocking_pairs(round_: MatchRound) -> list[SwapRow]:
    """The round's blocking pairs: a student and a volunteer not paired together who would
    each score higher with each other than with their partners now."""
    inputs = round_inputs(round_)
    found = engine.blocking_pairs(
        *inputs.args(),
        inputs.result,
        term_start=inputs.term.starts_on,
        term_end=inputs.term.ends_on,
        forbids=inputs.forbids,
    )
    name = inputs.people.names.get
    return [
        SwapRow(
            int(b.student_id),
            name(b.student_id, "?"),
            int(b.volunteer_id),
            name(b.volunteer_id, "?"),
            b.score,
            b.student_score,
            b.volunteer_score,
        )
        for b in found
    ]
