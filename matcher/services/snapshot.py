"""The people of a term as the engine sees them, and their frozen snapshot in a round."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.engine import Student, Volunteer, person_from
from matcher.extensions import db
from matcher.models import Enrollment, EnrollmentStatus, Pair, Role, Term, User
from matcher.services.naming import label_of, person_label, place
from matcher.services.profiles import completeness, engine_id, engine_person

__all__ = ["TermPeople", "engine_id", "freeze", "is_placeholder", "term_people", "thaw"]


def is_placeholder(entry: dict[str, Any]) -> bool:
    """A snapshot's or result's `{"id": "left-N", "left": true}`: someone who deleted their
    account (or whose term was purged), known only as a person who left (services.erasure)."""
    return bool(entry.get("left"))


@dataclass
class TermPeople:
    """Approved people of a term with complete profiles, and those left out and why."""

    students: list[Student]
    volunteers: list[Volunteer]
    # engine id -> how coordinators' pages name the person (naming.person_label:
    # "Mirae · #41 · Seoul"), so that people with the same display name are told apart.
    names: dict[str, str]
    excluded: list[dict[str, Any]]  # {"user_id", "display_name", "label", "role", "reason"}
    # People who left since the round ran: placeholders in its students and volunteers.
    left_students: int = 0
    left_volunteers: int = 0

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
        if student_id is None or volunteer_id is None:  # a partner who deleted the account
            continue
        partner[student_id] = volunteer_id
        partner[volunteer_id] = student_id
    return partner


def term_people(term: Term) -> TermPeople:
    """Everyone approved for the term; incomplete profiles are left out with a reason.

    Unless the term lets volunteers take several students, each volunteer counts as one.
    """
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
        found = completeness(user)
        missing = found.missing
        if missing:
            people.excluded.append(
                {
                    "user_id": user.id,
                    "display_name": user.display_name,
                    "label": label_of(user),
                    "role": user.role,
                    "reason": _(
                        "Profile incomplete: %(missing)s", missing=", ".join(map(str, missing))
                    ),
                    "missing": found.codes,  # the page words them in its reader's language
                }
            )
            continue
        people.names[engine_id(user.id)] = label_of(user)
        partner, continues = previous.get(user.id), enrollment.continue_partner
        if user.role == Role.STUDENT:
            people.students.append(
                engine_person(Student, user, previous_partner=partner, continue_partner=continues)
            )
        elif user.role == Role.VOLUNTEER:
            volunteer = engine_person(
                Volunteer, user, previous_partner=partner, continue_partner=continues
            )
            if not term.volunteers_take_several:  # one student each, whatever the profile says
                volunteer = dataclasses.replace(volunteer, capacity=1)
            people.volunteers.append(volunteer)
    return people


def _to_json(person: Student | Volunteer) -> dict[str, Any]:
    data = dataclasses.asdict(person)
    data["availability"] = "".join("1" if on else "0" for on in person.availability)
    data["goals"] = sorted(person.goals)
    data["interests"] = sorted(person.interests)
    return data


def freeze(people: TermPeople) -> dict[str, Any]:
    return {
        "students": [_to_json(s) for s in people.students],
        "volunteers": [_to_json(v) for v in people.volunteers],
        "excluded": people.excluded,
    }


def thaw(snapshot: dict[str, Any]) -> TermPeople:
    """The round's people as the engine saw them; people who left are only counted."""
    students = [person_from(Student, s) for s in snapshot["students"] if not is_placeholder(s)]
    volunteers = [
        person_from(Volunteer, v) for v in snapshot["volunteers"] if not is_placeholder(v)
    ]
    everyone: list[Student | Volunteer] = [*students, *volunteers]
    names = {p.id: person_label(p.display_name, p.id, place(p.city, p.timezone)) for p in everyone}
    excluded = [
        # Snapshots from before labels: the name and the short id.
        {"label": person_label(e["display_name"], e["user_id"]), **e}
        for e in snapshot.get("excluded", [])
        if not is_placeholder(e)
    ]
    return TermPeople(
        students,
        volunteers,
        names,
        excluded,
        left_students=sum(map(is_placeholder, snapshot["students"])),
        left_volunteers=sum(map(is_placeholder, snapshot["volunteers"])),
    )
