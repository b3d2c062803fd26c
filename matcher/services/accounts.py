"""Accounts: registration, signing in, passwords, the first coordinator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from matcher.extensions import db
from matcher.models import (
    Enrollment,
    Notification,
    Pair,
    PairStatus,
    Role,
    StudentProfile,
    Term,
    User,
    VolunteerProfile,
)
from matcher.models.user import new_session_token
from matcher.services import audit, erasure, pairs
from matcher.services.errors import ServiceError
from matcher.services.timezones import check_timezone

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()
# Verifying against this keeps a sign-in for an unknown email as slow as for a known one.
_DUMMY_HASH = _hasher.hash("not a real password")


def normalise_email(email: str) -> str:
    """The canonical form of an address, or ServiceError saying what is wrong with it."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ServiceError(
            _("This is not a valid email address: %(why)s", why=str(exc)), "email"
        ) from None
    return result.normalized.lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _("Choose a password of at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            "password",
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether the password is right; as slow for a person without one (None) as with one."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def email_taken(email: str) -> bool:
    return db.session.scalar(select(exists().where(User.email == email))) or False


def coordinator_exists() -> bool:
    query = select(exists().where(User.role == Role.COORDINATOR))
    return db.session.scalar(query) or False


def coordinator_by_email(email: str) -> User:
    """The active coordinator with this email, for a command that acts in their name."""
    user: User | None = db.session.scalar(
        select(User).where(
            func.lower(User.email) == email.strip().lower(), User.role == Role.COORDINATOR
        )
    )
    if user is None or not user.active:
        raise ServiceError(_("No active coordinator has the email %(email)s.", email=email))
    return user


def _new_user(
    *, email: str, password: str, role: Role, display_name: str, locale: str, timezone: str
) -> User:
    email = normalise_email(email)
    check_password(password)
    check_timezone(timezone)
    display_name = display_name.strip()
    if not display_name:
        raise ServiceError(_("Enter the name you want to be called."), "display_name")
    if email_taken(email):
        raise ServiceError(
            _("An account with this email already exists. Sign in instead."), "email"
        )
    return User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        locale=locale,
        timezone=timezone,
    )


def create_coordinator(
    email: str, password: str, display_name: str, *, locale: str = "en", timezone: str = "UTC"
) -> User:
    user = _new_user(
        email=email,
        password=password,
        role=Role.COORDINATOR,
        display_name=display_name,
        locale=locale,
        timezone=timezone,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(user, "coordinator.created", subject=user)
    return user


def register(
    *,
    role: Role,
    email: str,
    password: str,
    display_name: str,
    locale: str,
    timezone: str,
    term_id: int | None,
    today: dt.date,
) -> User:
    """Create a student or volunteer account enrolled in the term the form was shown for."""
    if role not in (Role.STUDENT, Role.VOLUNTEER):
        raise ServiceError(_("Choose whether you join as a student or as a volunteer."), "role")
    # The form names its term: a stale form must not land in another one.
    term = db.session.get(Term, term_id) if term_id is not None else None
    if term is None:
        raise ServiceError(_("This form is out of date. Reload the page and try again."))
    if not term.accepts_applications(today):
        raise ServiceError(
            _(
                "Applications for %(term)s are closed, so no account was created.",
                term=term.name,
            )
        )
    user = _new_user(
        email=email,
        password=password,
        role=role,
        display_name=display_name,
        locale=locale,
        timezone=timezone,
    )
    if role == Role.STUDENT:
        user.student_profile = StudentProfile()
    else:
        user.volunteer_profile = VolunteerProfile()
    user.enrollments.append(Enrollment(term=term))
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.registered", subject=user, term_id=term.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same time either way)."""
    try:
        email = normalise_email(email)
    except ServiceError:
        return None
    user: User | None = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if not password_matches(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def user_for_session(session_token: str) -> User | None:
    """The person a session cookie names (Flask-Login's user loader)."""
    user: User | None = db.session.scalar(select(User).where(User.session_token == session_token))
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not password_matches(user.password_hash, current):
        raise ServiceError(_("Your current password is not right."), "current_password")
    check_password(new)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    audit.record(user, "account.password_changed", subject=user)


def sign_out_everywhere(user: User) -> None:
    """Rotate the session token so every session and remember-me cookie stops working."""
    user.session_token = new_session_token()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def export_own_data(user: User, today: dt.date) -> dict[str, object]:
    """Everything the service keeps about a person, for them to download: their account,
    profile, applications, pairs as they see them (the partner cards), their re-match
    requests and the emails sent to them. Never what only coordinators see (the notes, the
    legal name) nor more of a partner than the partner card shows."""
    profile = user.profile
    data: dict[str, object] = {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "locale": user.locale,
        "timezone": user.timezone,
        "created_at": user.created_at,
        "applications": [
            {"term": e.term.name, "status": e.status, "continue": e.continue_partner}
            for e in user.enrollments
        ],
        "pairs": [dataclasses.asdict(card) for card in pairs.partner_cards(user, today)],
        "ended_pairs": [
            {"term": term, "started_on": pair.started_on, "ended_on": pair.ended_on}
            for pair, term in pairs.ended_pairs_of(user)
        ],
        "rematch_requests": [
            {
                "term": term,
                "reason": request.reason,
                "created_at": request.created_at,
                "resolved_at": request.resolved_at,
            }
            for request, term in pairs.requests_of(user)
        ],
        "notifications": [
            {"kind": n.kind, "created_at": n.created_at, "sent_at": n.sent_at}
            for n in db.session.scalars(
                select(Notification)
                .where(Notification.user_id == user.id)
                .order_by(Notification.created_at, Notification.id)
            )
        ],
    }
    if profile is not None:
        data["profile"] = {
            key: getattr(profile, key)
            for key in (c.key for c in profile.__table__.columns)
            if key not in _NOT_EXPORTED
        }
    return _plain(data)  # type: ignore[return-value]


# Profile columns the download leaves out: ids, and what only coordinators see.
_NOT_EXPORTED = frozenset({"id", "user_id", "legal_name", "notes"})


def _plain(value: object) -> object:
    """`value` as JSON can hold it: dates in ISO 8601, tuples as lists, enums as values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def delete_account(user: User, password: str) -> None:
    """Delete a person and everything that names or describes them (services.erasure)."""
    if not password_matches(user.password_hash, password):
        raise ServiceError(_("Your password is not right."), "password")
    if user.role == Role.COORDINATOR:
        others = select(exists().where(User.role == Role.COORDINATOR, User.id != user.id))
        if not db.session.scalar(others):
            raise ServiceError(_("You are the only coordinator: create another one first."))
    audit.record(None, "account.deleted", role=user.role)
    _end_active_pairs(user)
    erasure.forget_person(user)


def _end_active_pairs(user: User) -> None:
    """Placeholder: the `leave` branch replaces this with leaving.end_pairs_of_leaver."""
    for pair in db.session.scalars(
        select(Pair).where(
            (Pair.student_id == user.id) | (Pair.volunteer_id == user.id),
            Pair.status == PairStatus.ACTIVE,
        )
    ):
        pair.status, pair.ended_on = PairStatus.ENDED, dt.date.today()
