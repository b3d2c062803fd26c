"""Publishing a round: all its pairs or none, once, and a "your partner is ready" email to
each newly paired person, queued in the same transaction.

The emails are only queued here, in the outbox (`matcher.services.outbox`), in the same
transaction: the mail worker sends them once it is committed, so that nothing is sent for
a publish that was rolled back, and a slow or dead mail server cannot fail a publish.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, Update, update
from sqlalchemy.exc import SQLAlchemyError

from matcher.engine import PairOrigin
from matcher.extensions import db
from matcher.models import (
    MatchRound,
    NotificationKind,
    Pair,
    RoundKind,
    RoundStatus,
    Term,
    TermStatus,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit, outbox, terms
from matcher.services.errors import ServiceError
from matcher.services.rounds import active_pairs, is_publishable
from matcher.services.snapshot import engine_id, thaw


@dataclass(frozen=True)
class Published:
    pairs: int
    notifications: list[int]  # ids of the queued emails, to send once committed


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
        people = {i for p in new_pairs for i in (p.student_id, p.volunteer_id) if i is not None}
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
        if rp.student_id is None or rp.volunteer_id is None:  # with a person who left
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
    """Queue one "your partner is ready" email per person in the outbox (again for someone
    who had one this term and now has a new partner); the ids of the queued emails."""
    return outbox.queue_for_ids(user_ids, NotificationKind.PARTNER_READY, term_id=term.id)


def resend_failed(term: Term, *, by: User, max_attempts: int) -> int:
    """Queue again every email of the term the mail worker gave up on; how many."""
    notes = outbox.given_up(term, max_attempts=max_attempts)
    if not notes:
        raise ServiceError(_("No email of this term is waiting to be re-sent."))
    audit.record(by, "emails.resent", term_id=term.id, people=len(notes))
    return outbox.requeue(notes)
