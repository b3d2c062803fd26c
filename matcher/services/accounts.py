"""Accounts: registration, signing in, passwords, the first coordinator.

Nothing here tells a stranger whether an address has an account. Registering always
answers the same way, after the same costly work (an argon2 hash), and the email says the
rest: a link to finish signing up, or a note that an account exists. Forgetting a password
and asking again for the sign-up link answer the same way for any address. Each emailed
link is a single-use token (services/tokens.py), sent by the mail worker (matcher/mail.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import exists, func, null, select

from matcher.extensions import db
from matcher.models import (
    EmailToken,
    EndReason,
    Enrollment,
    Notification,
    NotificationKind,
    Role,
    StudentProfile,
    Term,
    TokenPurpose,
    User,
    VolunteerProfile,
)
from matcher.models.user import new_session_token
from matcher.services import audit, erasure, leaving, outbox, pairs, tokens
from matcher.services.errors import ServiceError
from matcher.services.timezones import check_timezone

MIN_PASSWORD_LENGTH = 10
# A new account whose address is not confirmed yet: NULL written explicitly (None would let
# the column's default, "confirmed now", fill it in).
NOT_CONFIRMED = null()
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
    email, display_name = _check_new_account(email, password, display_name, timezone)
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
) -> None:
    """Sign up for the term the form was shown for, without saying whether the address is known.

    A new address gets an unconfirmed account (enrolled, unusable until the emailed link
    confirms the address) and a SIGN_UP email; a known one gets nothing new but an email
    that says so (ACCOUNT_EXISTS), or the sign-up link again if that account still waits
    for it. Both paths hash the password, so that they take the same time. A refusal
    (ServiceError) only ever concerns what was typed, never the address's owner.
    """
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
    email, display_name = _check_new_account(email, password, display_name, timezone)
    password_hash = hash_password(password)  # on both paths: they must take the same time
    known = _user_by_email(email)
    if known is not None:
        outbox.queue_email(known, _kind_for_known(known))
        return
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=display_name,
        locale=locale,
        timezone=timezone,
        email_confirmed_at=NOT_CONFIRMED,
    )
    if role == Role.STUDENT:
        user.student_profile = StudentProfile()
    else:
        user.volunteer_profile = VolunteerProfile()
    user.enrollments.append(Enrollment(term=term))
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.registered", subject=user, term_id=term.id)
    outbox.queue_email(user, NotificationKind.SIGN_UP)


def _check_new_account(
    email: str, password: str, display_name: str, timezone: str
) -> tuple[str, str]:
    """What a new account's form must hold, checked before anyone is looked up."""
    email = normalise_email(email)
    check_password(password)
    check_timezone(timezone)
    display_name = display_name.strip()
    if not display_name:
        raise ServiceError(_("Enter the name you want to be called."), "display_name")
    return email, display_name


def _user_by_email(email: str) -> User | None:
    """The account with this (normalised) address, whatever its state."""
    user: User | None = db.session.scalar(select(User).where(func.lower(User.email) == email))
    return user


def _kind_for_known(user: User) -> NotificationKind:
    """What an email to an address that has an account says: the sign-up link again if
    that account still waits for it, else that the account exists (sign in, or reset)."""
    if user.unconfirmed_sign_up and user.active:
        return NotificationKind.SIGN_UP
    return NotificationKind.ACCOUNT_EXISTS


def resend_sign_up(email: str) -> None:
    """Send the link to finish signing up again; the same answer for any address."""
    user = _user_by_email(normalise_email(email))
    if user is not None:
        outbox.queue_email(user, _kind_for_known(user))


def finish_sign_up(raw_token: str, password: str, *, now: dt.datetime) -> User:
    """Confirm the address of a new account from its emailed link: the person types the
    password they chose, so that a link to an account someone else created in their name
    does not sign them into it (they reset the password instead). Raises tokens.TokenError
    for a used, expired or altered link, ServiceError for a wrong password."""
    token = tokens.check(raw_token, TokenPurpose.SIGN_UP, now=now)
    user = _token_user(token)
    if not password_matches(user.password_hash, password):
        raise ServiceError(
            _(
                "This is not the password you chose when you signed up. "
                "If you do not remember it, choose a new one with “Forgot your password?”."
            ),
            "password",
        )
    tokens.use(token, now=now)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    audit.record(user, "account.email_confirmed", subject=user)
    db.session.flush()
    return user


def check_link(raw_token: str, purpose: TokenPurpose, *, now: dt.datetime) -> User:
    """The person an emailed link is for, before using it (tokens.TokenError if it is bad)."""
    return _token_user(tokens.check(raw_token, purpose, now=now))


def _token_user(token: EmailToken) -> User:
    user = db.session.get(User, token.user_id)
    if user is None or not user.active:
        raise tokens.TokenError("unknown")
    return user


# Forgotten passwords


