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

from importlib import import_module
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from matcher.engine.explain import describe_times, duration
    from matcher.engine.matching import match
    from matcher.engine.queries import alternatives, common_availability, evaluate_pair
    from matcher.engine.recruit import (
        RecruitWindow,
        WeekTime,
        recruitment_windows,
        unmatched_counts,
    )
    from matcher.engine.stability import BlockingPair, blocking_pairs

# The rest of the API lives in modules that import NumPy (and SciPy): each is imported
# on first use, so that the people, the settings and the results (`model`, `result`)
# and what reads them (`matcher.roster`: a bad file is answered at once) need neither,
# and a caller loads only the modules it uses (the CSV command never `recruit`).
_LAZY = {
    "describe_times": "explain",
    "duration": "explain",
    "match": "matching",
    "alternatives": "queries",
    "common_availability": "queries",
    "evaluate_pair": "queries",
    "RecruitWindow": "recruit",
    "WeekTime": "recruit",
    "recruitment_windows": "recruit",
    "unmatched_counts": "recruit",
    "BlockingPair": "stability",
    "blocking_pairs": "stability",
}


def __getattr__(name: str) -> object:
    """A name of `_LAZY`: its module imported, and the name kept here for next time."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


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
