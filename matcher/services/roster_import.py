"""Roster import: a coordinator brings a term's students and volunteers in from CSV files.

Two use cases. `preview` reads the files (the format of ``docs/csv-format.md``, through
the same parser as the CSV mode, `matcher.roster`), says for each person whether they are
new, updated or unchanged and lists every problem with its row, column and what to fix;
when there is none it keeps the decoded files server-side (`RosterUpload`, a random id, an
hour) and nothing else is written. `confirm` reads the kept files again against the
database as it is then and writes everything or, on any problem, nothing.

People are matched by email, case-insensitively. An import sets profile answers, the
display name, the time zone and "continue with my partner"; never a password, a role or a
consent. New people get an account without a password (they choose one from their
invitation), their language from the `language` column, and a profile marked
`from_import` until they confirm it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, null, select
from sqlalchemy.orm import selectinload

from matcher.engine import Student, Volunteer, vocab
from matcher.extensions import db
from matcher.models import (
    Enrollment,
    Role,
    RosterUpload,
    StudentProfile,
    Term,
    User,
    VolunteerProfile,
)
from matcher.models.base import as_utc
from matcher.roster import (
    RosterError,
    RosterRow,
    RosterText,
    Vocabulary,
    decode,
    ignored_values,
    read_people,
)
from matcher.services import audit
from matcher.services.accounts import normalise_email
from matcher.services.errors import ServiceError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
UPLOAD_LIFETIME = dt.timedelta(hours=1)
ROLES = (Role.STUDENT, Role.VOLUNTEER)
_CLASSES: dict[Role, type[Student] | type[Volunteer]] = {
    Role.STUDENT: Student,
    Role.VOLUNTEER: Volunteer,
}
# Profile columns an import sets, per role (the engine's field names; see _answers).
_SHARED = ("goals", "interests", "gender", "format", "city", "availability")
_PROFILE_FIELDS = {
    Role.STUDENT: (*_SHARED, "english_level", "volunteer_gender", "volunteer_gender_required"),
    Role.VOLUNTEER: (*_SHARED, "experience", "korean_level", "capacity"),
}


@dataclass(frozen=True)
class UploadedFile:
    """A file as the browser sent it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the row (the header is row 1) and column, when known."""

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class PersonLine:
    """One person as read, and what the import would do: new, updated, unchanged or error."""

    row: int
    display_name: str
    email: str
    change: str


@dataclass
class FilePreview:
    role: Role
    name: str
    encoding: str = "utf-8"
    people: list[PersonLine] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_interests: list[str] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for p in self.people if p.change == change)


@dataclass
class Preview:
    """What an import would do; `upload_id` names the kept files when it can be confirmed."""

    files: list[FilePreview]
    upload_id: str | None = None

    @property
    def problems(self) -> int:
        return sum(len(f.problems) for f in self.files)

    def count(self, change: str) -> int:
        return sum(f.count(change) for f in self.files)


@dataclass
class _Plan:
    """A row that can be imported: the person's answers, and the account if they have one."""

    role: Role
    row: RosterRow
    email: str
    user: User | None
    change: str = "new"


def preview(
    term: Term,
    coordinator: User,
    files: Mapping[Role, UploadedFile],
    *,
    vocabulary: Vocabulary,
    now: dt.datetime,
) -> Preview:
    """Read the files and say what importing them would do; keep them if it can be done.

    Raises ServiceError only when no file was given; every problem with a file is in the
    preview."""
    if not files:
        raise ServiceError(_("Choose a students file, a volunteers file or both."), "students")
    _forget_expired(now)
    texts: dict[Role, dict[str, str]] = {}
    previews = []
    for role in ROLES:
        if role not in files:
            continue
        upload = files[role]
        file_preview = FilePreview(role, upload.name)
        previews.append(file_preview)
        if len(upload.data) > MAX_BYTES:
            file_preview.problems.append(Problem(None, None, _too_big()))
            continue
        try:
            text, file_preview.encoding = decode(upload.data)
        except ValueError:
            file_preview.problems.append(
                Problem(
                    None,
                    None,
                    _(
                        "This file is neither UTF-8 nor CP949 (Korean Windows). "
                        "Save it from your spreadsheet as “CSV UTF-8” and upload it again."
                    ),
                )
            )
            continue
        texts[role] = {"name": upload.name, "text": text, "encoding": file_preview.encoding}
    plans = _read(term, {r: t["text"] for r, t in texts.items()}, previews, vocabulary)
    result = Preview(previews)
    if plans is not None and not result.problems and result.files:
        upload_row = RosterUpload(
            id=secrets.token_urlsafe(32),
            coordinator_id=coordinator.id,
            term_id=term.id,
            files={role.value: value for role, value in texts.items()},
            created_at=now,
            expires_at=now + UPLOAD_LIFETIME,
        )
        db.session.add(upload_row)
        db.session.flush()
        result.upload_id = upload_row.id
    return result


