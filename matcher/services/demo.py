"""A realistic demo term, from the deterministic sample generator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select

from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.extensions import db
from matcher.models import (
    Base,
    Enrollment,
    EnrollmentStatus,
    Pair,
    PairStatus,
    Role,
    StudentProfile,
    Term,
    TermStatus,
    User,
    VolunteerProfile,
)
from matcher.sample import SampleStudent, SampleVolunteer, generate_people
from matcher.services.accounts import hash_password
from matcher.services.errors import ServiceError
from matcher.services.profiles import column_names
from matcher.services.terms import refuse_second_open_term

Profile = TypeVar("Profile", StudentProfile, VolunteerProfile)

DEMO_PASSWORD = "demo-password-2027"
COORDINATOR_EMAIL = "coordinator@example.org"


@dataclass(frozen=True)
class DemoLogins:
    term: Term
    coordinator: str
    student: str
    volunteer: str
    password: str


def _week(slots: tuple[int, ...]) -> str:
    on = set(slots)
    return "".join("1" if i in on else "0" for i in range(SLOTS_PER_WEEK))


def _season(day: dt.date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]


def load_demo(
    today: dt.date, *, students: int = 78, volunteers: int = 78, seed: int = 2024
) -> DemoLogins:
    """An open term of approved students and volunteers, and last term's continuing pairs."""
    term, previous = _terms(today)
    password_hash = hash_password(DEMO_PASSWORD)
    coordinator = _coordinator(password_hash)
    sample_students, sample_volunteers = generate_people(students, volunteers, seed)
    users: dict[str, User] = {}
    for index, s in enumerate(sample_students):
        users[s.id] = _user(s, password_hash, term, approved=index % 26 != 25)
    for index, v in enumerate(sample_volunteers):
        users[v.id] = _user(v, password_hash, term, approved=index % 39 != 38)
    db.session.add_all(users.values())
    db.session.flush()
    for s in sample_students:
        if s.previous_partner_id:
            db.session.add(_ended_pair(previous, users[s.id], users[s.previous_partner_id]))
    db.session.flush()
    return DemoLogins(
        term,
        coordinator.email,
        users[sample_students[0].id].email,
        users[sample_volunteers[0].id].email,
        DEMO_PASSWORD,
    )


def _terms(today: dt.date) -> tuple[Term, Term]:
    """The open term, starting in three weeks, and the closed one before it."""
    starts = today + dt.timedelta(days=21)
    name = f"{_season(starts)} {starts.year}"
    if db.session.scalar(select(Term).where(Term.name == name)) is not None:
        raise ServiceError(f"A term named {name!r} exists already: the demo data is loaded.")
    refuse_second_open_term(None)  # the demo's term is open: it must be the only one
    term = Term(
        name=name,
        starts_on=starts,
        ends_on=starts + dt.timedelta(weeks=16),
        applications_open_on=today - dt.timedelta(days=30),
        applications_close_on=today + dt.timedelta(days=14),
        status=TermStatus.OPEN,
    )
    last = starts - dt.timedelta(weeks=20)
    previous = Term(
        name=f"{_season(last)} {last.year} (demo)",
        starts_on=starts - dt.timedelta(weeks=22),
        ends_on=starts - dt.timedelta(weeks=6),
        applications_open_on=starts - dt.timedelta(weeks=28),
        applications_close_on=starts - dt.timedelta(weeks=23),
        status=TermStatus.CLOSED,
    )
    db.session.add_all([term, previous])
    db.session.flush()
    return term, previous


def _coordinator(password_hash: str) -> User:
    """The first coordinator, or a demo one when there is none yet."""
    coordinator: User | None = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    if coordinator is None:
        coordinator = User(
            email=COORDINATOR_EMAIL,
            password_hash=password_hash,
            role=Role.COORDINATOR,
            display_name="Demo Coordinator",
            timezone="Asia/Seoul",
        )
        db.session.add(coordinator)
    return coordinator


def _ended_pair(term: Term, student: User, volunteer: User) -> Pair:
    """Last term's pair of two people, so that they can continue together."""
    return Pair(
        term_id=term.id,
        student_id=student.id,
        volunteer_id=volunteer.id,
        status=PairStatus.ENDED,
        score=70.0,
        overlap_hours=3.0,
        started_on=term.starts_on,
        ended_on=term.ends_on,
        end_reason="Term ended",
    )


def _enrollment(term: Term, approved: bool, continues: bool) -> Enrollment:
    status = EnrollmentStatus.APPROVED if approved else EnrollmentStatus.APPLIED
    return Enrollment(term=term, status=status, continue_partner=continues)


def _taken(model: type[Base], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers the model has a column for (never the sample's own id)."""
    return {name: answers[name] for name in column_names(model) if name in answers and name != "id"}


def _profile(model: type[Profile], sample: SampleStudent | SampleVolunteer) -> Profile:
    """The sample person's answers in the profile's columns."""
    values = _taken(model, dataclasses.asdict(sample))
    values.update(
        availability=_week(sample.availability),
        goals=list(sample.goals),
        interests=list(sample.interests),
        contact=_contact(sample.contact, sample.email),
    )
    for name in ("gender", "volunteer_gender"):  # the sample's "" is a question not answered
        if name in values:
            values[name] = values[name] or None
    return model(**values)


def _user(
    sample: SampleStudent | SampleVolunteer, password_hash: str, term: Term, approved: bool
) -> User:
    role = Role.STUDENT if isinstance(sample, SampleStudent) else Role.VOLUNTEER
    user = User(**_taken(User, dataclasses.asdict(sample)), password_hash=password_hash, role=role)
    if role == Role.STUDENT:
        user.student_profile = _profile(StudentProfile, sample)
    else:
        user.volunteer_profile = _profile(VolunteerProfile, sample)
    user.enrollments.append(_enrollment(term, approved, sample.continue_partner))
    return user


def _contact(route: str, email: str) -> str:
    """The sample says which route; a real person writes the address itself."""
    return f"Email: {email}" if route == "email" else route
