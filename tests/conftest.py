"""Fixtures for service and web tests: an app on SQLite (or TEST_DATABASE_URL), factories.

Shared helpers live in tests/helpers.py; nothing imports from this file.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from matcher import create_app
from matcher.extensions import db
from matcher.models import Enrollment, Role, StudentProfile, Term, User, VolunteerProfile
from matcher.models.base import utcnow
from matcher.services import audit, publishing, rounds, twofactor
from matcher.web.util import today
from tests.helpers import (
    LA_FOR_SEOUL_EVENINGS,
    SEOUL_EVENINGS,
    AuthActions,
    IsolatedClient,
    TestConfig,
    password_hash,
    settings,
)

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _cheap_recovery_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recovery codes hashed with argon2 at its lowest cost: ten per setup add up on a busy
    machine. A hash carries its own cost, so checking one works the same; a test that asks
    for `real_hashes` keeps the cost that production uses."""
    if "real_hashes" not in request.fixturenames:
        monkeypatch.setattr(
            twofactor, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )


@pytest.fixture
def real_hashes() -> None:
    """Recovery codes hashed as in production (see _cheap_recovery_hashes)."""


@pytest.fixture(scope="session")
def _app() -> Iterator[Flask]:
    app = create_app(TestConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app with an empty database, inside an app context."""
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        with audit.purging():  # the audit log refuses deletes outside a purge
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()
        db.session.remove()


@pytest.fixture
def sent(app: Flask) -> list[Any]:
    """The emails the locmem backend keeps (what `mail.send_due()` sent), emptied first."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_term(app: Flask) -> Callable[..., Term]:
    def make(**fields: Any) -> Term:
        today = dt.date.today()
        values: dict[str, Any] = {
            "name": f"Term {next(_counter)}",
            "starts_on": today + dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=150),
            "applications_open_on": today - dt.timedelta(days=10),
            "applications_close_on": today + dt.timedelta(days=20),
            "status": "open",
        }
        values.update(fields)
        term = Term(**values)
        db.session.add(term)
        db.session.commit()
        return term

    return make


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Build exactly the person a test needs: `make_user("student", term=t, english_level="A1")`.

    A coordinator has two-step sign-in set up (`two_factor=False` for one who has not yet),
    and `AuthActions.login` gives the code from its secret as their app would.
    """

    def make(
        role: str = "student",
        *,
        term: Term | None = None,
        status: str = "applied",
        complete: bool = True,
        email: str | None = None,
        display_name: str | None = None,
        timezone: str | None = None,
        locale: str = "en",
        two_factor: bool = True,
        **profile: Any,
    ) -> User:
        n = next(_counter)
        user = User(
            email=email or f"{role}{n}@example.org",
            password_hash=password_hash(),
            role=role,
            display_name=display_name or f"{role.title()} {n}",
            locale=locale,
            timezone=timezone or ("Asia/Seoul" if role != "volunteer" else "America/New_York"),
        )
        if role == Role.COORDINATOR and two_factor:
            user.totp_secret = pyotp.random_base32()
            user.totp_confirmed_at = utcnow()
        if role == Role.STUDENT:
            defaults: dict[str, Any] = {"english_level": "A2", "volunteer_gender": None}
            user.student_profile = StudentProfile(**_profile_values(complete, defaults, profile))
        elif role == Role.VOLUNTEER:
            defaults = {"experience": "some", "korean_level": "basic", "capacity": 1}
            user.volunteer_profile = VolunteerProfile(
                **_profile_values(complete, defaults, profile)
            )
        if term is not None:
            user.enrollments.append(Enrollment(term=term, status=status))
        db.session.add(user)
        db.session.commit()
        return user

    return make


def _profile_values(complete: bool, defaults: dict[str, Any], given: dict[str, Any]) -> dict:
    values: dict[str, Any] = {}
    if complete:
        values = {
            "goals": ["conversation"],
            "interests": ["music"],
            "format": "online",
            "contact": "KakaoTalk: someone",
            "availability": SEOUL_EVENINGS,
            **defaults,
        }
    values.update(given)
    return values


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coordinator", display_name="Coord")


@pytest.fixture
def pool(make_term, make_user, coordinator):
    """An open term with three approved students in Seoul and three approved volunteers
    (Tokyo, Los Angeles, Seoul), all able to meet on weekday evenings in Seoul."""
    term = make_term(
        name="Spring 2099", starts_on=dt.date(2099, 1, 5), ends_on=dt.date(2099, 4, 24)
    )
    students = [
        make_user(
            "student",
            term=term,
            status="approved",
            display_name=name,
            availability=SEOUL_EVENINGS,
            interests=interests,
            legal_name=legal,
        )
        for name, interests, legal in (
            ("Minji", ["music"], "Kim Minji"),
            ("Haneul", ["books"], "Lee Haneul"),
            ("Sora", ["sports"], ""),
        )
    ]
    volunteers = [
        make_user(
            "volunteer",
            term=term,
            status="approved",
            display_name=name,
            timezone=zone,
            availability=slots,
            interests=interests,
        )
        for name, zone, slots, interests in (
            ("Aiko", "Asia/Tokyo", SEOUL_EVENINGS, ["music"]),
            ("Laura", "America/Los_Angeles", LA_FOR_SEOUL_EVENINGS, ["books"]),
            ("Jisoo", "Asia/Seoul", SEOUL_EVENINGS, ["sports"]),
        )
    ]
    return term, students, volunteers


@pytest.fixture
def published(pool, coordinator):
    """The pool's term with its first round run and published."""
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    publishing.publish_round(round_, by=coordinator, today=today())
    db.session.commit()
    return term, students, volunteers
