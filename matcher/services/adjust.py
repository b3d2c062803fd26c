"""A coordinator's adjustments to a draft round: lock, forbid, swap, pair by hand, alternatives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from matcher import engine
from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import (
    ConstraintKind,
    MatchRound,
    PairConstraint,
    RoundPair,
    RoundStatus,
    Term,
    User,
)
from matcher.services import audit
from matcher.services.constraints import (
    MADE_IN_ROUND,
    drop_made_in_round,
    find_constraint,
    keep_made_in_round,
    set_constraint,
)
from matcher.services.errors import ServiceError
from matcher.services.recruiting import round_forbids
from matcher.services.rounds import is_editable, refresh_figures
from matcher.services.snapshot import TermPeople, engine_id, thaw


def _editable(round_: MatchRound) -> None:
    if round_.status != RoundStatus.DRAFT:
        raise ServiceError(_("This round is published; run a new round to change pairs."))
    if not is_editable(round_):
        raise ServiceError(
            _(
                "Round %(n)d is an earlier draft and is read-only. Adjust the latest round, "
                "or publish this one as it is.",
                n=round_.number,
            )
        )


def _pair_of_student(round_: MatchRound, student_id: int) -> RoundPair | None:
    return next((p for p in round_.pairs if p.student_id == student_id), None)


def lock_pair(round_: MatchRound, student_id: int, *, by: User) -> None:
    """Keep the student's pair of this round in every later round."""
    _editable(round_)
    pair = _pair_of_student(round_, student_id)
    if pair is None:
        raise ServiceError(_("This student has no pair in this round to lock."))
    if pair.volunteer_id is None:
        raise ServiceError(_("This student's volunteer has left: the pair cannot be kept."))
    pair.locked = True
    set_constraint(
        round_.term_id,
        student_id,
        pair.volunteer_id,
        ConstraintKind.LOCK,
        by=by,
        reason=pair.override_reason,
        origin=pair.origin if pair.origin in MADE_IN_ROUND else PairOrigin.LOCKED,
    )
    audit.record(
        by, "pair.locked", term_id=round_.term_id, student=student_id, volunteer=pair.volunteer_id
    )


def remove_constraint(round_: MatchRound, constraint_id: int, *, by: User) -> None:
    constraint = db.session.get(PairConstraint, constraint_id)
    if constraint is None or constraint.term_id != round_.term_id:
        raise ServiceError(_("That lock or forbid no longer exists. Reload the page."))
    if constraint.kind == ConstraintKind.LOCK and is_editable(round_):
        pair = _pair_of_student(round_, constraint.student_id)
        if pair is not None and pair.volunteer_id == constraint.volunteer_id:
            pair.locked = False
    db.session.delete(constraint)
    audit.record(
        by,
        f"pair.un{constraint.kind}",
        term_id=round_.term_id,
        student=constraint.student_id,
        volunteer=constraint.volunteer_id,
    )


def forbid_pair(round_: MatchRound, student_id: int, volunteer_id: int, *, by: User) -> None:
    """Never pair these two in this term; if this round pairs them, they become unmatched."""
    _editable(round_)
    people = thaw(round_.snapshot)
    if engine_id(student_id) not in people.names or engine_id(volunteer_id) not in people.names:
        raise ServiceError(_("Both people must be part of this round."))
    pair = _pair_of_student(round_, student_id)
    if pair is not None and pair.volunteer_id == volunteer_id:
        round_.pairs.remove(pair)
        refresh_figures(round_)
    set_constraint(round_.term_id, student_id, volunteer_id, ConstraintKind.FORBID, by=by)
    audit.record(
        by, "pair.forbidden", term_id=round_.term_id, student=student_id, volunteer=volunteer_id
    )


def _evaluate(
    round_: MatchRound, people: TermPeople, student_id: int, volunteer_id: int
) -> engine.PairEvaluation:
    student = next((s for s in people.students if s.id == engine_id(student_id)), None)
    volunteer = next((v for v in people.volunteers if v.id == engine_id(volunteer_id)), None)
    if student is None or volunteer is None:
        raise ServiceError(_("Both people must be part of this round."))
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    forbidden = find_constraint(round_.term_id, student_id, volunteer_id)
    return engine.evaluate_pair(
        student,
        volunteer,
        engine.Settings.from_dict(round_.settings),
        term_start=term.starts_on,
        term_end=term.ends_on,
        forbidden=forbidden is not None and forbidden.kind == ConstraintKind.FORBID,
    )


class BrokenRules(ServiceError):
    """A pair made by hand breaks rules of matching and no reason was given.

    The message names the rules in the engine's English; `worded` says them otherwise
    (the web edge passes its translated wording of a violation).
    """

    def __init__(self, evaluation: engine.PairEvaluation, names: dict[str, str]) -> None:
        self.evaluation, self.names = evaluation, names
        super().__init__(self.worded(lambda v: v.text), "reason")

    def worded(self, say: Callable[[engine.Violation], str]) -> str:
        return _(
            "%(student)s and %(volunteer)s break a rule of matching: %(rules)s. "
            "To pair them anyway, give a reason for the override.",
            student=self.names.get(self.evaluation.student_id, "?"),
            volunteer=self.names.get(self.evaluation.volunteer_id, "?"),
            rules="; ".join(say(v) for v in self.evaluation.violations),
        )


def _checked(evaluation: engine.PairEvaluation, reason: str, names: dict[str, str]) -> None:
    """A pair that breaks a hard constraint needs an explicit override reason."""
    if evaluation.violations and not reason.strip():
        raise BrokenRules(evaluation, names)


