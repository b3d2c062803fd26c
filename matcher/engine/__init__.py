"""The matching engine: pure NumPy and SciPy, no Flask, no database (see README.md).

The public API::

    match(students, volunteers, settings, *, term_start, term_end, locks=(), forbids=(),
          kept=(), only_students=None, only_volunteers=None) -> MatchResult
    alternatives(students, volunteers, settings, *, term_start, term_end,
                 student_id=... | volunteer_id=..., forbids=(), pairs=(), limit=5)
    evaluate_pair(student, volunteer, settings, *, term_start, term_end, forbidden=False)
    common_availability(student, volunteer, term_start, term_end, display_tz)
    recruitment_windows(students, volunteers, settings, result, *, term_start, term_end,
                        forbids=(), window_slots=6, step_slots=2, zones=3) -> [RecruitWindow]
    unmatched_counts(result) -> {reason: count}
    blocking_pairs(students, volunteers, settings, result, *, term_start, term_end,
                   forbids=()) -> [BlockingPair]
"""

from __future__ import annotations

from matcher.engine.explain import describe_times, duration
from matcher.engine.matching import match
from matcher.engine.model import (
    EngineError,
    InvalidLock,
    Settings,
    Student,
    UnknownPerson,
    Volunteer,
    Weights,
    availability_from_slots,
    person_from,
    slots_of,
)
from matcher.engine.queries import alternatives, common_availability, evaluate_pair
from matcher.engine.recruit import (
    RecruitWindow,
    WeekTime,
    recruitment_windows,
    unmatched_counts,
)
from matcher.engine.result import (
    Alternative,
    Criterion,
    Interval,
    MatchResult,
    Pair,
    PairEvaluation,
    PairOrigin,
    Unmatched,
    Violation,
)
from matcher.engine.stability import BlockingPair, blocking_pairs

__all__ = [
    "Alternative",
    "BlockingPair",
    "Criterion",
    "EngineError",
    "Interval",
    "InvalidLock",
    "MatchResult",
    "Pair",
    "PairEvaluation",
    "PairOrigin",
    "RecruitWindow",
    "Settings",
    "Student",
    "UnknownPerson",
    "Unmatched",
    "Violation",
    "Volunteer",
    "WeekTime",
    "Weights",
    "alternatives",
    "availability_from_slots",
    "blocking_pairs",
    "common_availability",
    "describe_times",
    "duration",
    "evaluate_pair",
    "match",
    "person_from",
    "recruitment_windows",
    "slots_of",
    "unmatched_counts",
]
