"""Terms: creating, editing, enrollments (a person applying to a term), and who takes part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import EndReason, Enrollment, EnrollmentStatus, Role, Term, TermStatus, User
from matcher.models.term import DEFAULT_CHECK_IN_WEEKS
from matcher.services import audit, checkins, leaving, reports
from matcher.services.errors import ServiceError


@dataclass(frozen=True)
class TermData:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    applications_open_on: dt.date
    applications_close_on: dt.date
    status: str
    volunteers_take_several: bool = False  # else one student per volunteer
    # Weeks after a pair starts when its people are asked to check in; empty: never.
    check_in_weeks: tuple[int, ...] = DEFAULT_CHECK_IN_WEEKS


def _check(data: TermData, term: Term | None) -> None:
    name = data.name.strip()
    if not name:
        raise ServiceError(_("Give the term a name."), "name")
    same_name = select(exists().where(func.lower(Term.name) == name.lower()))
    if term is not None:
        same_name = select(
            exists().where(func.lower(Term.name) == name.lower(), Term.id != term.id)
        )
    if db.session.scalar(same_name):
        raise ServiceError(_("Another term already has this name."), "name")
    if data.ends_on <= data.starts_on:
        raise ServiceError(_("The term must end after it starts."), "ends_on")
    if data.applications_close_on < data.applications_open_on:
        raise ServiceError(
            _("Applications must close on or after the day they open."), "applications_close_on"
        )
    if data.applications_close_on > data.ends_on:
        raise ServiceError(
            _("Applications must close before the term ends."), "applications_close_on"
        )
    if data.status not in set(TermStatus):
        raise ServiceError(_("Choose a status from the list."), "status")
    problem = checkins.check_in_weeks_problem(data.check_in_weeks)
    if problem:
        raise ServiceError(problem, "check_in_weeks")


def _values(data: TermData) -> dict[str, object]:
    """The term's columns from the form's data."""
    return {
        **data.__dict__,
        "name": data.name.strip(),
        "check_in_weeks": sorted(data.check_in_weeks),
    }


def create_term(data: TermData, *, by: User) -> Term:
    _check(data, None)
    if data.status == TermStatus.OPEN:
        refuse_second_open_term(None)
    term = Term(**_values(data))
    if term.status == TermStatus.CLOSED:  # a past term, entered after the fact
        term.closed_on = data.ends_on
    db.session.add(term)
    db.session.flush()
    audit.record(by, "term.created", term_id=term.id, name=term.name)
    return term


def update_term(term: Term, data: TermData, *, by: User, today: dt.date) -> Term:
    _check(data, term)
    status = TermStatus(data.status)
    if status != term.status:
        refuse_move(term, status)
    for key, value in _values(data).items():
        if key != "status":
            setattr(term, key, value)
    if status != term.status:
        _move(term, status, by=by, today=today)
    audit.record(by, "term.updated", term_id=term.id, status=term.status)
    return term


# The term's life: draft -> open (applications) -> matching -> published (running) -> closed.
# A coordinator may step back from open to draft and from matching to open; publishing a
# round (services.publishing) is the only way into "published", from open or matching.
TRANSITIONS: dict[TermStatus, frozenset[TermStatus]] = {
    TermStatus.DRAFT: frozenset({TermStatus.OPEN}),
    TermStatus.OPEN: frozenset({TermStatus.DRAFT, TermStatus.MATCHING}),
    TermStatus.MATCHING: frozenset({TermStatus.OPEN}),
    TermStatus.PUBLISHED: frozenset({TermStatus.CLOSED}),
    TermStatus.CLOSED: frozenset(),
}
# The next step the term page offers: (target status, what the button says is the sentence's).
NEXT_STEP: dict[TermStatus, TermStatus | None] = {
    TermStatus.DRAFT: TermStatus.OPEN,
    TermStatus.OPEN: TermStatus.MATCHING,
    TermStatus.MATCHING: None,  # the next step is to publish a round
    TermStatus.PUBLISHED: TermStatus.CLOSED,
    TermStatus.CLOSED: None,
}


def refuse_move(term: Term, status: TermStatus) -> None:
    """A ServiceError saying why the term cannot go from its status to `status`, if it cannot."""
    if status == TermStatus.PUBLISHED and term.status in (TermStatus.OPEN, TermStatus.MATCHING):
        raise ServiceError(_("A term starts running when you publish one of its rounds."), "status")
    if term.status == TermStatus.CLOSED:
        raise ServiceError(_("This term is closed; a closed term does not change any more."))
    if status not in TRANSITIONS[TermStatus(term.status)]:
        raise ServiceError(
            _(
                "A term cannot go from “%(old)s” to “%(new)s”. It goes draft, open, matching, "
                "running (published), closed.",
                old=term.status,
                new=status,
            ),
            "status",
        )
    if status == TermStatus.OPEN:
        refuse_second_open_term(term)


def refuse_second_open_term(term: Term | None) -> None:
    """Only one term takes applications at a time: registration then never has to guess
    which one a new person applies to. Refuses, naming the term that is open already."""
    query = select(Term).where(Term.status == TermStatus.OPEN)
    if term is not None:
        query = query.where(Term.id != term.id)
    other = db.session.scalars(query.order_by(Term.id)).first()
    if other is not None:
        raise ServiceError(
            _(
                "%(term)s is open for applications already, and only one term can be open at "
                "a time. Move %(term)s on to matching (or back to draft) first.",
                term=other.name,
            ),
            "status",
        )


def _move(term: Term, status: TermStatus, *, by: User | None, today: dt.date) -> None:
    old = term.status
    term.status = status
    term.closed_on = today if status == TermStatus.CLOSED else None
    audit.record(by, "term.status_changed", term_id=term.id, old=old, new=status)
    if status == TermStatus.CLOSED:  # its anonymous figures outlive its personal data
        reports.store(term, today)


def change_status(term: Term, status: str, *, by: User, today: dt.date) -> None:
    """Move the term one step along its life, or refuse with a message (the one place)."""
    if status not in set(TermStatus):
        raise ServiceError(_("Choose a status from the list."), "status")
    refuse_move(term, TermStatus(status))
    _move(term, TermStatus(status), by=by, today=today)


CONTACT_DAYS_AFTER_CLOSE = 30


def can_publish(term: Term) -> bool:
    """Whether publishing a full round may start the term (from open or matching)."""
    return term.status in (TermStatus.OPEN, TermStatus.MATCHING)


def contacts_hidden(term: Term, today: dt.date) -> bool:
    """A closed term's partners stop seeing each other's contact details 30 days on."""
    return term.closed_on is not None and today >= term.closed_on + dt.timedelta(
        days=CONTACT_DAYS_AFTER_CLOSE
    )


def get_term(term_id: int) -> Term | None:
    return db.session.get(Term, term_id)


def find_term(name_or_id: str) -> Term | None:
    """The term with this name, else with this id (for the command line)."""
    term = db.session.scalar(select(Term).where(Term.name == name_or_id))
    if term is None and name_or_id.isascii() and name_or_id.isdigit() and len(name_or_id) < 10:
        term = get_term(int(name_or_id))
    return term


def list_terms() -> Sequence[Term]:
    return db.session.scalars(select(Term).order_by(Term.starts_on.desc(), Term.id.desc())).all()


def term_open_for_enrollment(today: dt.date) -> Term | None:
    """The term people can apply to now (the soonest-closing if several are open)."""
    return db.session.scalars(
        select(Term)
        .where(
            Term.status == TermStatus.OPEN,
            Term.applications_open_on <= today,
            Term.applications_close_on >= today,
        )
        .order_by(Term.applications_close_on, Term.id)
    ).first()


def next_enrollment_window(today: dt.date) -> Term | None:
    """The next term whose applications open later, to tell visitors when to come back."""
    return db.session.scalars(
        select(Term)
        .where(
            Term.status.in_([TermStatus.DRAFT, TermStatus.OPEN]),
            Term.applications_open_on > today,
        )
        .order_by(Term.applications_open_on, Term.id)
    ).first()


def next_term_for(user: User, today: dt.date) -> Term | None:
    """The open term a person from a past term can apply to in one click (their profile
    carries over): None for a newcomer, a coordinator, or someone who applied already."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        return None
    term = term_open_for_enrollment(today)
    if term is None or enrollment_of(user, term) is not None:
        return None
    earlier = db.session.scalar(
        select(exists().where(Enrollment.user_id == user.id, Enrollment.term_id != term.id))
    )
    return term if earlier else None


