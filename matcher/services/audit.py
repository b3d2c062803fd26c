"""Recording who did what to whom."""

from __future__ import annotations

from typing import Any

from matcher.extensions import db
from matcher.models import AuditEvent, User


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
