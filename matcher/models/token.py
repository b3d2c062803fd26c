"""Single-use links sent by email: invitations, sign-up, password reset, email change.

Only a SHA-256 of each link's token is stored, so that a copy of the database gives no
working link; see services/tokens.py.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.models.base import Base, checked_enum, utcnow

if TYPE_CHECKING:
    from matcher.models.user import User


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    SIGN_UP = "sign_up"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"
    COORDINATOR_INVITE = "coordinator_invite"


class EmailToken(Base):
    __tablename__ = "email_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(checked_enum(TokenPurpose, "purpose", 20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address the link confirms (an email change): a later change makes it useless.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()
