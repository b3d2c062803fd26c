"""People who leave: their pairs end with the reason, each partner is told and waits for a
new one; the partner's page and the coordinator's term page say so.

Whoever ends a pair (a person deleting the account or withdrawing, a coordinator
withdrawing a person or ending a pair), the pair row stays, ended with its reason, so that
every count of the term still adds up. The partner becomes free: approved with no active
pair, which is who a re-match round (services.rounds, REMATCH) pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased, selectinload

from matcher.extensions import db
from matcher.models import (
    LEAVER_REASONS,
    ConstraintKind,
    EndReason,
    Enrollment,
    EnrollmentStatus,
    NotificationKind,
    Pair,
    PairConstraint,
    PairStatus,
    RematchRequest,
    Role,
    Term,
    TermStatus,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit, outbox
from matcher.services.errors import ServiceError


def end(pair: Pair, reason: EndReason, *, by: User | None, today: dt.date, note: str = "") -> None:
    """End one active pair with its reason (and the coordinator's words, if any); the
    open re-match requests about it are settled. The pair row stays."""
    if pair.status != PairStatus.ACTIVE:
        raise ServiceError(_("This pair has ended already."))
    pair.status = PairStatus.ENDED
    pair.ended_on = today
    pair.end_reason = reason
    pair.end_note = note.strip()
    pair.ended_by_id = by.id if by is not None else None
    for request in db.session.scalars(
        select(RematchRequest).where(
            RematchRequest.pair_id == pair.id, RematchRequest.resolved_at.is_(None)
        )
    ):
        request.resolved_at = utcnow()
        request.resolved_by_id = by.id if by is not None else None
    db.session.flush()
    audit.record(by, "pair.ended", term_id=pair.term_id, pair=pair.id, reason=reason.value)


def _active_pairs_of(user: User, term: Term | None) -> list[Pair]:
    query = (
        select(Pair)
        .where(
            (Pair.student_id == user.id) | (Pair.volunteer_id == user.id),
            Pair.status == PairStatus.ACTIVE,
        )
        .options(selectinload(Pair.student), selectinload(Pair.volunteer))
        .order_by(Pair.id)
    )
    if term is not None:
        query = query.where(Pair.term_id == term.id)
    return list(db.session.scalars(query))


def _drop_locks_of(user: User, term_ids: Iterable[int]) -> None:
    """The leaver's locks in these terms: a re-run must not wait for them to come back."""
    column = PairConstraint.student_id if user.role == Role.STUDENT else PairConstraint.volunteer_id
    db.session.execute(
        delete(PairConstraint).where(
            PairConstraint.term_id.in_(list(term_ids)),
            column == user.id,
            PairConstraint.kind == ConstraintKind.LOCK,
        )
    )


def end_pairs_of_leaver(
    user: User, reason: EndReason, *, by: User | None, today: dt.date, term: Term | None = None
) -> list[User]:
    """End the person's active pairs (in `term`, or in every term) because they leave.

    Each partner gets a PARTNER_LEFT email (no word of why) and is free again, waiting
    for the term's next re-match round; the leaver's locks in those terms are dropped.
    Returns the partners.
    """
    if reason not in LEAVER_REASONS:
        raise ValueError(f"{reason} is not a reason for leaving")
    partners: list[User] = []
    term_ids = {term.id} if term is not None else set()
    for pair in _active_pairs_of(user, term):
        partner = pair.volunteer if pair.student_id == user.id else pair.student
        end(pair, reason, by=by, today=today)
        term_ids.add(pair.term_id)
        if partner is not None:
            outbox.queue_email(partner, NotificationKind.PARTNER_LEFT, term_id=pair.term_id)
            partners.append(partner)
    if term_ids:
        _drop_locks_of(user, term_ids)
    db.session.flush()
    return partners


def withdraw_self(user: User, term: Term, *, today: dt.date) -> list[User]:
    """A student or volunteer withdraws from a term they applied to: their pair in the
    term ends; the partners are returned (each is told by email). A coordinator withdraws
    people through services.terms.set_enrollment_status, which ends pairs the same way."""
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.term_id == term.id)
    )
    if enrollment is None:
        raise ServiceError(_("You have not applied to this term."))
    if term.status == TermStatus.CLOSED:
        raise ServiceError(_("This term is closed; a closed term does not change any more."))
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        raise ServiceError(_("You have withdrawn from this term already."))
    enrollment.status = EnrollmentStatus.WITHDRAWN
    audit.record(user, "enrollment.withdrew", subject=user, term_id=term.id)
    return end_pairs_of_leaver(user, EndReason.WITHDREW, by=user, today=today, term=term)


