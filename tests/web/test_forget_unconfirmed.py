"""`flask --app matcher forget-unconfirmed [--days N]`: a sign-up whose address nobody
confirmed within N days (30) is forgotten, as a deleted account is; everyone else stays."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, User
from matcher.models.base import utcnow
from tests.helpers import PASSWORD, search_every_table


def sign_up(app, term, email: str, days_ago: int) -> User:
    """A stranger signs up at /register with `email`, `days_ago` days ago, and never
    follows the emailed link."""
    form = {
        "term_id": str(term.id),
        "role": "student",
        "display_name": email.split("@")[0].title(),
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "timezone": "Asia/Seoul",
    }
    assert app.test_client().post("/register", data=form).status_code == 302
    user = db.session.scalars(select(User).where(User.email == email)).one()
    assert user.unconfirmed_sign_up
    user.created_at = utcnow() - dt.timedelta(days=days_ago)
    db.session.commit()
    return user


def forget(runner, *args: str):
    result = runner.invoke(args=["forget-unconfirmed", *args])
    db.session.rollback()
    db.session.expire_all()
    return result


def emails() -> set[str]:
    return set(db.session.scalars(select(User.email)))


def test_old_unconfirmed_sign_ups_are_forgotten_and_nobody_else(app, runner, make_term, make_user):
    term = make_term()
    sign_up(app, term, "stranger@example.org", days_ago=31)
    sign_up(app, term, "recent@example.org", days_ago=5)
    confirmed = make_user("student", term=term, email="confirmed@example.org")
    confirmed.created_at = utcnow() - dt.timedelta(days=400)
    invited = make_user("volunteer", term=term, email="invited@example.org")
    invited.password_hash, invited.email_confirmed_at = None, None  # imported, not yet invited
    invited.created_at = utcnow() - dt.timedelta(days=400)
    db.session.commit()
    before = emails()

    result = forget(runner)

    assert result.exit_code == 0, result.output
    assert "Forgot 1 sign-up(s) whose address nobody confirmed in 30 days." in result.output
    assert emails() == before - {"stranger@example.org"}
    assert not search_every_table("stranger@example.org", "Stranger").found
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account.unconfirmed_forgotten")
    ).one()
    assert event.actor_id is None and event.subject_user_id is None

    assert "Forgot 1 sign-up(s)" in forget(runner, "--days", "3").output
    assert "recent@example.org" not in emails()
    assert "Forgot 0 sign-up(s)" in forget(runner).output


def test_a_number_of_days_below_one_is_refused_and_nothing_changes(
    app, runner, make_term, make_user
):
    sign_up(app, make_term(), "stranger@example.org", days_ago=90)
    before = emails()
    result = forget(runner, "--days", "0")
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.output
    assert emails() == before
