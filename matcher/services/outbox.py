"""The outbox: every email is a `Notification` row written in the use case that causes it,
and sent later by the mail worker (`matcher.mail`, `flask send-mail`).

A use case calls `queue_email` (it flushes, never commits): the email exists exactly when
the change that causes it is committed, and a slow or dead mail server can neither fail
nor half-do that change. The worker claims due rows with a conditional UPDATE (and
``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so that two workers never send the same email;
a failed attempt is retried after a wait that doubles each time, and after the configured
number of tries the email is given up and shown to the coordinator, who can queue it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update

from matcher.extensions import db
from matcher.models import Notification, NotificationKind, Term, User
from matcher.models.base import utcnow

__all__ = ["NotificationKind", "OutboxEmail", "queue_email"]


@dataclass(frozen=True)
class OutboxEmail:
    """One claimed email, with only what rendering and sending it needs."""

    id: int
    kind: NotificationKind
    user_id: int
    address: str  # EMAIL_CHANGE goes to the new address, waiting to be confirmed
    locale: str
    attempts: int


def queue_email(user: User, kind: NotificationKind, *, term_id: int | None = None) -> Notification:
    """Queue one email of this kind to this person, sent once the use case has committed.

    For a term there is one row per person and kind: queuing it again (a new partner after
    a re-match) makes the same row wait again, with a fresh count of attempts.
    """
    note = None
    if term_id is not None:
        note = db.session.scalar(
            select(Notification).where(
                Notification.term_id == term_id,
                Notification.user_id == user.id,
                Notification.kind == kind,
            )
        )
    if note is None:
        note = Notification(term_id=term_id, user_id=user.id, kind=kind)
        db.session.add(note)
    _make_due(note)
    db.session.flush()
    return note


def queue_for_ids(
    user_ids: Collection[int], kind: NotificationKind, *, term_id: int | None = None
) -> list[int]:
    """`queue_email` for each of these people; the ids of the queued emails."""
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    return [queue_email(user, kind, term_id=term_id).id for user in users]


def _make_due(note: Notification) -> None:
    note.sent_at, note.last_error, note.attempts = None, "", 0
    note.next_attempt_at = utcnow()
    note.claimed_by = note.claimed_until = None


def _waiting(max_attempts: int) -> Any:
    return (Notification.sent_at.is_(None)) & (Notification.attempts < max_attempts)


def claim(
    worker: str, *, limit: int, lease_seconds: int, max_attempts: int, now: dt.datetime
) -> list[OutboxEmail]:
    """Reserve up to `limit` due emails for this worker (for `lease_seconds`); the edge
    commits the claim before sending. A row another worker holds is never taken."""
    free = or_(Notification.claimed_until.is_(None), Notification.claimed_until < now)
    due = _waiting(max_attempts) & (Notification.next_attempt_at <= now) & free
    candidates = list(
        db.session.scalars(
            select(Notification.id)
            .where(due)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite locks the whole file
        )
    )
    if not candidates:
        return []
    return take(worker, candidates, lease_seconds=lease_seconds, max_attempts=max_attempts, now=now)


def take(
    worker: str, ids: Collection[int], *, lease_seconds: int, max_attempts: int, now: dt.datetime
) -> list[OutboxEmail]:
    """The conditional UPDATE of a claim: only rows still due and free change hands."""
    free = or_(Notification.claimed_until.is_(None), Notification.claimed_until < now)
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), _waiting(max_attempts), free)
        .values(claimed_by=worker, claimed_until=now + dt.timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(ids), Notification.claimed_by == worker)
        .order_by(Notification.id)
    ).all()
    return [
        OutboxEmail(n.id, n.kind, user.id, _address(n.kind, user), user.locale, n.attempts)
        for n, user in rows
    ]


def _address(kind: NotificationKind, user: User) -> str:
    if kind == NotificationKind.EMAIL_CHANGE:
        return user.pending_email or ""  # none: the change was withdrawn, the send fails
    return user.email


def record_sent(email_id: int, worker: str) -> bool:
    """The email went out; False if this worker no longer held it."""
    return _record(email_id, worker, sent_at=utcnow(), last_error="")


def record_failure(
    email: OutboxEmail, worker: str, error: str, *, retry_seconds: int, now: dt.datetime
) -> bool:
    """One failed try: wait `retry_seconds`, doubled per earlier failure, before the next."""
    wait = dt.timedelta(seconds=retry_seconds * 2**email.attempts)
    return _record(
        email.id,
        worker,
        attempts=Notification.attempts + 1,
        last_error=error[:500],
        next_attempt_at=now + wait,
    )


def _record(email_id: int, worker: str, **values: Any) -> bool:
    result = db.session.execute(
        update(Notification)
        .where(Notification.id == email_id, Notification.claimed_by == worker)
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def waiting(term: Term, *, max_attempts: int) -> int:
    """How many of the term's emails wait for the worker (not given up)."""
    found = db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.term_id == term.id, _waiting(max_attempts)
        )
    )
    return int(found or 0)


def given_up(term: Term, *, max_attempts: int) -> list[Notification]:
    """The term's emails the worker gave up on, for the coordinator to queue again."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.term_id == term.id,
                Notification.sent_at.is_(None),
                Notification.attempts >= max_attempts,
            )
            .order_by(Notification.id)
        )
    )


def requeue(notes: Collection[Notification]) -> int:
    """Make these emails due again, with a fresh count of attempts."""
    for note in notes:
        _make_due(note)
    db.session.flush()
    return len(notes)
