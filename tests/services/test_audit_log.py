"""The audit log only grows: no code path updates or deletes an event, except a purge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from matcher.extensions import db
from matcher.models import AuditEvent
from matcher.services import audit
from tests.helpers import ROOT


def test_an_event_cannot_be_changed_or_deleted(app, coordinator):
    event = audit.record(coordinator, "term.created")
    db.session.commit()
    event.action = "nothing.happened"
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    for statement in (
        update(AuditEvent).values(action="x"),
        delete(AuditEvent),
        update(AuditEvent.__table__).values(action="x"),
        delete(AuditEvent.__table__).where(AuditEvent.__table__.c.id == event.id),
    ):
        with pytest.raises(audit.AuditLogIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.scalar(select(AuditEvent.action)) == "term.created"


def test_only_a_purge_may_delete_events(app, coordinator):
    audit.record(coordinator, "term.created")
    db.session.commit()
    with audit.purging():
        db.session.execute(delete(AuditEvent))
        db.session.commit()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    audit.record(coordinator, "term.created")
    db.session.commit()
    with pytest.raises(audit.AuditLogIsAppendOnly):
        db.session.execute(delete(AuditEvent))  # the permission ended with the block
    db.session.rollback()


CHANGES_AUDIT = re.compile(
    r"(update|delete)\(\s*(AuditEvent|audit_event)"
    r"|(AuditEvent|audit_event)\S*\.(update|delete)\("
    r"|(UPDATE|DELETE\s+FROM)\s+\"?audit_event",
    re.I,
)


def test_no_code_updates_or_deletes_audit_events():
    sources = sorted((ROOT / "matcher").rglob("*.py"))
    assert len(sources) > 30
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sources
        for match in CHANGES_AUDIT.finditer(Path(path).read_text())
    ]
    assert found == []
    assert CHANGES_AUDIT.search("db.session.execute(delete(AuditEvent).where(x))")
    assert CHANGES_AUDIT.search('op.execute("DELETE FROM audit_event")')
