"""A term's constraints: the coordinator's locks (as locked, or made by a swap or by hand)
and forbids, which every later run of the term keeps until the coordinator starts fresh."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import ConstraintKind, PairConstraint, Term, User
from matcher.services import audit

# The locks a coordinator makes by changing a round's pairs (not by locking a proposed pair).
MADE_IN_ROUND = (PairOrigin.SWAPPED, PairOrigin.MANUAL)


def constraints_of(term_id: int) -> list[PairConstraint]:
    return list(
        db.session.scalars(
            select(PairConstraint)
            .where(PairConstraint.term_id == term_id)
            .order_by(PairConstraint.id)
        )
    )


def find_constraint(term_id: int, student_id: int, volunteer_id: int) -> PairConstraint | None:
    return db.session.scalar(
        select(PairConstraint).where(
            PairConstraint.term_id == term_id,
            PairConstraint.student_id == student_id,
            PairConstraint.volunteer_id == volunteer_id,
        )
    )


def set_constraint(
    term_id: int,
    student_id: int,
    volunteer_id: int,
    kind: str,
    *,
    by: User,
    reason: str = "",
    origin: PairOrigin = PairOrigin.LOCKED,
) -> PairConstraint:
    """Make the pair locked or forbidden for the term (one constraint per pair)."""
    constraint = find_constraint(term_id, student_id, volunteer_id)
    if constraint is None:
        constraint = PairConstraint(
            term_id=term_id, student_id=student_id, volunteer_id=volunteer_id
        )
        db.session.add(constraint)
    constraint.kind = ConstraintKind(kind)
    constraint.override_reason = reason
    constraint.origin = origin
    constraint.created_by_id = by.id
    return constraint


def drop_made_in_round(term_id: int, student_id: int) -> None:
    """Forget the student's swapped or hand-made pair (it was changed again, or unpaired)."""
    db.session.execute(
        delete(PairConstraint).where(
            PairConstraint.term_id == term_id,
            PairConstraint.student_id == student_id,
            PairConstraint.kind == ConstraintKind.LOCK,
            PairConstraint.origin.in_(MADE_IN_ROUND),
        )
    )


def keep_made_in_round(
    term_id: int, student_id: int, volunteer_id: int, origin: PairOrigin, *, by: User, reason: str
) -> None:
    """A swapped or hand-made pair becomes a term lock (with its reason), so re-runs keep it."""
    drop_made_in_round(term_id, student_id)
    set_constraint(
        term_id, student_id, volunteer_id, ConstraintKind.LOCK, by=by, reason=reason, origin=origin
    )


@dataclass(frozen=True)
class Adjustments:
    """How many of the coordinator's adjustments the next run of a term keeps."""

    locks: int
    forbids: int
    swaps: int
    by_hand: int

    @property
    def total(self) -> int:
        return self.locks + self.forbids + self.swaps + self.by_hand


def adjustments(term: Term) -> Adjustments:
    found = constraints_of(term.id)
    locks = [c for c in found if c.kind == ConstraintKind.LOCK]
    return Adjustments(
        locks=sum(1 for c in locks if c.origin not in MADE_IN_ROUND),
        forbids=len(found) - len(locks),
        swaps=sum(1 for c in locks if c.origin == PairOrigin.SWAPPED),
        by_hand=sum(1 for c in locks if c.origin == PairOrigin.MANUAL),
    )


def start_fresh(term: Term, *, by: User | None) -> int:
    """Drop every lock, forbid, swap and hand-made pair of the term; how many were dropped."""
    count = adjustments(term).total
    db.session.execute(delete(PairConstraint).where(PairConstraint.term_id == term.id))
    audit.record(by, "round.started_fresh", term_id=term.id, dropped=count)
    return count
