"""What a student or a volunteer tells us for matching: only what matching needs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.models.base import Base, utcnow

if TYPE_CHECKING:
    from matcher.models.user import User

EMPTY_WEEK = "0" * SLOTS_PER_WEEK


class ProfileFields:
    """Columns both roles share."""

    goals: Mapped[list[str]] = mapped_column(default=list)
    interests: Mapped[list[str]] = mapped_column(default=list)
    interests_other: Mapped[str] = mapped_column(String(200), default="")
    gender: Mapped[str | None] = mapped_column(String(10))
    format: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(80), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    # 336 characters '0'/'1': 30-minute slots of the week in the person's own time zone,
    # slot 0 = Monday 00:00.
    availability: Mapped[str] = mapped_column(String(SLOTS_PER_WEEK), default=EMPTY_WEEK)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The answers came from a coordinator's roster import and the person has not confirmed
    # them yet.
    from_import: Mapped[bool] = mapped_column(default=False)

    @property
    def slot_count(self) -> int:
        return self.availability.count("1")


class StudentProfile(ProfileFields, Base):
    __tablename__ = "student_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    legal_name: Mapped[str] = mapped_column(String(120), default="")  # coordinators only
    english_level: Mapped[str | None] = mapped_column(String(2))
    volunteer_gender: Mapped[str | None] = mapped_column(String(10))
    volunteer_gender_required: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")  # coordinators only

    user: Mapped[User] = relationship(back_populates="student_profile")


class VolunteerProfile(ProfileFields, Base):
    __tablename__ = "volunteer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    experience: Mapped[str | None] = mapped_column(String(10))
    korean_level: Mapped[str | None] = mapped_column(String(20))
    capacity: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(back_populates="volunteer_profile")