def _too_big() -> str:
    return _(
        "This file is larger than %(mb)d MB. Split it in parts and import each.",
        mb=MAX_BYTES // (1024 * 1024),
    )


def confirm(
    term: Term, coordinator: User, upload_id: str, *, vocabulary: Vocabulary, now: dt.datetime
) -> Preview:
    """Import the files kept by `preview`: all of it, or nothing if any problem shows now."""
    upload = db.session.get(RosterUpload, upload_id) if upload_id else None
    if (
        upload is None
        or upload.coordinator_id != coordinator.id
        or upload.term_id != term.id
        or as_utc(upload.expires_at) <= now
    ):
        raise ServiceError(
            _("This preview has expired or was already imported. Upload the files again.")
        )
    previews = [
        FilePreview(Role(role), value["name"], value["encoding"])
        for role, value in sorted(upload.files.items(), key=lambda item: ROLES.index(item[0]))
    ]
    plans = _read(term, {Role(r): v["text"] for r, v in upload.files.items()}, previews, vocabulary)
    result = Preview(previews)
    if plans is None or result.problems:
        raise ServiceError(
            _(
                "Something changed since the preview: %(n)d problems now. "
                "Upload the files again to see them.",
                n=result.problems,
            )
        )
    for plan in plans:
        _apply(term, plan)
    db.session.delete(upload)
    db.session.flush()
    audit.record(
        coordinator,
        "roster.imported",
        term_id=term.id,
        new=result.count("new"),
        updated=result.count("updated"),
        unchanged=result.count("unchanged"),
    )
    return result


def _forget_expired(now: dt.datetime) -> None:
    db.session.execute(delete(RosterUpload).where(RosterUpload.expires_at <= now))


def _read(
    term: Term,
    texts: Mapping[Role, str],
    previews: list[FilePreview],
    vocabulary: Vocabulary,
) -> list[_Plan] | None:
    """Parse each file, then plan each row against the database; problems go to the
    previews. None when a file could not be read at all."""
    by_role = {p.role: p for p in previews}
    read: dict[Role, list[RosterRow]] = {}
    for role, text in texts.items():
        try:
            read[role] = read_people(
                RosterText(text),
                _CLASSES[role],
                by_role[role].name,
                optional=("language",),
                vocabulary=vocabulary,
                max_rows=MAX_ROWS,
            )
        except RosterError as error:
            by_role[role].problems.append(_problem(error))
        else:
            if not read[role]:
                by_role[role].problems.append(
                    Problem(None, None, _("This file has no people: only its header row."))
                )
    if len(read) != len(texts):
        return None
    plans: list[_Plan] = []
    seen: dict[str, tuple[Role, int]] = {}
    emails = []
    for role, rows in read.items():
        for row in rows:
            email = row.values.get("email", "").strip()
            try:
                email = normalise_email(email) if email else ""
            except ServiceError as error:
                row.problems.append(_cell(row, "email", error.message))
                email = ""
            else:
                if not email:
                    row.problems.append(
                        _cell(row, "email", _("is empty: every person needs an email address."))
                    )
            if email in seen:
                first_role, first_row = seen[email]
                where = (
                    _("row %(row)d", row=first_row)
                    if first_role == role
                    else _("row %(row)d of the other file", row=first_row)
                )
                row.problems.append(
                    _cell(
                        row, "email", _("%(email)s is also on %(where)s.", email=email, where=where)
                    )
                )
            elif email:
                seen[email] = (role, row.number)
                emails.append(email)
            plans.append(_Plan(role, row, email, None))
    existing = _existing(emails)
    for plan in plans:
        plan.user = existing.get(plan.email)
        _judge(term, plan)
        preview_of = by_role[plan.role]
        preview_of.problems.extend(_problem(p) for p in plan.row.problems)
        preview_of.people.append(
            PersonLine(
                plan.row.number,
                plan.row.values.get("display_name", "").strip(),
                plan.email or plan.row.values.get("email", "").strip(),
                "error" if plan.row.problems else plan.change,
            )
        )
    for role, rows in read.items():
        by_role[role].ignored_interests = ignored_values(rows)
    return [plan for plan in plans if not plan.row.problems]


