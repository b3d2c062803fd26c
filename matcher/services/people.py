"""The term's people table: search, filters, and the bulk actions on a whole cohort.

`find_people` is the one place that says who matches a search and its filters: the
table shows its rows a page at a time, and a bulk action "on everyone the filter
matches" runs it again here on the server, so that it covers the people on every page,
not only the ones the coordinator's browser showed.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from matcher.extensions import db
from matcher.models import (
    Enrollment,
    EnrollmentStatus,
    NotificationKind,
    Pair,
    PairStatus,
    Role,
    Term,
    User,
)
from matcher.services import audit, outbox, terms
from matcher.services.errors import ServiceError
from matcher.services.naming import label_of
from matcher.services.profiles import Completeness, completeness

PER_PAGE = 50
LONGEST_SEARCH = 200


class Show(enum.StrEnum):
    """The filters beyond the application's status."""

    INCOMPLETE = "incomplete"  # the profile still lacks something matching needs
    NO_AVAILABILITY = "no_availability"  # not one half hour of the week ticked
    NOT_ACCEPTED = "not_accepted"  # an imported or invited person who has not chosen a password
    UNCONFIRMED = "unconfirmed"  # signed up, and has not followed the emailed link yet
    PAIRED = "paired"  # in an active pair of this term
    UNMATCHED = "unmatched"  # approved, and in no active pair of this term


class BulkAction(enum.StrEnum):
    APPROVE = EnrollmentStatus.APPROVED.value
    WITHDRAW = EnrollmentStatus.WITHDRAWN.value
    RESET = EnrollmentStatus.APPLIED.value
    REMIND = "remind"  # email each person what their profile still lacks


@dataclass(frozen=True)
class PeopleQuery:
    """A search ("#41" is a short id; otherwise part of a name, an email or an id) and
    filters; empty strings mean "anyone"."""

    search: str = ""
    role: str = ""
    status: str = ""
    show: str = ""

    def check(self) -> None:
        if len(self.search) > LONGEST_SEARCH:
            raise ServiceError(_("Search with fewer words."), "q")
        if self.role and self.role not in (Role.STUDENT, Role.VOLUNTEER):
            raise ServiceError(_("Choose students, volunteers or everyone."), "role")
        if self.status and self.status not in set(EnrollmentStatus):
            raise ServiceError(_("Choose a status from the list."), "status")
        if self.show and self.show not in set(Show):
            raise ServiceError(_("Choose a filter from the list."), "show")


@dataclass(frozen=True)
class PersonRow:
    """One person of the term, as the coordinator's table shows them."""

    enrollment: Enrollment
    user: User
    completeness: Completeness
    label: str  # naming.person_label: "Mirae · #41 · Seoul"
    paired: bool

    @property
    def invitation_accepted(self) -> bool:
        return self.user.password_hash is not None

    @property
    def unconfirmed(self) -> bool:
        """Signed up but never followed the emailed link: cannot sign in, may never come back,
        and the address may be mistyped or someone else's."""
        return bool(self.user.unconfirmed_sign_up)


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonRow]  # this page's
    total: int  # everyone the search and filters match
    page: int
    pages: int


def _paired_ids(term: Term) -> set[int]:
    rows = db.session.execute(
        select(Pair.student_id, Pair.volunteer_id).where(
            Pair.term_id == term.id, Pair.status == PairStatus.ACTIVE
        )
    )
    return {user_id for pair in rows for user_id in pair}


def _matches_search(user: User, search: str) -> bool:
    if search.startswith("#"):
        return search[1:].strip() == str(user.id)
    needle = search.casefold()
    return (
        needle in user.display_name.casefold()
        or needle in user.email.casefold()
        or needle == str(user.id)
    )


def _matches_show(row: PersonRow, show: str) -> bool:
    profile = row.user.profile
    return {
        "": True,
        Show.INCOMPLETE: not row.completeness.complete,
        Show.NO_AVAILABILITY: profile is None or profile.slot_count == 0,
        Show.NOT_ACCEPTED: not row.invitation_accepted,
        Show.UNCONFIRMED: row.unconfirmed,
        Show.PAIRED: row.paired,
        Show.UNMATCHED: row.enrollment.status == EnrollmentStatus.APPROVED and not row.paired,
    }[show]


def find_people(term: Term, query: PeopleQuery) -> list[PersonRow]:
    """Everyone of the term that the search and the filters match: students first, then
    volunteers, each by name. Completeness is `profiles.completeness`, the same function
    that says what a reminder lists and who a round leaves out."""
    query.check()
    select_enrollments = (
        select(Enrollment)
        .join(Enrollment.user)
        .where(Enrollment.term_id == term.id, User.role.in_([Role.STUDENT, Role.VOLUNTEER]))
        .options(
            selectinload(Enrollment.user).selectinload(User.student_profile),
            selectinload(Enrollment.user).selectinload(User.volunteer_profile),
        )
    )
    if query.role:
        select_enrollments = select_enrollments.where(User.role == query.role)
    if query.status:
        select_enrollments = select_enrollments.where(Enrollment.status == query.status)
    paired = _paired_ids(term)
    search = query.search.strip()
    rows = []
    for enrollment in db.session.scalars(select_enrollments):
        user = enrollment.user
        if search and not _matches_search(user, search):
            continue
        row = PersonRow(enrollment, user, completeness(user), label_of(user), user.id in paired)
        if _matches_show(row, query.show):
            rows.append(row)
    rows.sort(
        key=lambda r: (r.user.role != Role.STUDENT, r.user.display_name.casefold(), r.user.id)
    )
    return rows


