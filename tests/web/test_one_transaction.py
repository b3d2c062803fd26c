"""One use case, one transaction: a use case that fails half-way leaves nothing behind.

Each test breaks the last step of a use case (its audit record, written after
everything else) and checks, through the database, that none of its changes stayed.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Enrollment, MatchRound, RoundPair, User
from matcher.services import ServiceError, audit
from tests.helpers import run_form

SLOTS = [str(s) for s in range(38, 44)] + [str(48 + s) for s in range(38, 44)]


@pytest.fixture
def term(make_term, make_user):
    """A term with an approved student and volunteer: enough for a round to run."""
    term = make_term()
    make_user("student", term=term, status="approved")
    make_user("volunteer", term=term, status="approved")
    return term


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def audit_fails(monkeypatch):
    """Make the use case's last step fail, with a refusal or with a crash."""

    def fail_with(error: Exception) -> None:
        def record(*args, **kwargs):
            raise error

        monkeypatch.setattr(audit, "record", record)

    return fail_with


def test_a_profile_save_that_fails_half_way_writes_nothing(
    client, auth, make_term, make_user, audit_fails
):
    student = make_user("student", term=make_term(), complete=False, display_name="Before")
    auth.login(student)
    audit_fails(ServiceError("The audit log is not available."))
    form = {
        "display_name": "After",
        "english_level": "B1",
        "goals": ["conversation"],
        "format": "online",
        "contact": "KakaoTalk: after",
        "continue_partner": "y",
        "timezone": "Europe/London",
        "availability": SLOTS,
    }
    page = client.post("/profile", data=form).get_data(as_text=True)
    assert "The audit log is not available." in page
    db.session.expire_all()
    user = db.session.get(User, student.id)
    assert (user.display_name, user.timezone) == ("Before", "Asia/Seoul")
    assert user.student_profile.english_level is None
    assert user.student_profile.contact == ""
    assert db.session.scalar(select(Enrollment.continue_partner)) is False
    assert count(AuditEvent) == 0


def test_a_round_that_crashes_half_way_writes_nothing(client, auth, term, coordinator, audit_fails):
    auth.login(coordinator)
    audit_fails(RuntimeError("disk full"))
    with pytest.raises(RuntimeError, match="disk full"):
        client.post(f"/terms/{term.id}/rounds", data=run_form())
    db.session.expire_all()
    assert count(MatchRound) == 0 and count(RoundPair) == 0


def test_a_refused_round_through_the_page_writes_nothing(
    client, auth, term, coordinator, audit_fails
):
    auth.login(coordinator)
    audit_fails(ServiceError("The audit log is not available."))
    response = client.post(f"/terms/{term.id}/rounds", data=run_form())
    assert response.status_code == 302
    with client.session_transaction() as session:  # (the term page would fail to log its read)
        assert ("error", "The audit log is not available.") in session["_flashes"]
    db.session.expire_all()
    assert count(MatchRound) == 0 and count(RoundPair) == 0


def test_a_command_that_fails_half_way_writes_nothing(runner, audit_fails):
    audit_fails(ServiceError("The audit log is not available."))
    result = runner.invoke(
        args=["create-coordinator", "boss@example.org"], input="a very long password\n" * 2
    )
    assert result.exit_code == 1 and "The audit log is not available." in result.output
    db.session.expire_all()
    assert count(User) == 0