def _cell(row: RosterRow, column: str, message: str) -> RosterError:
    return RosterError("", row.number, column, message)


def _problem(error: RosterError) -> Problem:
    return Problem(error.row, error.column, error.message)


def _existing(emails: Iterable[str]) -> dict[str, User]:
    """The accounts with these addresses (case-insensitive), with profiles and enrollments."""
    wanted = list(emails)
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        users = db.session.scalars(
            select(User)
            .where(func.lower(User.email).in_(chunk))
            .options(
                selectinload(User.student_profile),
                selectinload(User.volunteer_profile),
                selectinload(User.enrollments),
            )
        )
        found.update({user.email.lower(): user for user in users})
    return found


def _judge(term: Term, plan: _Plan) -> None:
    """Whether the row's person is new, updated or unchanged; or why they cannot be imported."""
    row, user = plan.row, plan.user
    if not row.values.get("display_name", "").strip():
        row.problems.append(_cell(row, "display_name", _("is empty: enter the person's name.")))
    if user is None:
        plan.change = "new"
        return
    if user.role == Role.COORDINATOR:
        row.problems.append(
            _cell(row, "email", _("%(email)s is a coordinator's address.", email=plan.email))
        )
    elif user.role != plan.role:
        message = (
            _("%(email)s belongs to a volunteer; one address cannot be both.", email=plan.email)
            if user.role == Role.VOLUNTEER
            else _("%(email)s belongs to a student; one address cannot be both.", email=plan.email)
        )
        row.problems.append(_cell(row, "email", message))
    if row.problems:
        return
    plan.change = "updated" if _differences(term, plan) else "unchanged"


def _answers(plan: _Plan) -> dict[str, Any]:
    """The profile columns the row sets, as the profile stores them."""
    answers = plan.row.answers
    out: dict[str, Any] = {}
    for name in _PROFILE_FIELDS[plan.role]:
        value = answers[name]
        if name == "goals":
            value = [code for code in vocab.GOALS if code in value]
        elif name == "interests":
            value = [code for code in vocab.INTERESTS if code in value]
        elif name == "availability":
            value = "".join("1" if slot else "0" for slot in value)
        elif name == "city":
            value = value.strip()
        elif isinstance(value, str) and name != "city":
            value = value or None
        out[name] = value
    ignored = [value for _, value in plan.row.ignored]
    if ignored:
        out["interests_other"] = ", ".join(ignored)[:200]
    return out


def _user_answers(plan: _Plan) -> dict[str, Any]:
    return {
        "display_name": plan.row.answers["display_name"].strip()[:80],
        "timezone": plan.row.answers["timezone"],
    }


def _differences(term: Term, plan: _Plan) -> bool:
    user = plan.user
    assert user is not None
    profile = user.profile
    if profile is None:
        return True
    for name, value in _answers(plan).items():
        if getattr(profile, name) != value:
            return True
    for name, value in _user_answers(plan).items():
        if getattr(user, name) != value:
            return True
    enrollment = next((e for e in user.enrollments if e.term_id == term.id), None)
    return enrollment is None or enrollment.continue_partner != plan.row.answers["continue_partner"]


def _apply(term: Term, plan: _Plan) -> None:
    """Write one planned row: a new account, or the existing person's answers."""
    if plan.change == "unchanged":
        return
    user = plan.user
    if user is None:
        user = User(
            email=plan.email,
            password_hash=None,
            email_confirmed_at=null(),  # None would let the column's default (now) fire
            role=plan.role,
            locale=plan.row.answers.get("language") or "en",
            **_user_answers(plan),
        )
        db.session.add(user)
    else:
        for name, value in _user_answers(plan).items():
            setattr(user, name, value)
    profile: StudentProfile | VolunteerProfile
    if plan.role == Role.STUDENT:
        profile = user.student_profile or StudentProfile()
        user.student_profile = profile
    else:
        profile = user.volunteer_profile or VolunteerProfile()
        user.volunteer_profile = profile
    for name, value in _answers(plan).items():
        setattr(profile, name, value)
    profile.from_import = True
    enrollment = next((e for e in user.enrollments if e.term_id == term.id), None)
    if enrollment is None:
        enrollment = Enrollment(term=term)
        user.enrollments.append(enrollment)
    enrollment.continue_partner = plan.row.answers["continue_partner"]
