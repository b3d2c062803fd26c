"""Coordinators' recovery codes: ten single-use codes, stored hashed, for a lost phone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.models.base import Base

if TYPE_CHECKING:
    from matcher.models.user import User


class RecoveryCode(Base):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str]  # argon2, as passwords are
    used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")
