"""After the pairs meet: check-ins, the weeks a pair met, and a closed term's report."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matcher.models.base import Base, checked_enum, utcnow


class Met(enum.StrEnum):
    """A check-in's first question: have you met yet?"""

    YES = "yes"
    NOT_YET = "not_yet"
    NO_TIME = "no_time"  # "we cannot find a time"


class CheckIn(Base):
    """One person's answers about their pair. The partner never sees them; the note is for
    the coordinators only.

    `checkpoint` is the week (after the pair started) whose check-in email this answers,
    or None for a check-in made at any other time from /my-pair.
    """

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    met: Mapped[Met] = mapped_column(checked_enum(Met, "met", 10))
    rating: Mapped[int]  # 1 (badly) to 5 (very well)
    note: Mapped[str] = mapped_column(Text, default="")
    checkpoint: Mapped[int | None]


class CheckInInvite(Base):
    """A check-in email queued for one person of a pair at one checkpoint (its week).

    The outbox keeps one row per term, person and kind, so it cannot say which checkpoints
    were asked already; this table does, and makes `send-check-ins` safe to run every day.
    """

    __tablename__ = "check_in_invite"
    __table_args__ = (UniqueConstraint("pair_id", "user_id", "checkpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    checkpoint: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PairSession(Base):
    """ "We met this week": at most one per pair and ISO week (its Monday)."""

    __tablename__ = "pair_session"
    __table_args__ = (UniqueConstraint("pair_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TermReport(Base):
    """A closed term's anonymous figures (services.reports), kept when its personal data is
    purged: counts only, no names, zones with fewer than three volunteers merged."""

    __tablename__ = "term_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
