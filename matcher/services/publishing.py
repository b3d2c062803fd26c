"""Publishing a round: all its pairs or none, once, and a "your partner is ready" email to
each newly paired person, queued in the same transaction.

The emails are only recorded here (a `Notification` row each, unsent): the edge that ran
the use case sends them once it has committed (see `matcher.mail`), so that nothing is
sent for a publish that was rolled back, and nothing is lost when the mail server is down.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import (
    MatchRound,
    Notification,
    Pair,
    RoundKind,
    RoundStatus,
    Term,
    TermStatus,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit, terms
from matcher.services.errors import ServiceError
from matcher.services.rounds import active_pairs, is_publishable
from matcher.services.snapshot import engine_id, thaw


@dataclass(frozen=True)
class Published:
    pairs: int
    notifications: list[int]  # ids of the queued emails, to send once committed


@dataclass(frozen=True)
class PartnerEmail:
    """One queued "your partner is ready" email: to whom, for which term."""

    notification_id: int
    user: User
    term: Term


def publish_round(round_: MatchRound, *, by: User, today: dt.date) -> Published:
    """Publish the round's pairs atomically and queue an email to each newly paired person.

    Any draft can be published (the one the coordinator chose, not only the latest); a
    full round starts the term running, from open or matching. Safe when two coordinators
    publish at once: the term's published round is set with a conditional UPDATE, so
    exactly one transaction wins and the other changes nothing.
    """
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    if round_.status != RoundStatus.DRAFT:
        raise ServiceError(_("Round %(n)d is already published.", n=round_.number))
    starts_term = round_.kind == RoundKind.FULL and term.published_round_id is None
    if starts_term and not terms.can_publish(term):
        terms.refuse_move(term, TermStatus.PUBLISHED)
    if not is_publishable(round_):
        raise ServiceError(
            _(
                "Round %(n)d can no longer be published: the pairs of %(term)s are published "
                "or the term is closed.",
                n=round_.number,
                term=term.name,
            )
        )
    if not round_.pairs:
        raise ServiceError(_("This round has no pairs to publish."))
    try:
        new_pairs = _publish(term, round_, by=by, today=today)
        people = {p.student_id for p in new_pairs} | {p.volunteer_id for p in new_pairs}
        queued = queue_partner_emails(term, people)
    except SQLAlchemyError as error:
        raise ServiceError(
            _(
                "Publishing failed and nothing was published. Reload the page and try again. "
                "(%(why)s)",
                why=type(error).__name__,
            )
        ) from error
    return Published(len(new_pairs), queued)


def _publish(term: Term, round_: MatchRound, *, by: User, today: dt.date) -> list[Pair]:
    won = _rowcount(
        update(MatchRound)
        .where(MatchRound.id == round_.id, MatchRound.status == RoundStatus.DRAFT)
        .values(status=RoundStatus.PUBLISHED, published_at=utcnow(), published_by_id=by.id)
    )
    if won and round_.kind == RoundKind.FULL:
        won = _rowcount(
            update(Term)
            .where(Term.id == term.id, Term.published_round_id.is_(None))
            .values(published_round_id=round_.id, status=TermStatus.PUBLISHED)
        )
    if not won:
        raise ServiceError(
            _(
                "The pairs of %(term)s were already published, perhaps by another coordinator "
                "a moment ago. Nothing was changed.",
                term=term.name,
            )
        )
    capacity = {int(v.id): v.capacity for v in thaw(round_.snapshot).volunteers}
    load = Counter(p.volunteer_id for p in active_pairs(term))
    new_pairs = []
    for rp in round_.pairs:
        if rp.origin == PairOrigin.KEPT:  # a re-match keeps the active pairs as they are
            continue
        load[rp.volunteer_id] += 1
        if load[rp.volunteer_id] > capacity.get(rp.volunteer_id, 1):
            names = thaw(round_.snapshot).names
            raise ServiceError(
                _(
                    "%(name)s would have more students than they can take. Run a new round.",
                    name=names.get(engine_id(rp.volunteer_id), "?"),
                )
            )
        pair = Pair(
            term_id=term.id,
            round_id=round_.id,
            student_id=rp.student_id,
            volunteer_id=rp.volunteer_id,
            score=rp.score,
            overlap_hours=rp.overlap_hours,
            breakdown=rp.breakdown,
            override_reason=rp.override_reason,
            started_on=max(today, term.starts_on),
        )
        db.session.add(pair)
        new_pairs.append(pair)
    db.session.flush()  # a student with an active pair already fails here, before commit
    if round_.kind == RoundKind.FULL:
        audit.record(by, "term.status_changed", term_id=term.id, new=TermStatus.PUBLISHED)
    audit.record(by, "round.published", term_id=term.id, round=round_.number, pairs=len(new_pairs))
    return new_pairs


def _rowcount(statement: Update) -> int:
    """Rows a conditional UPDATE changed: 0 means another transaction got there first."""
    result = db.session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount)


def queue_partner_emails(term: Term, user_ids: Collection[int]) -> list[int]:
    """Record one unsent "your partner is ready" email per person (again for someone who
    had one this term and now has a new partner); the ids of the queued emails."""
    found = {
        n.user_id: n
        for n in db.session.scalars(
            select(Notification).where(
                Notification.term_id == term.id, Notification.user_id.in_(user_ids)
            )
        )
    }
    queued = []
    for user_id in sorted(user_ids):
        note = found.get(user_id) or Notification(term_id=term.id, user_id=user_id, attempts=0)
        note.sent_at, note.last_error = None, ""
        db.session.add(note)
        queued.append(note)
    db.session.flush()
    return [n.id for n in queued]


def queued_emails(notification_ids: Collection[int]) -> list[PartnerEmail]:
    """The emails among these that still wait to be sent, with whom and which term."""
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.id.in_(notification_ids), Notification.sent_at.is_(None))
        .options(selectinload(Notification.user))
        .order_by(Notification.user_id)
    ).all()
    terms = {
        t.id: t
        for t in db.session.scalars(select(Term).where(Term.id.in_({n.term_id for n in notes})))
    }
    return [PartnerEmail(n.id, n.user, terms[n.term_id]) for n in notes]


def record_attempt(notification_id: int, error: str = "") -> None:
    """One try at sending the email: sent when `error` is empty, else why not."""
    note = db.session.get(Notification, notification_id)
    if note is None:  # the person deleted their account in the meantime
        return
    note.attempts += 1
    note.sent_at = None if error else utcnow()
    note.last_error = error[:500]


def unsent(term: Term) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.term_id == term.id, Notification.sent_at.is_(None))
            .order_by(Notification.id)
        )
    )


def resend_failed(term: Term, *, by: User) -> list[int]:
    """Queue again every email of the term that has not gone out; the ids to send."""
    notes = unsent(term)
    if not notes:
        raise ServiceError(_("Every email of this term has been sent."))
    audit.record(by, "emails.resent", term_id=term.id, people=len(notes))
    return [n.id for n in notes]
