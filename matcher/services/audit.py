"""Recording who did what to whom.

The audit log only grows: a guard on every session refuses to update or delete an
`AuditEvent`, whether through the ORM or a bulk UPDATE/DELETE, except inside `purging()`,
which only the purge of a closed term uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from matcher.extensions import db
from matcher.models import AuditEvent, User

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
