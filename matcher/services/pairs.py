"""Published pairs: what each person sees of their partner, ending pairs, re-match requests."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher import engine
from matcher.extensions import db
from matcher.models import (
    ConstraintKind,
    Pair,
    PairStatus,
    RematchRequest,
    Role,
    Term,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit
from matcher.services.errors import ServiceError
from matcher.services.rounds import set_constraint
from matcher.services.snapshot import engine_student, engine_volunteer


@dataclass(frozen=True)
class CommonTimes:
    """The pair's common weekly times in one zone, from `since` until the next change."""

    since: dt.date
    intervals: tuple[engine.Interval, ...]

    @property
    def hours(self) -> float:
        return sum(i.minutes for i in self.intervals) / 60


@dataclass
class PartnerView:
    """One of my pairs, with exactly what I may see of my partner."""

    pair: Pair
    term: Term
    partner: User
    common_in_my_zone: list[CommonTimes]
    common_in_partner_zone: list[CommonTimes]
    shared_interests: list[str]
    open_request: RematchRequest | None

    @property
    def hours(self) -> float:
        return min((c.hours for c in self.common_in_my_zone), default=0.0)


def common_times(
    student: engine.Student, volunteer: engine.Volunteer, term: Term, zone: str, today: dt.date
) -> list[CommonTimes]:
    """Week by week from now to the term's end, the common times as the clock in `zone`
    shows them; a daylight-saving change starts a new entry with its date."""
    first = max(today, term.starts_on)
    monday = first - dt.timedelta(days=first.weekday())
    found: list[CommonTimes] = []
    while monday <= term.ends_on:
        intervals = engine.common_availability(
            student, volunteer, monday, monday + dt.timedelta(days=6), zone
        )
        if not found or found[-1].intervals != intervals:
            found.append(CommonTimes(max(monday, first), intervals))
        monday += dt.timedelta(days=7)
    return found


def _pairs_query(user: User):
    """Every query for pairs a person may see goes through here: their own, published."""
    column = Pair.student_id if user.role == Role.STUDENT else Pair.volunteer_id
    return (
        select(Pair)
        .join(Term, Term.id == Pair.term_id)
        .where(column == user.id, Pair.status == PairStatus.ACTIVE)
        .where(Term.published_round_id.is_not(None))
        .options(
            selectinload(Pair.student).selectinload(User.student_profile),
            selectinload(Pair.volunteer).selectinload(User.volunteer_profile),
        )
    )


def my_pairs(user: User, today: dt.date) -> list[PartnerView]:
    """The person's active published pairs; nothing before publication, nobody else's."""
    if user.role not in (Role.STUDENT, Role.VOLUNTEER):
        return []
    views = []
    for pair in db.session.scalars(_pairs_query(user).order_by(Pair.id)):
        term = db.session.get(Term, pair.term_id)
        assert term is not None
        student = engine_student(pair.student)
        volunteer = engine_volunteer(pair.volunteer)
        partner = pair.volunteer if user.role == Role.STUDENT else pair.student
        common = functools.partial(common_times, student, volunteer, term, today=today)

        views.append(
            PartnerView(
                pair=pair,
                term=term,
                partner=partner,
                common_in_my_zone=common(user.timezone),
                common_in_partner_zone=common(partner.timezone),
                shared_interests=sorted(student.interests & volunteer.interests),
                open_request=_open_request(pair, user),
            )
        )
    return views


def own_pair(user: User, pair_id: int) -> Pair | None:
    """The pair if it is one of the person's own active published pairs, else None."""
    return db.session.scalar(_pairs_query(user).where(Pair.id == pair_id))


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
    existing = _open_request(pair, user)
    if existing is not None:
        return existing
    request = RematchRequest(pair_id=pair.id, requested_by_id=user.id, reason=reason.strip())
    db.session.add(request)
    db.session.flush()
    audit.record(user, "rematch.requested", subject=user, term_id=pair.term_id)
    db.session.commit()
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


def term_pairs(term: Term, status: str = PairStatus.ACTIVE) -> list[Pair]:
    return list(
        db.session.scalars(
            select(Pair)
            .where(Pair.term_id == term.id, Pair.status == status)
            .options(selectinload(Pair.student), selectinload(Pair.volunteer))
            .order_by(Pair.id)
        )
    )


def end_pair(pair: Pair, reason: str, *, by: User, today: dt.date) -> None:
    """End a pair mid-term; both become free for a re-match, which will not pair them again."""
    if not reason.strip():
        raise ServiceError(_("Say why the pair ends; the reason is kept."), "reason")
    if pair.status != PairStatus.ACTIVE:
        raise ServiceError(_("This pair has ended already."))
    pair.status = PairStatus.ENDED
    pair.ended_on = today
    pair.end_reason = reason.strip()
    pair.ended_by_id = by.id
    set_constraint(pair.term_id, pair.student_id, pair.volunteer_id, ConstraintKind.FORBID, by=by)
    for request in db.session.scalars(
        select(RematchRequest).where(
            RematchRequest.pair_id == pair.id, RematchRequest.resolved_at.is_(None)
        )
    ):
        request.resolved_at, request.resolved_by_id = utcnow(), by.id
    audit.record(by, "pair.ended", term_id=pair.term_id, pair=pair.id, reason=pair.end_reason)
    db.session.commit()


def dismiss_request(request: RematchRequest, *, by: User) -> None:
    request.resolved_at, request.resolved_by_id = utcnow(), by.id
    audit.record(by, "rematch.dismissed", term_id=request.pair.term_id, request=request.id)
    db.session.commit()


# What a spreadsheet reads as the start of a formula, with the full-width and small forms
# that some spreadsheets read the same way.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣")


def _cell(value: object) -> str:
    """A spreadsheet cell that can never run as a formula, even after leading spaces."""
    text = "" if value is None else str(value)
    formula = text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START)
    return "'" + text if formula else text


def export_csv(term: Term, *, by: User) -> str:
    """The term's active pairs as CSV with a byte-order mark; never legal names."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "student", "student_email", "volunteer", "volunteer_email", "volunteer_timezone",
            "score", "overlap_hours", "started_on",
        ]
    )  # fmt: skip
    for pair in term_pairs(term):
        writer.writerow(
            _cell(v)
            for v in (
                pair.student.display_name,
                pair.student.email,
                pair.volunteer.display_name,
                pair.volunteer.email,
                pair.volunteer.timezone,
                f"{pair.score:.1f}",
                f"{pair.overlap_hours:.1f}",
                pair.started_on.isoformat(),
            )
        )
    audit.record(by, "pairs.exported", term_id=term.id)
    db.session.commit()
    return out.getvalue()
