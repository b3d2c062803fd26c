"""Terms and who applied to them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.models.base import Base, checked_enum, utcnow

if TYPE_CHECKING:
    from matcher.models.user import User


DEFAULT_CHECK_IN_WEEKS = (2, 6)


class TermStatus(enum.StrEnum):
    """draft -> open (applications) -> matching -> published (running) -> closed.

    services.terms.change_status is the one place that moves a term along (see TRANSITIONS
    there); PUBLISHED is the running term, set when its pairs are published.
    """

    DRAFT = "draft"
    OPEN = "open"
    MATCHING = "matching"
    PUBLISHED = "published"
    CLOSED = "closed"


class EnrollmentStatus(enum.StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"


class Term(Base):
    __tablename__ = "term"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    applications_open_on: Mapped[dt.date]
    applications_close_on: Mapped[dt.date]
    status: Mapped[TermStatus] = mapped_column(
        checked_enum(TermStatus, "status", 20), default=TermStatus.DRAFT
    )
    # Set once, atomically, when the term's pairs are published (see services.publishing).
    published_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_round.id", ondelete="SET NULL", use_alter=True)
    )
    # Off (the program's rule): one student per volunteer, whatever capacity a profile says.
    volunteers_take_several: Mapped[bool] = mapped_column(default=False, server_default=false())
    closed_on: Mapped[dt.date | None]  # set when the term closes: contacts hide 30 days later
    # Weeks after a pair starts when its two people are asked how it goes (services.checkins).
    check_in_weeks: Mapped[list[int]] = mapped_column(
        JSON,
        default=lambda: list(DEFAULT_CHECK_IN_WEEKS),
        server_default=text("'[2, 6]'"),  # rows written without it (SQL, older code)
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="term", cascade="all, delete-orphan"
    )

    def accepts_applications(self, today: dt.date) -> bool:
        return (
            self.status == TermStatus.OPEN
            and self.applications_open_on <= today <= self.applications_close_on
        )

    def __repr__(self) -> str:
        return f"<Term {self.id} {self.name!r}>"


class Enrollment(Base):
    """A person's application to a term."""

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("term_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("term.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(
        checked_enum(EnrollmentStatus, "status", 20), default=EnrollmentStatus.APPLIED
    )
    continue_partner: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    term: Mapped[Term] = relationship(back_populates="enrollments")
    user: Mapped[User] = relationship(back_populates="enrollments")
