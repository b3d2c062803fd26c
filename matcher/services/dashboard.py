"""A term at a glance: who is available when, in the coordinator's own time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matcher.engine.vocab import SLOT_MINUTES, SLOTS_PER_WEEK
from matcher.extensions import db
from matcher.models import Enrollment, EnrollmentStatus, Role, Term, User


@dataclass(frozen=True)
class Heatmap:
    """People available in each hour of the week (7 x 24, Monday first) in `zone`."""

    zone: str
    students: list[list[int]]
    volunteers: list[list[int]]
    week_of: dt.date

    @property
    def peak(self) -> int:
        return max(1, *(max(row) for row in self.students + self.volunteers))


def _offset_slots(zone: str, moment: dt.datetime) -> int:
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60) // SLOT_MINUTES


def week_heatmap(term: Term, zone: str) -> Heatmap:
    """Counts of approved students and volunteers free in each hour, in `zone`.

    Each person's week is shifted by the difference of UTC offsets on the term's first
    Wednesday (a half-hour offset such as +05:45 is rounded down to the half hour).
    """
    monday = term.starts_on - dt.timedelta(days=term.starts_on.weekday())
    moment = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    target = _offset_slots(zone, moment)
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.term_id == term.id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
        .options(
            selectinload(Enrollment.user).selectinload(User.student_profile),
            selectinload(Enrollment.user).selectinload(User.volunteer_profile),
        )
    )
    totals: dict[str, NDArray[np.int64]] = {
        Role.STUDENT: np.zeros(SLOTS_PER_WEEK, np.int64),
        Role.VOLUNTEER: np.zeros(SLOTS_PER_WEEK, np.int64),
    }
    for enrollment in enrollments:
        user = enrollment.user
        profile = user.profile
        if profile is None or user.role not in totals:
            continue
        week = np.frombuffer(profile.availability.encode(), dtype=np.uint8) == ord("1")
        totals[user.role] += np.roll(week, target - _offset_slots(user.timezone, moment))
    per_hour = {role: counts.reshape(7, 24, 2).max(axis=2) for role, counts in totals.items()}
    return Heatmap(
        zone,
        per_hour[Role.STUDENT].tolist(),
        per_hour[Role.VOLUNTEER].tolist(),
        monday,
    )


@dataclass(frozen=True)
class Week:
    """One person's weekly availability as the clock in `zone` shows it (Monday first)."""

    zone: str
    slots: str  # 336 "0"/"1", a half hour each

    def is_on(self, slot: int) -> bool:
        return self.slots[slot] == "1"

    @property
    def per_hour(self) -> list[list[int]]:
        """Half hours free in each hour (0, 1 or 2), 7 x 24: the heat map's counts."""
        week = np.frombuffer(self.slots.encode(), dtype=np.uint8) == ord("1")
        counts: list[list[int]] = week.reshape(7, 24, 2).sum(axis=2).tolist()
        return counts


def person_week(user: User, zone: str, term: Term) -> Week | None:
    """The person's availability shifted into `zone` (their own zone gives it unchanged),
    by the UTC offsets on the term's first Wednesday, as the term's heat map does."""
    profile = user.profile
    if profile is None:
        return None
    monday = term.starts_on - dt.timedelta(days=term.starts_on.weekday())
    moment = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    week = np.frombuffer(profile.availability.encode(), dtype=np.uint8) == ord("1")
    shifted = np.roll(week, _offset_slots(zone, moment) - _offset_slots(user.timezone, moment))
    return Week(zone, "".join("1" if on else "0" for on in shifted))