def enrollment_of(user: User, term: Term) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.term_id == term.id)
    )


def term_enrollment(term: Term, enrollment_id: int) -> Enrollment | None:
    """The enrollment if it belongs to `term`, else None."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    return enrollment if enrollment is not None and enrollment.term_id == term.id else None


def enrollment_ids(term: Term) -> list[int]:
    return list(db.session.scalars(select(Enrollment.id).where(Enrollment.term_id == term.id)))


def enroll(user: User, term: Term, *, today: dt.date) -> Enrollment:
    """A returning student or volunteer applies to a new term."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        raise ServiceError(_("Only students and volunteers apply to terms."))
    if not term.accepts_applications(today):
        raise ServiceError(_("Applications for %(term)s are closed.", term=term.name))
    existing = enrollment_of(user, term)
    if existing is not None:
        return existing
    enrollment = Enrollment(term=term, user=user)
    db.session.add(enrollment)
    db.session.flush()
    audit.record(user, "enrollment.applied", subject=user, term_id=term.id)
    return enrollment


def status_counts(term: Term) -> dict[tuple[str, str], int]:
    """(role, status) -> how many."""
    rows = db.session.execute(
        select(User.role, Enrollment.status, func.count())
        .join(Enrollment.user)
        .where(Enrollment.term_id == term.id)
        .group_by(User.role, Enrollment.status)
    )
    return {(role, status): n for role, status, n in rows}


