"""The term's report: anonymous figures only, kept in `term_report` when the term closes.

No name, address, id or text anyone typed goes into it: counts of people and pairs, the
check-ins' summary, the weekly hours pairs have in common as a distribution, and the
volunteers' time zones with every zone of fewer than three volunteers merged into "other",
so that nobody can be picked out. It is stored once the term closes
(`services.terms.change_status`), so that it survives the purge of the term's personal
data; while the term is open or running it is computed when asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import (
    EndReason,
    Enrollment,
    EnrollmentStatus,
    MatchRound,
    Pair,
    PairSession,
    PairStatus,
    Role,
    RoundKind,
    Term,
    TermReport,
    TermStatus,
    User,
)
from matcher.models.base import utcnow
from matcher.services import audit, checkins

SMALLEST_ZONE = 3  # zones with fewer volunteers are merged into OTHER_ZONE
OTHER_ZONE = "other"
# Weekly hours in common: (bucket, upper bound, exclusive).
HOURS_BUCKETS = (("0-2", 2.0), ("2-3", 3.0), ("3-5", 5.0), ("5-10", 10.0), ("10+", float("inf")))


def hours_bucket(hours: float) -> str:
    return next(name for name, below in HOURS_BUCKETS if hours < below)


def zones_merged(zones: list[str]) -> dict[str, int]:
    """How many per zone, with the zones of fewer than SMALLEST_ZONE merged into "other"."""
    counts = Counter(zones)
    merged: dict[str, int] = {}
    for zone, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        key = zone if n >= SMALLEST_ZONE else OTHER_ZONE
        merged[key] = merged.get(key, 0) + n
    if OTHER_ZONE in merged:  # "other" last
        merged[OTHER_ZONE] = merged.pop(OTHER_ZONE)
    return merged


def compute(term: Term, today: dt.date) -> dict[str, Any]:
    """The term's figures now, as JSON-ready values."""
    people: dict[str, dict[str, int]] = {}
    for role in (Role.STUDENT, Role.VOLUNTEER):
        rows = db.session.execute(
            select(Enrollment.status, func.count())
            .join(User, User.id == Enrollment.user_id)
            # a sign-up whose address was never confirmed may not be the person's: not counted
            .where(Enrollment.term_id == term.id, User.role == role, ~User.unconfirmed_sign_up)
            .group_by(Enrollment.status)
        ).all()
        by_status = {str(status): n for status, n in rows}
        people[role.value] = {
            "applied": sum(by_status.values()),
            "approved": by_status.get(EnrollmentStatus.APPROVED.value, 0),
            "paired": 0,
        }
    all_pairs = db.session.execute(
        select(Pair, MatchRound.kind)
        .outerjoin(MatchRound, MatchRound.id == Pair.round_id)
        .where(Pair.term_id == term.id)
        .order_by(Pair.id)
    ).all()
    students = {p.student_id for p, _ in all_pairs}
    volunteers = {p.volunteer_id for p, _ in all_pairs}
    people[Role.STUDENT.value]["paired"] = len(students - {None})
    people[Role.VOLUNTEER.value]["paired"] = len(volunteers - {None})
    ended = [p for p, _ in all_pairs if p.status == PairStatus.ENDED]
    early = Counter(
        # a code (EndReason), never the coordinator's words (Pair.end_note)
        str(p.end_reason)
        for p in ended
        if p.end_reason not in (None, EndReason.TERM_ENDED)
    )
    hours = Counter(hours_bucket(p.overlap_hours) for p, _ in all_pairs)
    summary = checkins.summary(term)
    sessions = db.session.execute(
        select(func.count(PairSession.id), func.count(func.distinct(PairSession.pair_id)))
        .join(Pair, Pair.id == PairSession.pair_id)
        .where(Pair.term_id == term.id)
    ).one()
    zones = list(
        db.session.scalars(
            select(User.timezone)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(
                Enrollment.term_id == term.id,
                Enrollment.status == EnrollmentStatus.APPROVED,
                User.role == Role.VOLUNTEER,
            )
        )
    )
    return {
        "computed_on": today.isoformat(),
        "people": people,
        "pairs": {
            "published": len(all_pairs),
            "rematched": sum(1 for _, kind in all_pairs if kind == RoundKind.REMATCH),
            "active": sum(1 for p, _ in all_pairs if p.status == PairStatus.ACTIVE),
            "ended_early": sum(early.values()),
        },
        "ended_early_by_reason": dict(sorted(early.items())),
        "check_ins": {
            "answered": summary.answered,
            "people": summary.people,
            "met": summary.met,
            "ratings": {str(r): n for r, n in summary.ratings.items()},
            "mean_rating": summary.mean_rating,
        },
        "sessions": {"weeks_met": int(sessions[0] or 0), "pairs": int(sessions[1] or 0)},
        "hours_in_common": {name: hours.get(name, 0) for name, _ in HOURS_BUCKETS},
        "volunteers_by_zone": zones_merged(zones),
    }


def store(term: Term, today: dt.date) -> TermReport:
    """Compute the term's report and keep it (replacing an earlier one)."""
    report = db.session.scalar(select(TermReport).where(TermReport.term_id == term.id))
    if report is None:
        report = TermReport(term_id=term.id, figures={})
        db.session.add(report)
    report.figures = compute(term, today)
    report.created_at = utcnow()
    db.session.flush()
    return report


@dataclass(frozen=True)
class Report:
    figures: dict[str, Any]
    stored_at: dt.datetime | None  # when the term closed; None: computed now (term not closed)


def report_of(term: Term, today: dt.date) -> Report:
    """The stored report of a closed term, else the figures as they are today."""
    stored = db.session.scalar(select(TermReport).where(TermReport.term_id == term.id))
    if stored is not None and term.status == TermStatus.CLOSED:
        return Report(stored.figures, stored.created_at)
    return Report(compute(term, today), None)


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The figures as (section, item, value) rows, sections in the page's order."""
    found: list[tuple[str, str, str]] = []

    def walk(section: str, prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(section, f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            found.append((section, prefix, "" if value is None else str(value)))

    for section, value in figures.items():
        if isinstance(value, dict):
            walk(section, "", value)
        else:
            found.append((section, "", "" if value is None else str(value)))
    return found


def export_csv(term: Term, *, by: User, today: dt.date) -> str:
    """The report as CSV (section, item, value), with a byte-order mark for spreadsheets."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "item", "value"))
    writer.writerows(rows(report_of(term, today).figures))
    audit.record(by, "report.exported", term_id=term.id)
    return out.getvalue()
