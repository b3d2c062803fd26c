"""Matching rounds, the coordinator's constraints, published pairs and what follows them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.engine.result import PairOrigin
from matcher.models.base import Base, checked_enum, utcnow

if TYPE_CHECKING:
    from matcher.models.user import User


class RoundKind(enum.StrEnum):
    FULL = "full"  # everyone approved, before the term's pairs are published
    REMATCH = "rematch"  # mid-term: only the free people, around the active pairs


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ConstraintKind(enum.StrEnum):
    LOCK = "lock"
    FORBID = "forbid"


class PairStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class EndReason(enum.StrEnum):
    """Why a published pair ended (the coordinator's own words go to `Pair.end_note`)."""

    ACCOUNT_DELETED = "account_deleted"  # a partner deleted their account
    WITHDREW = "withdrew"  # a partner withdrew from the term
    WITHDRAWN_BY_COORDINATOR = "withdrawn_by_coordinator"  # a coordinator withdrew a partner
    ENDED_BY_COORDINATOR = "ended_by_coordinator"  # both stay; a coordinator ended the pair
    TERM_ENDED = "term_ended"  # the term is over


# A partner left the program: the other one is told "your partner can no longer take part".
LEAVER_REASONS = frozenset(
    {EndReason.ACCOUNT_DELETED, EndReason.WITHDREW, EndReason.WITHDRAWN_BY_COORDINATOR}
)


class NotificationKind(enum.StrEnum):
    PARTNER_READY = "partner_ready"  # the term's pairs are published: see who your partner is
    PARTNER_LEFT = "partner_left"  # the partner can no longer take part: a new one will come
    PAIR_ENDED = "pair_ended"  # a coordinator ended the pair: a new partner will come
    # Emails with a single-use link (matcher.mail.TOKEN_KINDS issues it when sending).
    INVITATION = "invitation"  # an imported person: choose a password, confirm the profile
    SIGN_UP = "sign_up"  # a new account: confirm the address to finish signing up
    ACCOUNT_EXISTS = "account_exists"  # someone signed up with a known address: sign in instead
    PASSWORD_RESET = "password_reset"  # forgot your password: choose a new one
    EMAIL_CHANGE = "email_change"  # to the new address: confirm it before it is used
    COORDINATOR_INVITE = "coordinator_invite"  # a coordinator invites another
    PROFILE_REMINDER = "profile_reminder"  # what the person's profile still lacks
    CHECK_IN = "check_in"  # how is it going with your partner?
    PAIR_REMINDER = "pair_reminder"  # a neutral nudge to both people of a pair


class MatchRound(Base):
    """A draft run of the engine for a term: its settings, a snapshot of its inputs, its result."""

    __tablename__ = "match_round"
    __table_args__ = (UniqueConstraint("term_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, ... within the term
    kind: Mapped[RoundKind] = mapped_column(
        checked_enum(RoundKind, "kind", 10), default=RoundKind.FULL
    )
    status: Mapped[RoundStatus] = mapped_column(
        checked_enum(RoundStatus, "status", 10), default=RoundStatus.DRAFT
    )
    settings: Mapped[dict[str, Any]]
    # People as the engine saw them (engine dicts plus user id and display name), so that
    # later profile edits do not change the round.
    snapshot: Mapped[dict[str, Any]]
    # The engine's unmatched reasons and statistics (MatchResult.to_dict() without pairs).
    result: Mapped[dict[str, Any]]
    matched: Mapped[int] = mapped_column(default=0)
    lowest_score: Mapped[float | None]
    mean_score: Mapped[float | None]
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pairs: Mapped[list[RoundPair]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundPair.id"
    )


class RoundPair(Base):
    """A pair a round proposes; the coordinator may lock, swap or assign by hand."""

    __tablename__ = "round_pair"
    __table_args__ = (UniqueConstraint("round_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("match_round.id", ondelete="CASCADE"), index=True
    )
    # None: the person deleted their account ("a person who left"); the row keeps the
    # round's figures (services/erasure.py empties what described them).
    student_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    score: Mapped[float]
    overlap_hours: Mapped[float]
    breakdown: Mapped[list[Any]] = mapped_column(default=list)
    locked: Mapped[bool] = mapped_column(default=False)
    origin: Mapped[PairOrigin] = mapped_column(
        checked_enum(PairOrigin, "origin", 20), default=PairOrigin.SOLVED
    )
    violations: Mapped[list[Any]] = mapped_column(default=list)
    override_reason: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[MatchRound] = relationship(back_populates="pairs")


class PairConstraint(Base):
    """A coordinator's "must pair" (lock) or "never pair" (forbid) for a term.

    A lock's origin says how the coordinator made it: locked as the round proposed it, or
    made by a swap or by hand in a round; every later run keeps it (see services.rounds).
    """

    __tablename__ = "pair_constraint"
    __table_args__ = (UniqueConstraint("term_id", "student_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[ConstraintKind] = mapped_column(checked_enum(ConstraintKind, "kind", 10))
    override_reason: Mapped[str] = mapped_column(Text, default="")  # a lock that breaks a rule
    origin: Mapped[PairOrigin] = mapped_column(
        checked_enum(PairOrigin, "origin", 20), default=PairOrigin.LOCKED
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class Pair(Base):
    """A published pairing of a student with a volunteer.

    An ended pair outlives its people: when one deletes the account, their side becomes
    NULL (a person who left) and the pair still counts in the term's figures.
    """

    __tablename__ = "pair"
    __table_args__ = (
        # A student has at most one active pair per term.
        Index(
            "uq_pair_active_student",
            "term_id",
            "student_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("match_round.id", ondelete="SET NULL"))
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[PairStatus] = mapped_column(
        checked_enum(PairStatus, "status", 10), default=PairStatus.ACTIVE
    )
    score: Mapped[float]
    overlap_hours: Mapped[float]
    breakdown: Mapped[list[Any]] = mapped_column(default=list)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    end_reason: Mapped[EndReason | None] = mapped_column(checked_enum(EndReason, "end_reason", 30))
    end_note: Mapped[str] = mapped_column(Text, default="")  # the coordinator's words, if any
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    student: Mapped[User | None] = relationship(foreign_keys=[student_id])
    volunteer: Mapped[User | None] = relationship(foreign_keys=[volunteer_id])


class RematchRequest(Base):
    """A student's or volunteer's private request for a new partner; the partner is not told."""

    __tablename__ = "rematch_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    pair: Mapped[Pair] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class Notification(Base):
    """The outbox: one email to one person, written in the transaction that causes it and
    sent later by the mail worker (`flask send-mail`), with retries and back-off.

    Waiting: `sent_at` is empty and `attempts` is below the configured maximum; the worker
    takes it once `next_attempt_at` has passed, claiming it (`claimed_by`, `claimed_until`)
    with a conditional UPDATE so that two workers never send it twice. Given up: `attempts`
    reached the maximum; the coordinator sees it, with `last_error`, on the pairs page.
    """

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("term_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int | None] = mapped_column(
        ForeignKey("term.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(
        checked_enum(NotificationKind, "kind", 30), default=NotificationKind.PARTNER_READY
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()
