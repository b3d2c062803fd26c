"""Emailed single-use links: only a hash is stored, each works once, until it expires, and a
new one retires the old; a person without a password cannot sign in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import EmailToken, TokenPurpose
from matcher.services import accounts, tokens
from matcher.services.tokens import TokenError
from tests.helpers import PASSWORD

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _issue(user, purpose=TokenPurpose.PASSWORD_RESET, *, now=NOW, lifetime=HOUR, **kwargs):
    raw = tokens.issue(user, purpose, now=now, lifetime=lifetime, **kwargs)
    db.session.commit()
    return raw


def _problem(raw, purpose=TokenPurpose.PASSWORD_RESET, *, now=NOW):
    with pytest.raises(TokenError) as caught:
        tokens.check(raw, purpose, now=now)
    return caught.value.problem


def test_a_link_works_once(make_user):
    user = make_user("volunteer")
    raw = _issue(user)
    token = tokens.check(raw, TokenPurpose.PASSWORD_RESET, now=NOW)
    assert token.user_id == user.id
    tokens.use(token, now=NOW)
    db.session.commit()
    assert _problem(raw) == "used"


def test_the_database_holds_no_working_link(make_user):
    raw = _issue(make_user("student"))
    stored = db.session.scalars(select(EmailToken)).one()
    assert raw not in {stored.token_hash, stored.email}
    assert len(stored.token_hash) == 64
    assert _problem(stored.token_hash) == "unknown"  # the stored value opens nothing


def test_an_altered_or_other_purpose_link_is_unknown(make_user):
    raw = _issue(make_user("student"))
    altered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert _problem(altered) == "unknown"
    assert _problem("") == "unknown"
    assert _problem(raw, TokenPurpose.INVITATION) == "unknown"


def test_a_link_expires(make_user):
    raw = _issue(make_user("student"))
    assert tokens.check(raw, TokenPurpose.PASSWORD_RESET, now=NOW + HOUR - dt.timedelta(seconds=1))
    assert _problem(raw, now=NOW + HOUR) == "expired"


def test_a_new_link_retires_the_unused_ones_of_that_purpose_only(make_user):
    user, other = make_user("student"), make_user("student")
    first = _issue(user)
    invitation = _issue(user, TokenPurpose.INVITATION, lifetime=dt.timedelta(days=7))
    someone_elses = _issue(other)
    second = _issue(user, now=NOW + dt.timedelta(minutes=5))
    later = NOW + dt.timedelta(minutes=6)
    assert _problem(first, now=later) == "expired"
    assert tokens.check(second, TokenPurpose.PASSWORD_RESET, now=later).user_id == user.id
    assert tokens.check(invitation, TokenPurpose.INVITATION, now=later).user_id == user.id
    assert tokens.check(someone_elses, TokenPurpose.PASSWORD_RESET, now=later).user_id == other.id
    latest = tokens.latest(user.id, TokenPurpose.PASSWORD_RESET)
    assert latest is not None and latest.created_at.replace(tzinfo=dt.UTC) == NOW + dt.timedelta(
        minutes=5
    )


def test_two_requests_cannot_both_use_a_link(make_user):
    """The second use finds the row already spent, though its own copy still looks unused."""
    raw = _issue(make_user("volunteer"))
    token = tokens.check(raw, TokenPurpose.PASSWORD_RESET, now=NOW)
    token_id = token.id
    tokens.use(token, now=NOW)
    db.session.commit()
    db.session.expunge_all()
    stale = EmailToken(id=token_id)  # what a second request read before the first used it
    with pytest.raises(TokenError) as caught:
        tokens.use(stale, now=NOW)
    assert caught.value.problem == "used"


def test_a_person_without_a_password_cannot_sign_in(make_user):
    user = make_user("student")
    assert accounts.authenticate(user.email, PASSWORD) is not None
    user.password_hash = None
    db.session.commit()
    assert accounts.authenticate(user.email, PASSWORD) is None
    assert accounts.authenticate(user.email, "") is None
    assert not accounts.password_matches(None, PASSWORD)
