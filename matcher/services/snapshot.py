"""The people of a term as the engine sees them, and their frozen snapshot in a round."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.engine import Student, Volunteer
from matcher.extensions import db
from matcher.models import Enrollment, EnrollmentStatus, Pair, Role, Term, User
from matcher.services.profiles import completeness


def engine_id(user_id: int) -> str:
    return str(user_id)


@dataclass
class TermPeople:
    """Approved people of a term with complete profiles, and those left out and why."""

    students: list[Student]
    volunteers: list[Volunteer]
    names: dict[str, str]  # engine id -> display name
    excluded: list[dict[str, Any]]  # {"user_id", "display_name", "role", "reason"}

    def ids(self) -> set[str]:
        """Engine ids of everyone taking part."""
        return {p.id for p in self.students} | {p.id for p in self.volunteers}


def _previous_partners(term: Term, user_ids: list[int]) -> dict[int, int]:
    """Each person's partner in their most recent earlier term."""
    rows = db.session.execute(
        select(Pair.student_id, Pair.volunteer_id, Term.starts_on, Pair.id)
        .join(Term, Term.id == Pair.term_id)
        .where(
            Term.starts_on < term.starts_on,
            (Pair.student_id.in_(user_ids)) | (Pair.volunteer_id.in_(user_ids)),
        )
        .order_by(Term.starts_on, Pair.id)
    )
    partner: dict[int, int] = {}
    for student_id, volunteer_id, _starts, _id in rows:  # later terms overwrite earlier ones
        partner[student_id] = volunteer_id
        partner[volunteer_id] = student_id
    return partner


def engine_student(
    user: User, enrollment: Enrollment | None = None, previous: int | None = None
) -> Student:
    """A student with a complete profile, as the engine takes them."""
    p = user.student_profile
    assert p is not None
    return Student(
        id=engine_id(user.id),
        availability=tuple(c == "1" for c in p.availability),
        timezone=user.timezone,
        display_name=user.display_name,
        english_level=p.english_level or "",
        goals=frozenset(p.goals),
        interests=frozenset(p.interests),
        gender=p.gender or "",
        volunteer_gender=p.volunteer_gender or "",
        volunteer_gender_required=p.volunteer_gender_required,
        format=p.format or "",
        city=p.city,
        previous_partner_id=engine_id(previous) if previous else "",
        continue_partner=bool(enrollment and enrollment.continue_partner),
    )


def engine_volunteer(
    user: User, enrollment: Enrollment | None = None, previous: int | None = None
) -> Volunteer:
    """A volunteer with a complete profile, as the engine takes them."""
    p = user.volunteer_profile
    assert p is not None
    return Volunteer(
        id=engine_id(user.id),
        availability=tuple(c == "1" for c in p.availability),
        timezone=user.timezone,
        display_name=user.display_name,
        experience=p.experience or "",
        korean_level=p.korean_level or "",
        goals=frozenset(p.goals),
        interests=frozenset(p.interests),
        gender=p.gender or "",
        capacity=p.capacity,
        format=p.format or "",
        city=p.city,
        previous_partner_id=engine_id(previous) if previous else "",
        continue_partner=bool(enrollment and enrollment.continue_partner),
    )


def term_people(term: Term) -> TermPeople:
    """Everyone approved for the term; incomplete profiles are left out with a reason."""
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.term_id == term.id, Enrollment.status == EnrollmentStatus.APPROVED)
        .options(
            selectinload(Enrollment.user).selectinload(User.student_profile),
            selectinload(Enrollment.user).selectinload(User.volunteer_profile),
        )
    ).all()
    previous = _previous_partners(term, [e.user_id for e in enrollments])
    people = TermPeople([], [], {}, [])
    for enrollment in sorted(enrollments, key=lambda e: e.user_id):
        user = enrollment.user
        missing = completeness(user).missing
        if missing:
            people.excluded.append(
                {
                    "user_id": user.id,
                    "display_name": user.display_name,
                    "role": user.role,
                    "reason": _(
                        "Profile incomplete: %(missing)s", missing=", ".join(map(str, missing))
                    ),
                }
            )
            continue
        people.names[engine_id(user.id)] = user.display_name
        if user.role == Role.STUDENT:
            people.students.append(engine_student(user, enrollment, previous.get(user.id)))
        elif user.role == Role.VOLUNTEER:
            people.volunteers.append(engine_volunteer(user, enrollment, previous.get(user.id)))
    return people


def _to_json(person: Student | Volunteer) -> dict[str, Any]:
    data = dataclasses.asdict(person)
    data["availability"] = "".join("1" if on else "0" for on in person.availability)
    data["goals"] = sorted(person.goals)
    data["interests"] = sorted(person.interests)
    return data


def _from_json(cls: type, data: dict[str, Any]) -> Any:
    values = dict(data)
    values["availability"] = tuple(c == "1" for c in data["availability"])
    values["goals"] = frozenset(data["goals"])
    values["interests"] = frozenset(data["interests"])
    return cls(**values)


def freeze(people: TermPeople) -> dict[str, Any]:
    return {
        "students": [_to_json(s) for s in people.students],
        "volunteers": [_to_json(v) for v in people.volunteers],
        "excluded": people.excluded,
    }


def thaw(snapshot: dict[str, Any]) -> TermPeople:
    students = [_from_json(Student, s) for s in snapshot["students"]]
    volunteers = [_from_json(Volunteer, v) for v in snapshot["volunteers"]]
    names = {p.id: p.display_name for p in [*students, *volunteers]}
    return TermPeople(students, volunteers, names, list(snapshot.get("excluded", [])))