def term_enrollments(term: Term, enrollment_ids: Sequence[int]) -> list[Enrollment]:
    """The term's enrollments with these ids, or a refusal if one is not the term's."""
    ids = set(enrollment_ids)
    if not ids:
        raise ServiceError(_("Tick at least one person first."))
    found = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.term_id == term.id, Enrollment.id.in_(ids))
        .options(selectinload(Enrollment.user))
        .order_by(Enrollment.id)
    ).all()
    if len(found) != len(ids):
        raise ServiceError(
            _("Some of the people you ticked are not in this term. Reload the page.")
        )
    return list(found)


def approvable(enrollment: Enrollment) -> bool:
    """Whether approving is allowed: never for a sign-up whose address is not confirmed (the
    address may be mistyped or someone else's, and they cannot sign in); unchanged if they
    are approved already."""
    return enrollment.status == EnrollmentStatus.APPROVED or not enrollment.user.unconfirmed_sign_up


def unconfirmed_refusal() -> ServiceError:
    return ServiceError(
        _(
            "Not approved: they have not confirmed their email address yet, so they cannot "
            "sign in. They can be approved once they follow the link we emailed them."
        )
    )


def set_enrollment_status(
    term: Term, enrollment_ids: Sequence[int], status: str, *, by: User, today: dt.date
) -> int:
    """Approve, withdraw or reset several of the term's enrollments at once; how many changed.
    Approving someone whose sign-up is not confirmed is refused (`approvable`).

    A person withdrawn from a term that is not closed leaves: their pair ends and the
    partner is told (services.leaving).
    """
    if status not in set(EnrollmentStatus):
        raise ServiceError(_("Choose approve, withdraw or back to applied."))
    found = term_enrollments(term, enrollment_ids)
    if status == EnrollmentStatus.APPROVED and any(not approvable(e) for e in found):
        raise unconfirmed_refusal()
    changed = 0
    for enrollment in found:
        if enrollment.status != status:
            enrollment.status = EnrollmentStatus(status)
            changed += 1
            audit.record(by, f"enrollment.{status}", subject=enrollment.user, term_id=term.id)
            if status == EnrollmentStatus.WITHDRAWN and term.status != TermStatus.CLOSED:
                leaving.end_pairs_of_leaver(
                    enrollment.user,
                    EndReason.WITHDRAWN_BY_COORDINATOR,
                    by=by,
                    today=today,
                    term=term,
                )
    return changed
