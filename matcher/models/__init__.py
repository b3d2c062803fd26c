"""SQLAlchemy 2.0 typed models: tables and relations, little logic."""

from matcher.models.audit import AuditEvent
from matcher.models.base import Base
from matcher.models.checkins import CheckIn, CheckInInvite, Met, PairSession, TermReport
from matcher.models.matching import (
    LEAVER_REASONS,
    ConstraintKind,
    EndReason,
    MatchRound,
    Notification,
    NotificationKind,
    Pair,
    PairConstraint,
    PairStatus,
    RematchRequest,
    RoundKind,
    RoundPair,
    RoundStatus,
)
from matcher.models.profile import StudentProfile, VolunteerProfile
from matcher.models.term import Enrollment, EnrollmentStatus, Term, TermStatus
from matcher.models.token import EmailToken, TokenPurpose
from matcher.models.twofactor import RecoveryCode
from matcher.models.upload import RosterUpload
from matcher.models.user import Role, User

__all__ = [
    "AuditEvent",
    "Base",
    "CheckIn",
    "CheckInInvite",
    "ConstraintKind",
    "EmailToken",
    "EndReason",
    "LEAVER_REASONS",
    "MatchRound",
    "Met",
    "Notification",
    "NotificationKind",
    "Pair",
    "PairConstraint",
    "PairSession",
    "PairStatus",
    "RecoveryCode",
    "RematchRequest",
    "RosterUpload",
    "RoundKind",
    "RoundPair",
    "RoundStatus",
    "Enrollment",
    "EnrollmentStatus",
    "Role",
    "StudentProfile",
    "Term",
    "TermReport",
    "TermStatus",
    "TokenPurpose",
    "User",
    "VolunteerProfile",
]
