"""Publishing a round: all its pairs or none, once, and one email to each paired person."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMessage
from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.exc import SQLAlchemyError

from matcher.engine import PairOrigin
from matcher.extensions import db, mail
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
from matcher.services import audit
from matcher.services.errors import ServiceError
from matcher.services.rounds import active_pairs, latest_round
from matcher.services.snapshot import engine_id, thaw


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


@dataclass(frozen=True)
class Published:
    pairs: int
    delivery: Delivery


def publish_round(round_: MatchRound, *, by: User, today: dt.date) -> Published:
    """Publish the round's pairs atomically, then tell each paired person by email.

    Safe when two coordinators publish at once: the term's published round is set with a
    conditional UPDATE, so exactly one transaction wins and the other changes nothing.
    Mail that cannot be sent is recorded and can be re-sent; it does not undo the publish.
    """
    term = db.session.get(Term, round_.term_id)
    assert term is not None
    if round_.status != RoundStatus.DRAFT:
        raise ServiceError(_("Round %(n)d is already published.", n=round_.number))
    latest = latest_round(term)
    if latest is not None and latest.id != round_.id:
        raise ServiceError(
            _(
                "Round %(n)d is not the latest round of this term (round %(latest)d is). "
                "Publish the latest round, or run a new one.",
                n=round_.number,
                latest=latest.number,
            )
        )
    if not round_.pairs:
        raise ServiceError(_("This round has no pairs to publish."))
    try:
        new_pairs = _publish(term, round_, by=by, today=today)
    except ServiceError:
        db.session.rollback()
        raise
    except SQLAlchemyError as error:
        db.session.rollback()
        raise ServiceError(
            _(
                "Publishing failed and nothing was published. Reload the page and try again. "
                "(%(why)s)",
                why=type(error).__name__,
            )
        ) from error
    people = {p.student_id for p in new_pairs} | {p.volunteer_id for p in new_pairs}
    return Published(len(new_pairs), send_partner_emails(term, people))


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
    audit.record(by, "round.published", term_id=term.id, round=round_.number,
                 pairs=len(new_pairs))  # fmt: skip
    db.session.commit()
    return new_pairs


def _rowcount(statement: Update) -> int:
    """Rows a conditional UPDATE changed: 0 means another transaction got there first."""
    result = db.session.execute(statement)
    return int(cast(CursorResult[Any], result).rowcount)


def send_partner_emails(term: Term, user_ids: set[int]) -> Delivery:
    """Send "your partner is ready" to each person once; record what failed."""
    sent = failed = 0
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    connection = mail.get_connection(fail_silently=False)
    for user in users:
        note = db.session.scalar(
            select(Notification).where(
                Notification.term_id == term.id, Notification.user_id == user.id
            )
        ) or Notification(term_id=term.id, user_id=user.id, attempts=0)
        db.session.add(note)
        note.attempts += 1
        try:
            _message(user, term, connection).send()
        except (OSError, smtplib.SMTPException) as error:
            note.last_error = f"{type(error).__name__}: {error}"[:500]
            note.sent_at = None
            failed += 1
        else:
            note.sent_at, note.last_error = utcnow(), ""
            sent += 1
        db.session.commit()
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
    return Delivery(sent, failed)


def _message(user: User, term: Term, connection: object) -> EmailMessage:
    # Only that a partner is ready and where to look: no names, no details, nothing that
    # says who the students are.
    with force_locale(user.locale):
        subject = _("Your partner for %(term)s is ready", term=term.name)
        body = render_template(
            "email/partner_ready.txt",
            user=user,
            term=term,
            link=url_for("pairs.mine", _external=True),
        )
    return EmailMessage(subject=subject, body=body, to=[user.email], connection=connection)


def unsent(term: Term) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.term_id == term.id, Notification.sent_at.is_(None))
            .order_by(Notification.id)
        )
    )


def resend_failed(term: Term, *, by: User) -> Delivery:
    people = {n.user_id for n in unsent(term)}
    if not people:
        raise ServiceError(_("Every email of this term has been sent."))
    audit.record(by, "emails.resent", term_id=term.id, people=len(people))
    return send_partner_emails(term, people)
