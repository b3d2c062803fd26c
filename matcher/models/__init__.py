"""SQLAlchemy 2.0 typed models: tables and relations, little logic."""

from matcher.models.audit import AuditEvent
from matcher.models.base import Base
from matcher.models.matching import (
    ConstraintKind,
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
from matcher.models.user import Role, User

__all__ = [
    "AuditEvent",
    "Base",
    "ConstraintKind",
    "EmailToken",
    "MatchRound",
    "Notification",
    "NotificationKind",
    "Pair",
    "PairConstraint",
    "PairStatus",
    "RecoveryCode",
    "RematchRequest",
    "RoundKind",
    "RoundPair",
    "RoundStatus",
    "Enrollment",
    "EnrollmentStatus",
    "Role",
    "StudentProfile",
    "Term",
    "TermStatus",
    "TokenPurpose",
    "User",
    "VolunteerProfile",
]