def can_withdraw(enrollment: Enrollment | None) -> bool:
    """Whether the person may withdraw from the term of this enrollment (page buttons)."""
    return (
        enrollment is not None
        and enrollment.status != EnrollmentStatus.WITHDRAWN
        and enrollment.term.status != TermStatus.CLOSED
    )


@dataclass(frozen=True)
class EndedNotice:
    """What a person whose pair ended sees while they wait: never who, never why."""

    term_name: str
    ended_on: dt.date
    partner_left: bool  # the partner left (else a coordinator ended the pair)


def ended_notices(user: User) -> list[EndedNotice]:
    """The person's running terms where their pair ended and they wait for a new partner."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        return []
    waiting = {row.user_id: row for row in _waiting_rows(user_id=user.id)}
    row = waiting.get(user.id)
    return [] if row is None else [EndedNotice(row.term_name, row.ended_on, row.partner_left)]


@dataclass(frozen=True)
class WaitingRow:
    """A person of a running term whose pair ended, approved, with no active pair now."""

    user_id: int
    display_name: str
    role: str
    enrollment_id: int
    term_name: str
    ended_on: dt.date
    partner_left: bool


def _waiting_rows(*, term: Term | None = None, user_id: int | None = None) -> list[WaitingRow]:
    now = aliased(Pair)  # the person's active pair, if they have one again
    side_of = {
        Role.STUDENT: (Pair.student_id, now.student_id),
        Role.VOLUNTEER: (Pair.volunteer_id, now.volunteer_id),
    }
    rows: dict[tuple[int, int], WaitingRow] = {}
    for role, (column, column_now) in side_of.items():
        active = (
            select(now.id)
            .where(
                now.term_id == Enrollment.term_id,
                column_now == Enrollment.user_id,
                now.status == PairStatus.ACTIVE,
            )
            .exists()
        )
        query = (
            select(Pair, Enrollment, User, Term.name)
            .join(Term, Term.id == Pair.term_id)
            .join(
                Enrollment,
                (Enrollment.term_id == Pair.term_id) & (Enrollment.user_id == column),
            )
            .join(User, User.id == Enrollment.user_id)
            .where(
                Pair.status == PairStatus.ENDED,
                Term.status == TermStatus.PUBLISHED,
                Enrollment.status == EnrollmentStatus.APPROVED,
                User.role == role,
                ~active,
            )
            .order_by(Pair.ended_on, Pair.id)
        )
        if term is not None:
            query = query.where(Pair.term_id == term.id)
        if user_id is not None:
            query = query.where(Enrollment.user_id == user_id)
        for pair, enrollment, person, term_name in db.session.execute(query):
            assert pair.ended_on is not None
            rows[(enrollment.term_id, person.id)] = WaitingRow(  # the latest ending counts
                user_id=person.id,
                display_name=person.display_name,
                role=person.role,
                enrollment_id=enrollment.id,
                term_name=term_name,
                ended_on=pair.ended_on,
                partner_left=pair.end_reason in LEAVER_REASONS,
            )
    return sorted(rows.values(), key=lambda r: (r.ended_on, r.role, r.display_name.lower()))


def waiting_for_partner(term: Term) -> list[WaitingRow]:
    """Who in the term waits for a new partner, since their pair ended (the term page)."""
    return _waiting_rows(term=term)


@dataclass(frozen=True)
class PairCounts:
    active: int
    ended: int

    @property
    def total(self) -> int:
        return self.active + self.ended


def pair_counts(term: Term) -> PairCounts:
    """The term's published pairs: active and ended (an ended pair still counts)."""
    found = dict(
        db.session.execute(
            select(Pair.status, func.count()).where(Pair.term_id == term.id).group_by(Pair.status)
        ).all()
    )
    return PairCounts(found.get(PairStatus.ACTIVE, 0), found.get(PairStatus.ENDED, 0))


@dataclass(frozen=True)
class HistoryRow:
    """One of a person's published pairs, for the coordinator's person page."""

    pair: Pair
    term_name: str
    partner_name: str | None  # None: the partner deleted their account


def pair_history(user: User) -> list[HistoryRow]:
    """Every published pair of the person, active and ended, newest term first."""
    rows = db.session.execute(
        select(Pair, Term.name)
        .join(Term, Term.id == Pair.term_id)
        .where((Pair.student_id == user.id) | (Pair.volunteer_id == user.id))
        .options(selectinload(Pair.student), selectinload(Pair.volunteer))
        .order_by(Term.starts_on.desc(), Pair.started_on.desc(), Pair.id.desc())
    )
    history = []
    for pair, term_name in rows:
        partner = pair.volunteer if pair.student_id == user.id else pair.student
        history.append(HistoryRow(pair, term_name, partner.display_name if partner else None))
    return history
