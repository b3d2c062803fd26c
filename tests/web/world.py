"""A small seeded program for the web tests: every kind of row exists, so every id does.

Term A is published (pairs, a re-match request, sent notifications); term B is open for
applications with a draft round and a lock. Three students and three volunteers are
approved in both. `seed_world` empties the database first (restarting PostgreSQL's ids),
so seeding again gives the same ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import delete, select, text

from matcher import engine
from matcher.extensions import db
from matcher.models import Enrollment, Pair, StudentProfile, Term, User, VolunteerProfile
from matcher.models.base import utcnow
from matcher.services import accounts, adjust, audit, pairs, publishing, rounds
from matcher.web.access import SECOND_FACTOR_KEY
from matcher.web.util import READ_PREFIX

ROLES = ("anonymous", "student", "volunteer", "coordinator")
PASSWORD = "correct horse battery"
# Mon-Wed 19:00-22:00 (slots of half an hour from Monday 00:00)
EVENINGS = "".join("1" if 38 <= slot % 48 < 44 and slot < 144 else "0" for slot in range(336))
# Argon2 at its real cost takes most of a second a guess; these tests guess thousands of times.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@contextmanager
def cheap_passwords() -> Iterator[None]:
    """Hash and verify passwords cheaply while the fuzzer runs (the checks stay the same)."""
    saved = accounts._hasher, accounts._DUMMY_HASH
    accounts._hasher, accounts._DUMMY_HASH = CHEAP_HASHER, CHEAP_HASHER.hash("not a password")
    try:
        yield
    finally:
        accounts._hasher, accounts._DUMMY_HASH = saved


@dataclass
class World:
    """The seeded rows' ids and the email addresses that sign in."""

    users: dict[str, list[int]]
    terms: list[int]
    ids: list[int]
    emails: list[str]


def clear_database() -> None:
    """Empty every table; on PostgreSQL restart the ids too, so a new seed has the same ids."""
    db.session.rollback()
    with audit.purging():  # the audit log refuses deletes outside a purge
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
            if db.engine.dialect.name == "postgresql" and "id" in table.c:
                restart = "SELECT setval(pg_get_serial_sequence(:table, 'id'), 1, false)"
                quoted = db.engine.dialect.identifier_preparer.quote(table.name)
                db.session.execute(text(restart), {"table": quoted})
        db.session.commit()


def _person(role: str, n: int, terms: list[Term]) -> User:
    user = User(
        email=f"{role}{n}@example.org",
        password_hash=CHEAP_HASHER.hash(PASSWORD),
        role=role,
        display_name=f"{role.title()} {n}",
        timezone="Asia/Seoul",
    )
    answers = {
        "goals": ["conversation"],
        "interests": ["music"],
        "format": "online",
        "contact": "KakaoTalk: someone",
        "availability": EVENINGS,
    }
    if role == "student":
        user.student_profile = StudentProfile(english_level="A2", **answers)
    elif role == "volunteer":
        user.volunteer_profile = VolunteerProfile(
            experience="some", korean_level="basic", capacity=1, **answers
        )
    for term in terms:
        user.enrollments.append(Enrollment(term=term, status="approved"))
    db.session.add(user)
    return user


def _term(name: str, today: dt.date, offset: int) -> Term:
    term = Term(
        name=name,
        starts_on=today + dt.timedelta(days=30 + offset),
        ends_on=today + dt.timedelta(days=150 + offset),
        applications_open_on=today - dt.timedelta(days=10),
        applications_close_on=today + dt.timedelta(days=20 + offset),
        status="open",
    )
    db.session.add(term)
    return term


def seed_world() -> World:
    clear_database()
    today = dt.date.today()
    published_term, open_term = _term("Term A", today, 0), _term("Term B", today, 1)
    coordinator = _person("coordinator", 0, [])
    coordinator.totp_secret = pyotp.random_base32()  # two-step sign-in set up
    coordinator.totp_confirmed_at = utcnow()
    people = [
        _person(role, n, [published_term, open_term])
        for role in ("student", "volunteer")
        for n in (1, 2, 3)
    ]
    db.session.commit()
    first = rounds.run_round(published_term, engine.Settings(), by=coordinator)
    publishing.publish_round(first, by=coordinator, today=today)
    pair = db.session.scalars(select(Pair).order_by(Pair.id)).first()
    assert pair is not None
    pairs.request_rematch(db.session.get(User, pair.student_id), pair, "Another time, please")
    draft = rounds.run_round(open_term, engine.Settings(), by=coordinator)
    adjust.lock_pair(draft, draft.pairs[0].student_id, by=coordinator)
    db.session.commit()
    everyone = [coordinator, *people]
    return World(
        users={role: [u.id for u in everyone if u.role == role] for role in ROLES},
        terms=[published_term.id, open_term.id],
        ids=_all_ids(),
        emails=[u.email for u in everyone],
    )


def _all_ids() -> list[int]:
    """Every id and round number a form or URL could name (not the log's or the outbox's)."""
    found: set[int] = set()
    for table in db.metadata.sorted_tables:
        if table.name in ("audit_event", "notification"):
            continue
        for column in ("id", "number"):
            if column in table.c:
                found.update(db.session.scalars(select(table.c[column])))
    return sorted(found)


def database_content() -> dict[str, list[str]]:
    """Every row of every table, as sortable text: what a refused request must not change.

    Leaves out the audit log's coordinator reads ("read.*"): the page a refused form
    redirects to records that it was read, which is that page's doing, not the form's."""
    db.session.rollback()
    return {
        table.name: sorted(
            repr(tuple(row))
            for row in db.session.execute(select(table))
            if table.name != "audit_event" or not row.action.startswith(READ_PREFIX)
        )
        for table in db.metadata.sorted_tables
    }


def sign_in_as(client: FlaskClient, world: World, role: str) -> None:
    """Put `role`'s first person in the client's session (anonymous: an empty session).

    Cheaper than posting to /login, and still what Flask-Login reads on every request.
    """
    db.session.rollback()
    token = None
    if role != "anonymous" and world.users[role]:
        token = db.session.scalar(select(User.session_token).where(User.id == world.users[role][0]))
    with client.session_transaction() as session:
        session.clear()
        if token is not None:
            session["_user_id"] = token
            session["_fresh"] = True
            session[SECOND_FACTOR_KEY] = token  # a coordinator has given the second factor
