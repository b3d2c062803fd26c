"""Two-factor sign-in for coordinators: TOTP codes from an app, single-use recovery codes.

A code is accepted from the previous, the current or the next 30-second window, and never
twice: the last accepted time step is stored and moved forward by a conditional UPDATE, so
two requests racing with one code cannot both pass. Recovery codes are hashed with argon2,
as passwords are, and used up by a conditional UPDATE too. These functions flush; the
caller commits.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, func, or_, select, update

from matcher.extensions import db
from matcher.models import RecoveryCode, Role, User
from matcher.services import audit
from matcher.services.errors import ServiceError

DRIFT_STEPS = 1  # windows accepted on either side of the current one (a phone's clock drifts)
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read from paper
RECOVERY_LENGTH = 10  # about 50 bits each
_TOTP_CODE = re.compile(r"[0-9]{6}")
_RECOVERY_CODE = re.compile(f"[{RECOVERY_ALPHABET}]{{{RECOVERY_LENGTH}}}")
_hasher = PasswordHasher()


class SecondFactor(enum.StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class Verified:
    """How a coordinator gave the second factor, and how many recovery codes they have left."""

    method: SecondFactor
    recovery_codes_left: int


def start_setup(user: User) -> str:
    """The secret the coordinator is setting up; the same one on every reload until confirmed."""
    _check_coordinator(user)
    if user.two_factor_enabled:
        raise ServiceError(_("Two-step sign-in is already set up for your account."))
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    if user.totp_secret is None:
        raise ServiceError(_("Two-step sign-in is not set up yet."))
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def confirm_setup(user: User, code: str, now: dt.datetime) -> list[str]:
    """Turn the second factor on with a first code from the app; the ten recovery codes, once."""
    _check_coordinator(user)
    if user.two_factor_enabled or user.totp_secret is None:
        raise ServiceError(_("Two-step sign-in is already set up for your account."))
    cleaned = _clean(code)
    if not _TOTP_CODE.fullmatch(cleaned):
        raise ServiceError(_("Enter the 6-digit code that your app shows."), "code")
    _accept_totp(user, cleaned, now)
    user.totp_confirmed_at = now
    codes = _new_recovery_codes(user)
    audit.record(user, "two_factor.enabled", subject=user)
    db.session.flush()
    return codes


def verify(user: User, code: str, now: dt.datetime) -> Verified:
    """Check a code from the app or a recovery code; a recovery code is used up."""
    _check_coordinator(user)
    if not user.two_factor_enabled:
        raise ServiceError(_("Two-step sign-in is not set up yet."))
    cleaned = _clean(code)
    if _TOTP_CODE.fullmatch(cleaned):
        _accept_totp(user, cleaned, now)
        return Verified(SecondFactor.TOTP, recovery_codes_left(user))
    if _RECOVERY_CODE.fullmatch(cleaned):
        _use_recovery_code(user, cleaned, now)
        audit.record(user, "two_factor.recovery_code_used", subject=user)
        db.session.flush()
        return Verified(SecondFactor.RECOVERY_CODE, recovery_codes_left(user))
    raise ServiceError(
        _("Enter the 6-digit code from your app, or one of your recovery codes."), "code"
    )


def renew_recovery_codes(user: User, code: str, now: dt.datetime) -> list[str]:
    """Ten new recovery codes in place of the old ones, for a code from the app; shown once."""
    _check_coordinator(user)
    if not user.two_factor_enabled:
        raise ServiceError(_("Two-step sign-in is not set up yet."))
    cleaned = _clean(code)
    if not _TOTP_CODE.fullmatch(cleaned):
        raise ServiceError(_("Enter the 6-digit code that your app shows."), "code")
    _accept_totp(user, cleaned, now)
    codes = _new_recovery_codes(user)
    audit.record(user, "two_factor.recovery_codes_renewed", subject=user)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    query = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def _check_coordinator(user: User) -> None:
    if user.role != Role.COORDINATOR:
        raise ServiceError(_("Only coordinators sign in with a second step."))


def _clean(code: str) -> str:
    """What the person typed, without spaces and dashes, in lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


def _accept_totp(user: User, code: str, now: dt.datetime) -> None:
    assert user.totp_secret is not None
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    steps = range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1)
    step = next((s for s in steps if hmac.compare_digest(totp.generate_otp(s), code)), None)
    if step is None:
        raise ServiceError(
            _(
                "This code is not right. Type the newest code your app shows; "
                "if it still fails, check that your phone's clock is right."
            ),
            "code",
        )
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    if _rowcount(claimed) != 1:
        raise ServiceError(
            _("This code was used already. Wait for the next code in your app."), "code"
        )


def _new_recovery_codes(user: User) -> list[str]:
    """Ten new codes in place of any old ones; only their argon2 hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _position in range(RECOVERY_LENGTH))
        for _code in range(RECOVERY_CODES)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hasher.hash(c)) for c in codes)
    half = RECOVERY_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def _use_recovery_code(user: User, code: str, now: dt.datetime) -> None:
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    match = next((row for row in unused if _matches(row.code_hash, code)), None)
    if match is not None:
        claimed = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == match.id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
        )
        if _rowcount(claimed) == 1:
            return
    raise ServiceError(_("This recovery code is not right, or it was used already."), "code")


def _matches(code_hash: str, code: str) -> bool:
    try:
        return _hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False
