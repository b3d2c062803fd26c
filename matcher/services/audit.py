"""Recording who did what to whom, and reading it back for the coordinators' audit page.

The audit log only grows: a guard on every session refuses to update or delete an
`AuditEvent`, whether through the ORM or a bulk UPDATE/DELETE, except inside `purging()`,
which only the purge of a closed term uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, aliased
from sqlalchemy.sql import Select

from matcher.extensions import db
from matcher.models import AuditEvent, Term, User
from matcher.models.base import as_utc

PER_PAGE = 50
_purging: ContextVar[bool] = ContextVar("audit_purging", default=False)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event outside a purge."""


def record(
    actor: User | None,
    action: str,
    *,
    subject: User | None = None,
    term_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current unit of work (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_user_id=subject.id if subject else None,
        term_id=term_id,
        detail=detail,
    )
    db.session.add(event)
    return event


# The log only grows


@contextmanager
def purging() -> Iterator[None]:
    """Allow audit events to be deleted or stripped of an identity: for a purge, nothing else."""
    token = _purging.set(True)
    try:
        yield
    finally:
        _purging.reset(token)


@event.listens_for(Session, "before_flush")
def _refuse_changed_events(session: Session, context: UOWTransaction, instances: Any) -> None:
    if _purging.get():
        return
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly(f"audit event {obj.id} cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditLogIsAppendOnly(f"audit event {obj.id} cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if _purging.get() or not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditEvent.__tablename__:
        raise AuditLogIsAppendOnly("audit events cannot be updated or deleted")


# The audit page


@dataclass(frozen=True)
class AuditFilters:
    """What the coordinator asked for; days are whole days in `timezone`, both included."""

    action: str | None = None
    actor_id: int | None = None
    term_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    timezone: str = "UTC"


@dataclass(frozen=True)
class Person:
    """Someone named in the log: display name and short id (no name once they have left)."""

    id: int
    name: str | None


@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime  # in the reader's time zone
    action: str
    actor: Person | None
    subject: Person | None
    term: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def search(filters: AuditFilters, page: int = 1, per_page: int = PER_PAGE) -> AuditPage:
    """One page of events, newest first, that match `filters`."""
    actor, subject = aliased(User), aliased(User)
    query = _filtered(select(AuditEvent), filters)
    total = db.session.scalar(query.with_only_columns(func.count(AuditEvent.id))) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.add_columns(actor.display_name, subject.display_name, Term.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_user_id)
        .outerjoin(Term, Term.id == AuditEvent.term_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    zone = ZoneInfo(filters.timezone)
    return AuditPage(
        rows=[
            AuditRow(
                at=as_utc(event.at).astimezone(zone),
                action=event.action,
                actor=_person(event.actor_id, actor_name),
                subject=_person(event.subject_user_id, subject_name),
                term=term_name,
            )
            for event, actor_name, subject_name, term_name in rows
        ],
        total=total,
        page=page,
        pages=pages,
    )


def actions() -> list[str]:
    """Every action the log holds, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by("action")))


def actors() -> list[Person]:
    """Everyone who did something the log holds and still has an account, for the filter."""
    query = (
        select(User.id, User.display_name)
        .where(User.id.in_(select(AuditEvent.actor_id)))
        .order_by(User.display_name, User.id)
    )
    return [Person(user_id, name) for user_id, name in db.session.execute(query)]


def _filtered(query: Select[Any], filters: AuditFilters) -> Select[Any]:
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.term_id is not None:
        query = query.where(AuditEvent.term_id == filters.term_id)
    zone = ZoneInfo(filters.timezone)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= _start_of(filters.since, zone))
    if filters.until is not None:
        query = query.where(AuditEvent.at < _start_of(filters.until + dt.timedelta(days=1), zone))
    return query


def _start_of(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def _person(user_id: int | None, name: str | None) -> Person | None:
    return None if user_id is None else Person(user_id, name)