def page_of(rows: list[PersonRow], page: int, per_page: int = PER_PAGE) -> PeoplePage:
    """One page of the rows (the last page if `page` is past it)."""
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(1, page), pages)
    return PeoplePage(rows[(page - 1) * per_page : page * per_page], len(rows), page, pages)


def unconfirmed_count(term: Term) -> int:
    """How many of the term's people signed up and have not confirmed their address: the
    same people as the UNCONFIRMED filter, counted by the database."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .join(Enrollment.user)
            .where(
                Enrollment.term_id == term.id,
                User.role.in_([Role.STUDENT, Role.VOLUNTEER]),
                User.unconfirmed_sign_up,
            )
        )
        or 0
    )


@dataclass(frozen=True)
class BulkOutcome:
    changed: int  # people updated, or reminded
    skipped: int = 0  # people a reminder did not go to (complete, withdrawn, not signed up)
    # People left out because their sign-up is not confirmed: not approved, or not reminded.
    unconfirmed: int = 0


def chosen_enrollments(
    term: Term, enrollment_ids: Sequence[int], everyone_matching: PeopleQuery | None
) -> list[Enrollment]:
    """The enrollments a bulk action is for: those ticked, or, with `everyone_matching`,
    everyone the search and filters match now (run again here, not taken from the page)."""
    if everyone_matching is not None:
        found = [row.enrollment for row in find_people(term, everyone_matching)]
        if not found:
            raise ServiceError(_("Nobody matches this search and these filters any more."))
        return found
    return terms.term_enrollments(term, enrollment_ids)


def bulk_action(
    term: Term,
    action: str,
    *,
    enrollment_ids: Sequence[int] = (),
    everyone_matching: PeopleQuery | None = None,
    by: User,
    today: dt.date,
) -> BulkOutcome:
    """Approve, withdraw, reset or remind the people chosen: all of them, or nothing (the
    edge rolls the use case back on a refusal). People whose sign-up is not confirmed are
    never approved (`terms.approvable`): they are left out and counted, and if nobody else
    was chosen, the approval is refused."""
    if action not in set(BulkAction):
        raise ServiceError(_("Choose an action from the list."), "action")
    chosen = chosen_enrollments(term, enrollment_ids, everyone_matching)
    if action == BulkAction.REMIND:
        return remind(term, chosen, by=by)
    unconfirmed = 0
    if action == BulkAction.APPROVE:
        allowed = [e for e in chosen if terms.approvable(e)]
        if not allowed:
            raise terms.unconfirmed_refusal()
        chosen, unconfirmed = allowed, len(chosen) - len(allowed)
    ids = [e.id for e in chosen]
    changed = terms.set_enrollment_status(term, ids, action, by=by, today=today)
    return BulkOutcome(changed, unconfirmed=unconfirmed)


def remind(term: Term, chosen: Sequence[Enrollment], *, by: User) -> BulkOutcome:
    """Queue a PROFILE_REMINDER to each chosen person whose profile is incomplete; the email
    lists what it lacks (`profiles.completeness`, computed when it is sent). Nobody
    withdrawn, complete, or without a password yet (they need their invitation instead);
    nobody whose sign-up is not confirmed either (they cannot sign in to complete it, and
    the address may not be theirs), counted apart so that the page can say why."""
    lacking = [
        e.user
        for e in chosen
        if e.status != EnrollmentStatus.WITHDRAWN
        and e.user.password_hash is not None
        and not completeness(e.user).complete
    ]
    to_remind = [user for user in lacking if not user.unconfirmed_sign_up]
    unconfirmed = len(lacking) - len(to_remind)
    if not to_remind and unconfirmed:
        raise ServiceError(
            _(
                "Nobody to remind: the people you chose who lack something have not confirmed "
                "their email address yet, so they cannot sign in to complete their profile."
            )
        )
    if not to_remind:
        raise ServiceError(
            _(
                "Nobody to remind: everyone you chose has a complete profile, has withdrawn, "
                "or has not accepted their invitation yet."
            )
        )
    for user in to_remind:
        outbox.queue_email(user, NotificationKind.PROFILE_REMINDER, term_id=term.id)
        audit.record(by, "profile.reminded", subject=user, term_id=term.id)
    return BulkOutcome(len(to_remind), len(chosen) - len(lacking), unconfirmed)
