"""Profiles: what students and volunteers tell us, how complete it is, how the engine sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, inspect, select

from matcher import engine
from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.extensions import db
from matcher.models import (
    Base,
    Enrollment,
    Role,
    StudentProfile,
    Term,
    User,
    VolunteerProfile,
)
from matcher.models.base import as_utc, utcnow
from matcher.services import audit
from matcher.services.errors import ServiceError
from matcher.services.timezones import check_timezone

# Matching needs at least the default minimum overlap (2 hours) to have any chance.
MIN_SLOTS = 4
# Columns of a profile that its owner does not set from the profile page.
_NOT_THEIRS = frozenset({"id", "user_id", "updated_at", "notes"})  # notes: coordinators only

_REQUIRED: dict[str, Any] = {
    "english_level": _l("English level"),
    "experience": _l("teaching experience"),
    "korean_level": _l("Korean level"),
    "goals": _l("goals"),
    "format": _l("how you want to meet"),
    "contact": _l("contact to share"),
}
# What a profile can lack, by code: the required answers, then these.
MISSING_LABELS: dict[str, Any] = {
    **_REQUIRED,
    "profile": _l("profile"),
    "city": _l("city"),
    "availability": _l("at least 2 hours of availability"),
}

P = TypeVar("P", engine.Student, engine.Volunteer)


def engine_id(user_id: int) -> str:
    return str(user_id)


def column_names(model: type[Base]) -> list[str]:
    """The names of a model's columns, as its attributes are called."""
    return [column.key for column in inspect(model).column_attrs]


def engine_person(
    cls: type[P], user: User, *, previous_partner: int | None = None, continue_partner: bool = False
) -> P:
    """The person with their profile's answers, as the engine takes them.

    Every profile column goes to `engine.person_from`, which keeps the ones the engine
    has a field for; what only coordinators or the partner see (legal name, notes,
    contact) has no field there and stays out.
    """
    profile = user.profile
    assert profile is not None
    answers = {name: getattr(profile, name) for name in column_names(type(profile))}
    answers.update(
        id=engine_id(user.id),
        timezone=user.timezone,
        display_name=user.display_name,
        previous_partner_id=engine_id(previous_partner) if previous_partner else "",
        continue_partner=continue_partner,
    )
    return engine.person_from(cls, answers)


@dataclass(frozen=True)
class Completeness:
    missing: list[Any] = field(default_factory=list)
    percent: int = 100
    codes: list[str] = field(default_factory=list)  # of `missing`, keys of MISSING_LABELS

    @property
    def complete(self) -> bool:
        return not self.missing


def completeness(user: User) -> Completeness:
    """What is still missing for this person to be matched."""
    profile = user.profile
    if profile is None:
        return Completeness([MISSING_LABELS["profile"]], 0, ["profile"])
    required = ["goals", "format", "contact"]
    required += ["english_level"] if user.role == Role.STUDENT else ["experience", "korean_level"]
    codes = [name for name in required if not getattr(profile, name)]
    if profile.format == "in_person" and not profile.city.strip():
        codes.append("city")
    if profile.slot_count < MIN_SLOTS:
        codes.append("availability")
    total = len(required) + 2
    missing = [MISSING_LABELS[code] for code in codes]
    return Completeness(missing, round(100 * (total - len(missing)) / total), codes)


def current_enrollment(user: User) -> Enrollment | None:
    """The person's enrollment in the newest term they applied to."""
    return db.session.scalars(
        select(Enrollment)
        .join(Term, Term.id == Enrollment.term_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Term.starts_on.desc(), Term.id.desc())
        .limit(1)
    ).first()


def carried_over(user: User) -> bool:
    """Whether the person applied to their newest term with the profile of an earlier one
    and has not saved it since: their profile page asks them to check it."""
    enrollment = current_enrollment(user)
    profile = user.profile
    if enrollment is None or profile is None:
        return False
    if as_utc(profile.updated_at) >= as_utc(enrollment.created_at):
        return False
    earlier = db.session.scalar(
        select(exists().where(Enrollment.user_id == user.id, Enrollment.id != enrollment.id))
    )
    return bool(earlier)


def asks_capacity(user: User) -> bool:
    """Whether the volunteer's profile asks how many students they take: only when the term
    they applied to last lets volunteers take several (else each takes one)."""
    enrollment = current_enrollment(user)
    return (
        user.role == Role.VOLUNTEER
        and enrollment is not None
        and enrollment.term.volunteers_take_several
    )


def _check(user: User, data: dict[str, Any], timezone: str, display_name: str) -> None:
    check_timezone(timezone)
    if not display_name.strip():
        raise ServiceError(_("Enter the name you want to be called."), "display_name")
    availability = data.get("availability", "")
    if len(availability) != SLOTS_PER_WEEK or set(availability) - {"0", "1"}:
        raise ServiceError(_("The availability grid was not sent whole. Try again."))
    if availability.count("1") < MIN_SLOTS:
        raise ServiceError(_("Tick at least 2 hours a week when you could meet."), "availability")
    if data.get("format") == "in_person" and not str(data.get("city", "")).strip():
        raise ServiceError(_("Tell us the city where you can meet in person."), "city")
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        raise ServiceError(_("Coordinators have no matching profile."))
    if data.get("volunteer_gender_required") and not data.get("volunteer_gender"):
        raise ServiceError(
            _("Choose the tutor gender you need, or untick “this is required”."),
            "volunteer_gender",
        )


def update_profile(
    user: User,
    data: dict[str, Any],
    *,
    timezone: str,
    display_name: str,
    continue_partner: bool,
) -> None:
    """Save a student's or volunteer's own profile and whether they continue with their
    partner in the term they applied to last (the form has checked each field)."""
    _check(user, data, timezone, display_name)
    profile: StudentProfile | VolunteerProfile
    if user.role == Role.STUDENT:
        profile = user.student_profile or StudentProfile(user=user)
    else:
        profile = user.volunteer_profile or VolunteerProfile(user=user)
    for name in column_names(type(profile)):
        if name in data and name not in _NOT_THEIRS:
            value = data[name]
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.updated_at = utcnow()  # saved as it is, it is checked (see carried_over)
    user.timezone = timezone
    user.display_name = display_name.strip()
    profile.from_import = False  # saving the form confirms answers that came from an import
    enrollment = current_enrollment(user)
    if enrollment is not None:
        enrollment.continue_partner = continue_partner
    audit.record(user, "profile.updated", subject=user)
