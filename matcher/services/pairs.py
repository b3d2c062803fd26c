"""Published pairs: what each person sees of their partner, ending pairs, re-match requests."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from matcher import engine
from matcher.extensions import db
from matcher.models import (
    ConstraintKind,
    EndReason,
    NotificationKind,
    Pair,
    PairStatus,
    RematchRequest,
    Role,
    Term,
    TermStatus,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit, leaving, outbox, terms
from matcher.services.errors import ServiceError
from matcher.services.profiles import engine_person
from matcher.services.rounds import set_constraint
from matcher.services.timezones import clock_changes


@dataclass(frozen=True)
class CommonPeriod:
    """The pair's common weekly times in one zone from `since` to `until` (both included).

    A period after the first starts on the day the clocks change in `changes_in` (zones), as
    the clocks of the zone shown read that day; it holds the times of that day on.
    """

    since: dt.date
    until: dt.date
    intervals: tuple[engine.Interval, ...]
    changes_in: tuple[str, ...] = ()

    @property
    def hours(self) -> float:
        return sum(i.minutes for i in self.intervals) / 60

    @property
    def partial(self) -> bool:
        """Shorter than a week: some days of the week do not occur in it."""
        return (self.until - self.since).days < 6


@dataclass(frozen=True)
class PartnerCard:
    """What a person may see of one partner once the pairs are published, and nothing else.

    The page is rendered from this alone, so no template can reach a legal name, a
    coordinator's note or an email address by accident.
    """

    pair_id: int
    term_name: str
    role: str  # the partner's: student or volunteer
    display_name: str
    timezone: str  # the partner's
    english_level: str | None  # a student partner's level and goals
    goals: tuple[str, ...]
    experience: str | None  # a volunteer partner's experience and Korean
    korean_level: str | None
    shared_interests: tuple[str, ...]
    format: str | None
    city: str
    contact: str  # the route the partner chose to share; "" 30 days after the term closed
    my_timezone: str
    common_in_my_zone: tuple[CommonPeriod, ...]
    common_in_partner_zone: tuple[CommonPeriod, ...]
    requested_on: dt.date | None  # when I asked the coordinators for a new partner, if open
    past: bool = False  # the term is closed: a past pair, read only (no re-match request)

    @property
    def hours(self) -> float:
        """The fewest common hours of a whole week of the term left."""
        periods = self.common_in_my_zone
        whole = [c.hours for c in periods if not c.partial] or [c.hours for c in periods]
        return min(whole, default=0.0)


def common_periods(
    student: engine.Student,
    volunteer: engine.Volunteer,
    starts_on: dt.date,
    ends_on: dt.date,
    zone: str,
    today: dt.date,
) -> tuple[CommonPeriod, ...]:
    """From now to the term's end, the pair's common weekly times as the clock in `zone`
    shows them, in periods cut on the real days the clocks change (in the student's, the
    volunteer's or the shown zone), exact to the day: a time on the day of a change
    belongs to the new period when it comes after the change.

    A period shorter than a week lists only the days of the week it has.
    """
    first, last = max(today, starts_on), ends_on
    if first > last:
        return ()
    changes: dict[dt.date, list[str]] = {}
    for name in sorted({student.timezone, volunteer.timezone, zone}):
        for change in clock_changes(name, first, last):
            day = change.day_in(zone)
            if first < day <= last and name not in changes.setdefault(day, []):
                changes[day].append(name)
    starts = [first, *sorted(changes)]
    found: list[CommonPeriod] = []
    for k, since in enumerate(starts):
        until = starts[k + 1] - dt.timedelta(days=1) if k + 1 < len(starts) else last
        intervals = engine.common_availability(student, volunteer, since, until, zone)
        if (until - since).days < 6:  # only the days of the week this period has
            days = {
                (since + dt.timedelta(days=d)).weekday() for d in range((until - since).days + 1)
            }
            intervals = tuple(i for i in intervals if i.day in days)
        if found and found[-1].intervals == intervals:
            found[-1] = dataclasses.replace(found[-1], until=until)
        else:
            found.append(CommonPeriod(since, until, intervals, tuple(changes.get(since, ()))))
    return tuple(found)


def _own_pairs(user: User, *where: ColumnElement[bool]) -> list[Pair]:
    """Every query for pairs a person may see goes through here: their own, published."""
    column = Pair.student_id if user.role == Role.STUDENT else Pair.volunteer_id
    query = (
        select(Pair)
        .join(Term, Term.id == Pair.term_id)
        .where(column == user.id, Pair.status == PairStatus.ACTIVE, *where)
        .where(Term.published_round_id.is_not(None))
        .options(
            selectinload(Pair.student).selectinload(User.student_profile),
            selectinload(Pair.volunteer).selectinload(User.volunteer_profile),
        )
        .order_by(Pair.id)
    )
    return list(db.session.scalars(query))


def partner_cards(user: User, today: dt.date) -> list[PartnerCard]:
    """The person's active published pairs; nothing before publication, nobody else's."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        return []
    return [_card(user, pair, today) for pair in _own_pairs(user)]


def _card(user: User, pair: Pair, today: dt.date) -> PartnerCard:
    term = db.session.get(Term, pair.term_id)
    assert term is not None and pair.student is not None and pair.volunteer is not None
    s_profile, v_profile = pair.student.student_profile, pair.volunteer.volunteer_profile
    assert s_profile is not None and v_profile is not None
    student = engine_person(engine.Student, pair.student)
    volunteer = engine_person(engine.Volunteer, pair.volunteer)
    to_student = user.role == Role.VOLUNTEER  # the card shows the student
    partner, profile = (pair.student, s_profile) if to_student else (pair.volunteer, v_profile)
    common = functools.partial(
        common_periods, student, volunteer, term.starts_on, term.ends_on, today=today
    )
    request = _open_request(pair, user)
    return PartnerCard(
        pair_id=pair.id,
        term_name=term.name,
        role=partner.role,
        display_name=partner.display_name,
        timezone=partner.timezone,
        english_level=s_profile.english_level if to_student else None,
        goals=tuple(s_profile.goals) if to_student else (),
        experience=None if to_student else v_profile.experience,
        korean_level=None if to_student else v_profile.korean_level,
        shared_interests=tuple(sorted(student.interests & volunteer.interests)),
        format=profile.format,
        city=profile.city,
        contact="" if terms.contacts_hidden(term, today) else profile.contact,
        my_timezone=user.timezone,
        common_in_my_zone=common(user.timezone),
        common_in_partner_zone=common(partner.timezone),
        requested_on=request.created_at.date() if request is not None else None,
        past=term.status == TermStatus.CLOSED,
    )


def own_pairs(user: User) -> list[Pair]:
    """The person's own active published pairs (students and volunteers; else none)."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        return []
    return _own_pairs(user)


def ended_pairs_of(user: User) -> list[tuple[Pair, str]]:
    """The person's ended pairs, with their term's name (for their own data download)."""
    column = Pair.student_id if user.role == Role.STUDENT else Pair.volunteer_id
    query = (
        select(Pair, Term.name)
        .join(Term, Term.id == Pair.term_id)
        .where(column == user.id, Pair.status == PairStatus.ENDED)
        .order_by(Pair.id)
    )
    return [(pair, name) for pair, name in db.session.execute(query)]


def requests_of(user: User) -> list[tuple[RematchRequest, str]]:
    """The re-match requests the person made, with their term's name."""
    query = (
        select(RematchRequest, Term.name)
        .join(Pair, Pair.id == RematchRequest.pair_id)
        .join(Term, Term.id == Pair.term_id)
        .where(RematchRequest.requested_by_id == user.id)
        .order_by(RematchRequest.created_at, RematchRequest.id)
    )
    return [(request, name) for request, name in db.session.execute(query)]


def own_pair(user: User, pair_id: int) -> Pair | None:
    """The pair if it is one of the person's own active published pairs, else None."""
    return next(iter(_own_pairs(user, Pair.id == pair_id)), None)


def _open_request(pair: Pair, user: User) -> RematchRequest | None:
    return db.session.scalar(
        select(RematchRequest).where(
            RematchRequest.pair_id == pair.id,
            RematchRequest.requested_by_id == user.id,
            RematchRequest.resolved_at.is_(None),
        )
    )


def request_rematch(user: User, pair: Pair, reason: str) -> RematchRequest:
    """Ask the coordinators privately for a new partner; the partner is not told."""
    if user.id not in (pair.student_id, pair.volunteer_id):
        raise ServiceError(_("This is not your pair."))
    if pair.status != PairStatus.ACTIVE:
        raise ServiceError(_("This pair has ended already."))
    term = db.session.get(Term, pair.term_id)
    if term is not None and term.status == TermStatus.CLOSED:
        raise ServiceError(_("This term is closed: its pairs are past pairs."))
    existing = _open_request(pair, user)
    if existing is not None:
        return existing
    request = RematchRequest(pair_id=pair.id, requested_by_id=user.id, reason=reason.strip())
    db.session.add(request)
    db.session.flush()
    audit.record(user, "rematch.requested", subject=user, term_id=pair.term_id)
    return request


def open_requests(term: Term) -> list[RematchRequest]:
    return list(
        db.session.scalars(
            select(RematchRequest)
            .join(Pair, Pair.id == RematchRequest.pair_id)
            .where(Pair.term_id == term.id, RematchRequest.resolved_at.is_(None))
            .options(selectinload(RematchRequest.pair), selectinload(RematchRequest.requested_by))
            .order_by(RematchRequest.created_at)
        )
    )


def term_pair(term: Term, pair_id: int) -> Pair | None:
    """The pair if it belongs to `term`, else None."""
    pair = db.session.get(Pair, pair_id)
    return pair if pair is not None and pair.term_id == term.id else None


def term_request(term: Term, request_id: int) -> RematchRequest | None:
    """The re-match request if it concerns a pair of `term`, else None."""
    request = db.session.get(RematchRequest, request_id)
    return request if request is not None and request.pair.term_id == term.id else None


def term_pairs(term: Term, status: str = PairStatus.ACTIVE) -> list[Pair]:
    return list(
        db.session.scalars(
            select(Pair)
            .where(Pair.term_id == term.id, Pair.status == status)
            .options(  # with profiles: the coordinator's pages label people with their city
                selectinload(Pair.student).selectinload(User.student_profile),
                selectinload(Pair.volunteer).selectinload(User.volunteer_profile),
            )
            .order_by(Pair.id)
        )
    )


def end_pair(pair: Pair, reason: str, *, by: User, today: dt.date) -> None:
    """A coordinator ends a pair mid-term (their words kept as the pair's note); both become
    free for a re-match, which will not pair them again, and each gets a PAIR_ENDED email
    (that the pair has ended and a new partner will come; never the coordinator's words)."""
    if not reason.strip():
        raise ServiceError(_("Say why the pair ends; the reason is kept."), "reason")
    leaving.end(pair, EndReason.ENDED_BY_COORDINATOR, by=by, today=today, note=reason)
    for person in (pair.student, pair.volunteer):
        if person is not None:  # a side is empty once its person deleted their account
            outbox.queue_email(person, NotificationKind.PAIR_ENDED, term_id=pair.term_id)
    if pair.student_id is not None and pair.volunteer_id is not None:
        set_constraint(
            pair.term_id, pair.student_id, pair.volunteer_id, ConstraintKind.FORBID, by=by
        )


def dismiss_request(request: RematchRequest, *, by: User) -> None:
    request.resolved_at, request.resolved_by_id = utcnow(), by.id
    audit.record(by, "rematch.dismissed", term_id=request.pair.term_id, request=request.id)


# What a spreadsheet reads as the start of a formula, with the full-width and small forms
# that some spreadsheets read the same way.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣")
_CSV_COLUMNS = (
    "student",
    "student_email",
    "volunteer",
    "volunteer_email",
    "volunteer_timezone",
    "score",
    "overlap_hours",
    "started_on",
)


def _cell(value: object) -> str:
    """A spreadsheet cell that can never run as a formula, even after leading spaces."""
    text = "" if value is None else str(value)
    formula = text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START)
    return "'" + text if formula else text


def export_csv(term: Term) -> str:
    """The term's active pairs as CSV with a byte-order mark; never legal names (the page
    that serves it records the export in the audit log, as every coordinator read)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_CSV_COLUMNS)
    for pair in term_pairs(term):
        student, volunteer = pair.student, pair.volunteer
        if student is None or volunteer is None:  # an active pair has both: never
            continue
        writer.writerow(
            _cell(v)
            for v in (
                student.display_name,
                student.email,
                volunteer.display_name,
                volunteer.email,
                volunteer.timezone,
                f"{pair.score:.1f}",
                f"{pair.overlap_hours:.1f}",
                pair.started_on.isoformat(),
            )
        )
    return out.getvalue()