def _round_pair(
    evaluation: engine.PairEvaluation, origin: PairOrigin, reason: str
) -> dict[str, object]:
    return {
        "student_id": int(evaluation.student_id),
        "volunteer_id": int(evaluation.volunteer_id),
        "score": evaluation.score,
        "overlap_hours": evaluation.overlap_hours,
        "breakdown": [c.to_dict() for c in evaluation.breakdown],
        "violations": [v.to_dict() for v in evaluation.violations],
        "origin": origin,
        "override_reason": reason.strip() if evaluation.violations else "",
        "locked": False,
    }


def pair_by_hand(
    round_: MatchRound, student_id: int, volunteer_id: int, *, by: User, reason: str = ""
) -> RoundPair:
    """Pair an unmatched student with a volunteer who has a free place, by hand."""
    _editable(round_)
    people = thaw(round_.snapshot)
    if _pair_of_student(round_, student_id) is not None:
        raise ServiceError(_("This student already has a partner in this round."))
    volunteer = next((v for v in people.volunteers if v.id == engine_id(volunteer_id)), None)
    taken = sum(1 for p in round_.pairs if p.volunteer_id == volunteer_id)
    if volunteer is not None and taken >= volunteer.capacity:
        raise ServiceError(
            _(
                "%(name)s has no free place in this round.",
                name=people.names.get(volunteer.id, volunteer.display_name),
            )
        )
    evaluation = _evaluate(round_, people, student_id, volunteer_id)
    _checked(evaluation, reason, people.names)
    pair = RoundPair(**_round_pair(evaluation, PairOrigin.MANUAL, reason))
    round_.pairs.append(pair)
    refresh_figures(round_)
    keep_made_in_round(
        round_.term_id,
        student_id,
        volunteer_id,
        PairOrigin.MANUAL,
        by=by,
        reason=pair.override_reason,
    )
    audit.record(
        by,
        "pair.assigned",
        term_id=round_.term_id,
        student=student_id,
        volunteer=volunteer_id,
        override=pair.override_reason,
    )
    return pair


def unpair(round_: MatchRound, student_id: int, *, by: User) -> None:
    _editable(round_)
    pair = _pair_of_student(round_, student_id)
    if pair is None:
        raise ServiceError(_("This student has no pair in this round."))
    if pair.locked:
        raise ServiceError(_("This pair is locked. Unlock it first."))
    round_.pairs.remove(pair)
    refresh_figures(round_)
    drop_made_in_round(round_.term_id, student_id)
    audit.record(
        by, "pair.unpaired", term_id=round_.term_id, student=student_id, volunteer=pair.volunteer_id
    )


def swap(round_: MatchRound, first: int, second: int, *, by: User, reason: str = "") -> None:
    """Exchange the volunteers of two students of the round."""
    _editable(round_)
    a, b = _pair_of_student(round_, first), _pair_of_student(round_, second)
    if a is None or b is None or first == second:
        raise ServiceError(_("Choose two different students who both have a partner."))
    if a.volunteer_id == b.volunteer_id:  # a swap would change nothing, yet count as kept work
        raise ServiceError(
            _("These two students have the same volunteer: choose a student with another one.")
        )
    if a.locked or b.locked:
        raise ServiceError(_("A locked pair cannot be swapped. Unlock it first."))
    if a.volunteer_id is None or b.volunteer_id is None:
        raise ServiceError(_("This student's volunteer has left: the pair cannot be kept."))
    people = thaw(round_.snapshot)
    new_a = _evaluate(round_, people, first, b.volunteer_id)
    new_b = _evaluate(round_, people, second, a.volunteer_id)
    _checked(new_a, reason, people.names)
    _checked(new_b, reason, people.names)
    for pair, evaluation in ((a, new_a), (b, new_b)):
        for key, value in _round_pair(evaluation, PairOrigin.SWAPPED, reason).items():
            setattr(pair, key, value)
        assert pair.student_id is not None and pair.volunteer_id is not None
        keep_made_in_round(
            round_.term_id,
            pair.student_id,
            pair.volunteer_id,
            PairOrigin.SWAPPED,
            by=by,
            reason=pair.override_reason,
        )
    refresh_figures(round_)
    audit.record(by, "pair.swapped", term_id=round_.term_id, students=[first, second])


@dataclass
class AlternativeRow:
    partner_id: int
    name: str
    score: float
    overlap_hours: float
    current_score: float | None
    displaced: list[str]
    breakdown: list[engine.Criterion]


def alternatives(
    round_: MatchRound, *, student_id: int | None = None, volunteer_id: int | None = None
) -> list[AlternativeRow]:
    """The next best feasible partners of one person, and whom each change would displace."""
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    people = thaw(round_.snapshot)
    forbids = round_forbids(round_, people)
    try:
        found = engine.alternatives(
            people.students,
            people.volunteers,
            engine.Settings.from_dict(round_.settings),
            term_start=term.starts_on,
            term_end=term.ends_on,
            student_id=engine_id(student_id) if student_id is not None else None,
            volunteer_id=engine_id(volunteer_id) if volunteer_id is not None else None,
            forbids=forbids,
            pairs=[
                (engine_id(p.student_id), engine_id(p.volunteer_id))
                for p in round_.pairs
                if p.student_id is not None and p.volunteer_id is not None  # not who left
            ],
            limit=8,
        )
    except engine.EngineError as error:
        raise ServiceError(_("This person is not part of this round.")) from error
    return [
        AlternativeRow(
            int(a.partner_id),
            people.names.get(a.partner_id, "?"),
            a.score,
            a.overlap_hours,
            a.current_score,
            [people.names.get(d, "?") for d in a.displaced],
            list(a.breakdown),
        )
        for a in found
    ]
