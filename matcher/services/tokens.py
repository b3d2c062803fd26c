"""Single-use links: issued when their email is sent, checked and used by the page they open.

A link carries a random token; only its SHA-256 is stored, so a copy of the database
gives no working link. Issuing a new link of a purpose for a person retires their earlier
unused ones; a link is used at most once, even by two requests at the same moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, select, update

from matcher.extensions import db
from matcher.models import EmailToken, TokenPurpose, User
from matcher.models.base import as_utc

__all__ = ["TokenError", "TokenPurpose", "check", "issue", "latest", "use"]

Problem = Literal["unknown", "used", "expired"]


class TokenError(Exception):
    """A link that cannot be used: unknown (never issued, or altered), used, or expired."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem)
        self.problem: Problem = problem


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    user: User,
    purpose: TokenPurpose,
    *,
    now: dt.datetime,
    lifetime: dt.timedelta,
    email: str | None = None,
) -> str:
    """A new link's token for this person and purpose; their earlier unused ones expire now."""
    db.session.execute(
        update(EmailToken)
        .where(
            EmailToken.user_id == user.id,
            EmailToken.purpose == purpose,
            EmailToken.used_at.is_(None),
            EmailToken.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(raw),
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return raw


def check(raw: str, purpose: TokenPurpose, *, now: dt.datetime) -> EmailToken:
    """The stored link for this token, if it can still be used; else TokenError."""
    token = db.session.scalar(
        select(EmailToken).where(
            EmailToken.token_hash == _digest(raw), EmailToken.purpose == purpose
        )
    )
    if token is None:
        raise TokenError("unknown")
    if token.used_at is not None:
        raise TokenError("used")
    if as_utc(token.expires_at) <= now:
        raise TokenError("expired")
    return token


def use(token: EmailToken, *, now: dt.datetime) -> None:
    """Spend the link; TokenError("used") if another request spent it first."""
    result = db.session.execute(
        update(EmailToken)
        .where(EmailToken.id == token.id, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], result).rowcount:
        raise TokenError("used")
    token.used_at = now


def latest(user_id: int, purpose: TokenPurpose) -> EmailToken | None:
    """The person's most recent link of this purpose (for an invitation's state)."""
    return db.session.scalar(
        select(EmailToken)
        .where(EmailToken.user_id == user_id, EmailToken.purpose == purpose)
        .order_by(EmailToken.created_at.desc(), EmailToken.id.desc())
        .limit(1)
    )
