"""Profiles: what students and volunteers tell us, and how complete it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.extensions import db
from matcher.models import Role, StudentProfile, User, VolunteerProfile
from matcher.services import audit
from matcher.services.errors import ServiceError
from matcher.services.timezones import check_timezone

# Matching needs at least the default minimum overlap (2 hours) to have any chance.
MIN_SLOTS = 4

STUDENT_FIELDS = (
    "legal_name", "english_level", "goals", "interests", "interests_other", "gender",
    "volunteer_gender", "volunteer_gender_required", "format", "city", "contact", "availability",
)  # fmt: skip
VOLUNTEER_FIELDS = (
    "experience", "korean_level", "goals", "interests", "interests_other", "gender",
    "capacity", "format", "city", "contact", "availability",
)  # fmt: skip

_REQUIRED: dict[str, Any] = {
    "english_level": _l("English level"),
    "experience": _l("teaching experience"),
    "korean_level": _l("Korean level"),
    "goals": _l("goals"),
    "format": _l("how you want to meet"),
    "contact": _l("contact to share"),
}


@dataclass(frozen=True)
class Completeness:
    missing: list[Any] = field(default_factory=list)
    percent: int = 100

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(user: User) -> Completeness:
    """What is still missing for this person to be matched."""
    profile = user.profile
    if profile is None:
        return Completeness([_l("profile")], 0)
    required = ["goals", "format", "contact"]
    required += ["english_level"] if user.role == Role.STUDENT else ["experience", "korean_level"]
    missing = [_REQUIRED[name] for name in required if not getattr(profile, name)]
    if profile.format == "in_person" and not profile.city.strip():
        missing.append(_l("city"))
    if profile.slot_count < MIN_SLOTS:
        missing.append(_l("at least 2 hours of availability"))
    total = len(required) + 2
    return Completeness(missing, round(100 * (total - len(missing)) / total))


def update_profile(user: User, data: dict[str, Any], *, timezone: str, display_name: str) -> None:
    """Save a student's or volunteer's own profile (the form has checked each field)."""
    check_timezone(timezone)
    display_name = display_name.strip()
    if not display_name:
        raise ServiceError(_("Enter the name you want to be called."), "display_name")
    availability = data.get("availability", "")
    if len(availability) != SLOTS_PER_WEEK or set(availability) - {"0", "1"}:
        raise ServiceError(_("The availability grid was not sent whole. Try again."))
    if availability.count("1") < MIN_SLOTS:
        raise ServiceError(_("Tick at least 2 hours a week when you could meet."), "availability")
    if data.get("format") == "in_person" and not str(data.get("city", "")).strip():
        raise ServiceError(_("Tell us the city where you can meet in person."), "city")
    profile: StudentProfile | VolunteerProfile
    names: tuple[str, ...]
    if user.role == Role.STUDENT:
        profile = user.student_profile or StudentProfile(user=user)
        names = STUDENT_FIELDS
        if data.get("volunteer_gender_required") and not data.get("volunteer_gender"):
            raise ServiceError(
                _("Choose the tutor gender you need, or untick “this is required”."),
                "volunteer_gender",
            )
    elif user.role == Role.VOLUNTEER:
        profile = user.volunteer_profile or VolunteerProfile(user=user)
        names = VOLUNTEER_FIELDS
    else:
        raise ServiceError(_("Coordinators have no matching profile."))
    for name in names:
        if name in data:
            value = data[name]
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
    user.timezone = timezone
    user.display_name = display_name
    audit.record(user, "profile.updated", subject=user)
    db.session.commit()


def view_profile_as_coordinator(coordinator: User, person: User, term_id: int | None) -> None:
    """Coordinator access to a student's profile is audit-logged."""
    if person.role == Role.STUDENT:
        audit.record(coordinator, "student_profile.viewed", subject=person, term_id=term_id)
        db.session.commit()
