"""People who sign in: coordinators, students and volunteers."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, String, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.models.base import Base, checked_enum, utcnow

if TYPE_CHECKING:
    from matcher.models.profile import StudentProfile, VolunteerProfile
    from matcher.models.term import Enrollment
    from matcher.models.twofactor import RecoveryCode


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    STUDENT = "student"
    VOLUNTEER = "volunteer"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    """A person who signs in; Flask-Login's user protocol is spelled out below."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # None: no password chosen yet (a person imported or invited by a coordinator, who sets
    # it through their invitation link); such an account cannot sign in.
    password_hash: Mapped[str | None]
    role: Mapped[Role] = mapped_column(checked_enum(Role, "role", 20))
    display_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(default=True)
    # Flask-Login's id: rotating it signs the user out everywhere (logout, password change).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # None until the person proves they read mail at `email` (a link from us); an account
    # with an unconfirmed address cannot sign in.
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    # A new address the person asked for, used once confirmed through a link sent to it.
    pending_email: Mapped[str | None] = mapped_column(String(254))
    terms_accepted_at: Mapped[dt.datetime | None]  # the program's terms, accepted
    # Coordinators' second factor (services/twofactor.py): the TOTP secret, set at their first
    # sign-in and in force once confirmed with a code; the last time step accepted, so that a
    # code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_confirmed_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]

    student_profile: Mapped[StudentProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    volunteer_profile: Mapped[VolunteerProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.active  # as Flask-Login's UserMixin: a deactivated user is signed out

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_confirmed_at is not None

    @hybrid_property
    def unconfirmed_sign_up(self) -> bool:
        """Signed up with a password and has not yet followed the emailed link that confirms
        the address, so cannot sign in. (An imported or invited person has no password yet:
        they wait for their invitation instead.) Also a SQL condition, so that a count and
        a filter cannot disagree."""
        return self.email_confirmed_at is None and self.password_hash is not None

    @unconfirmed_sign_up.inplace.expression
    @classmethod
    def _unconfirmed_sign_up_condition(cls) -> ColumnElement[bool]:
        return and_(cls.email_confirmed_at.is_(None), cls.password_hash.is_not(None))

    @property
    def profile(self) -> StudentProfile | VolunteerProfile | None:
        return self.student_profile if self.role == Role.STUDENT else self.volunteer_profile

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