def request_password_reset(email: str) -> None:
    """Email a link to choose a new password to an active account; nothing for any other
    address, and the same answer either way."""
    user = _user_by_email(normalise_email(email))
    if user is not None and user.active:
        outbox.queue_email(user, NotificationKind.PASSWORD_RESET)


def reset_password(raw_token: str, new_password: str, *, now: dt.datetime) -> User:
    """Choose a new password from an emailed link: every other session is signed out, and
    the address is confirmed (the link reached it). Raises tokens.TokenError or ServiceError."""
    token = tokens.check(raw_token, TokenPurpose.PASSWORD_RESET, now=now)
    user = _token_user(token)
    check_password(new_password)
    tokens.use(token, now=now)
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    audit.record(user, "account.password_reset", subject=user)
    db.session.flush()
    return user


# Changing one's address


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Ask to move the account to a new address: it takes effect when the link emailed to
    that address is used. An address another account has gets the same answer and
    changes nothing, so that this form tells nobody who has an account."""
    if not password_matches(user.password_hash, password):
        raise ServiceError(_("Your password is not right."), "password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError(_("This is already your email address."), "email")
    if _user_by_email(new_email) is not None:
        return
    user.pending_email = new_email
    audit.record(user, "account.email_change_requested", subject=user)
    outbox.queue_email(user, NotificationKind.EMAIL_CHANGE)


def confirm_email_change(raw_token: str, *, now: dt.datetime) -> User:
    """Move the account to the address the link was sent to. Raises tokens.TokenError for a
    bad link (or one for an address the person no longer asks for), ServiceError if another
    account has taken the address meanwhile."""
    token = tokens.check(raw_token, TokenPurpose.EMAIL_CHANGE, now=now)
    user = _token_user(token)
    new_email = user.pending_email
    if new_email is None or (token.email is not None and token.email != new_email):
        raise tokens.TokenError("unknown")
    if _user_by_email(new_email) is not None:
        raise ServiceError(
            _("Another account uses this address now, so your address was not changed.")
        )
    tokens.use(token, now=now)
    user.email, user.pending_email, user.email_confirmed_at = new_email, None, now
    audit.record(user, "account.email_changed", subject=user)
    db.session.flush()
    return user


# Coordinators invite coordinators


def invite_coordinator(by: User, email: str, display_name: str, *, locale: str) -> User:
    """Create a coordinator without a password and email them a link to choose one (their
    first sign-in then sets up the second factor). Inviting again someone who has not
    accepted yet sends a fresh link."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise ServiceError(_("Enter the name the new coordinator is called by."), "display_name")
    known = _user_by_email(email)
    if known is not None:
        if known.role != Role.COORDINATOR or known.password_hash is not None:
            raise ServiceError(_("An account with this email already exists."), "email")
        invited = known
    else:
        invited = User(
            email=email,
            password_hash=None,
            role=Role.COORDINATOR,
            display_name=display_name,
            locale=locale,
            timezone=by.timezone,
            email_confirmed_at=NOT_CONFIRMED,
        )
        db.session.add(invited)
        db.session.flush()
    audit.record(by, "coordinator.invited", subject=invited)
    outbox.queue_email(invited, NotificationKind.COORDINATOR_INVITE)
    return invited


def accept_coordinator_invite(raw_token: str, password: str, *, now: dt.datetime) -> User:
    """Choose a password from an invitation's link. Raises tokens.TokenError or ServiceError."""
    token = tokens.check(raw_token, TokenPurpose.COORDINATOR_INVITE, now=now)
    user = _token_user(token)
    check_password(password)
    tokens.use(token, now=now)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    user.email_confirmed_at = user.email_confirmed_at or now
    audit.record(user, "coordinator.joined", subject=user)
    db.session.flush()
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
    if user is None or not user.active or user.email_confirmed_at is None:
        return None  # an unconfirmed address gets the same answer as a wrong password
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


# Profile columns the download leaves out: ids, and the coordinators' notes. (The legal name
# is the person's own answer: it is theirs to download, though no partner ever sees it.)
_NOT_EXPORTED = frozenset({"id", "user_id", "notes"})


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


def delete_account(user: User, password: str, *, today: dt.date) -> None:
    """Delete a person and everything about them (services.erasure); their pairs
    end (the partners are told) and stay, without them, so that the term's counts hold."""
    if not password_matches(user.password_hash, password):
        raise ServiceError(_("Your password is not right."), "password")
    if user.role == Role.COORDINATOR:
        others = select(exists().where(User.role == Role.COORDINATOR, User.id != user.id))
        if not db.session.scalar(others):
            raise ServiceError(_("You are the only coordinator: create another one first."))

    # People who leave (services.leaving): end the active pairs, tell the partners.
    leaving.end_pairs_of_leaver(user, EndReason.ACCOUNT_DELETED, by=None, today=today)

    audit.record(None, "account.deleted", role=user.role)
    erasure.forget_person(user)
