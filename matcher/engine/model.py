"""The engine's inputs: people, settings and the errors a caller can get back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matcher.engine import vocab

Availability = tuple[bool, ...]


class EngineError(ValueError):
    """Base class of the errors the engine raises on bad input."""


class UnknownPerson(EngineError):
    """A lock, forbid, kept pair or person id names nobody in the input."""


class InvalidLock(EngineError):
    """A locked pair cannot be kept: it breaks a hard constraint or a capacity."""

    def __init__(self, student_id: str, volunteer_id: str, constraint: str, message: str):
        self.student_id = student_id
        self.volunteer_id = volunteer_id
        self.constraint = constraint
        super().__init__(f"lock ({student_id}, {volunteer_id}): {message}")


def availability_from_slots(slots: Iterable[int]) -> Availability:
    """Turn slot numbers (0 = Monday 00:00-00:30) into the 336 booleans of a week."""
    week = [False] * vocab.SLOTS_PER_WEEK
    for slot in slots:
        if not 0 <= slot < vocab.SLOTS_PER_WEEK:
            raise EngineError(f"slot {slot} is outside 0..{vocab.SLOTS_PER_WEEK - 1}")
        week[slot] = True
    return tuple(week)


def slots_of(availability: Availability) -> tuple[int, ...]:
    """The slot numbers that are set in a week of availability."""
    return tuple(i for i, on in enumerate(availability) if on)


def check_unique(people: Sequence[Student] | Sequence[Volunteer], side: str) -> None:
    """Raise when two people of one side share an id."""
    seen: set[str] = set()
    for person in people:
        if person.id in seen:
            raise EngineError(f"two {side}s have the id {person.id!r}")
        seen.add(person.id)


def index_pairs(
    s_index: Mapping[str, int],
    v_index: Mapping[str, int],
    pairs: Iterable[tuple[str, str]],
    kind: str,
) -> list[tuple[int, int]]:
    """(student_id, volunteer_id) pairs as sorted index pairs; unknown ids raise."""
    out = set()
    for sid, vid in pairs:
        if sid not in s_index:
            raise UnknownPerson(f"{kind} ({sid}, {vid}): no student has the id {sid!r}")
        if vid not in v_index:
            raise UnknownPerson(f"{kind} ({sid}, {vid}): no volunteer has the id {vid!r}")
        out.add((s_index[sid], v_index[vid]))
    return sorted(out)


def _check_availability(who: str, value: Any) -> Availability:
    # A string of "0"/"1" (as profiles and snapshots store it) or booleans.
    week = tuple(map("1".__eq__, value)) if isinstance(value, str) else tuple(map(bool, value))
    if len(week) != vocab.SLOTS_PER_WEEK:
        raise EngineError(f"{who}: availability has {len(week)} slots, not 336")
    return week


def _check_code(who: str, name: str, value: str, allowed: tuple[str, ...], empty: bool) -> None:
    if (value == "" and empty) or value in allowed:
        return
    raise EngineError(f"{who}: {name} {value!r} is not one of {', '.join(allowed)}")


def _common_checks(person: Student | Volunteer) -> None:
    who = f"{type(person).__name__.lower()} {person.id!r}"
    if not person.id:
        raise EngineError("a person has an empty id")
    object.__setattr__(person, "availability", _check_availability(who, person.availability))
    object.__setattr__(person, "goals", frozenset(person.goals))
    object.__setattr__(person, "interests", frozenset(person.interests))
    for goal in person.goals:
        _check_code(who, "goal", goal, vocab.GOALS, False)
    _check_code(who, "gender", person.gender, vocab.GENDERS, True)
    _check_code(who, "format", person.format, vocab.FORMATS, False)
    try:
        ZoneInfo(person.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise EngineError(f"{who}: unknown time zone {person.timezone!r}") from None


@dataclass(frozen=True)
class Student:
    """A student of the term, as the engine needs them (the CSV columns).

    ``availability`` holds 336 booleans in the student's own ``timezone``: slot 0 is
    Monday 00:00-00:30. ``continue_partner`` is the CSV's ``continue`` column.
    """

    id: str
    availability: Availability
    timezone: str = "Asia/Seoul"
    display_name: str = ""
    email: str = ""
    english_level: str = "B1"
    goals: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    gender: str = ""
    volunteer_gender: str = ""
    volunteer_gender_required: bool = False
    format: str = "online"
    city: str = ""
    previous_partner_id: str = ""
    continue_partner: bool = False

    def __post_init__(self) -> None:
        _common_checks(self)
        who = f"student {self.id!r}"
        _check_code(who, "english_level", self.english_level, vocab.ENGLISH_LEVELS, False)
        _check_code(who, "volunteer_gender", self.volunteer_gender, vocab.GENDERS, True)


@dataclass(frozen=True)
class Volunteer:
    """A volunteer tutor of the term; ``capacity`` is how many students they take."""

    id: str
    availability: Availability
    timezone: str = "UTC"
    display_name: str = ""
    email: str = ""
    experience: str = "none"
    korean_level: str = "none"
    goals: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    gender: str = ""
    capacity: int = 1
    format: str = "online"
    city: str = ""
    previous_partner_id: str = ""
    continue_partner: bool = False
    approved: bool = True

    def __post_init__(self) -> None:
        _common_checks(self)
        who = f"volunteer {self.id!r}"
        _check_code(who, "experience", self.experience, vocab.EXPERIENCE, False)
        _check_code(who, "korean_level", self.korean_level, vocab.KOREAN_LEVELS, False)
        if self.capacity not in vocab.CAPACITIES:
            raise EngineError(f"{who}: capacity {self.capacity!r} is not 1, 2 or 3")


P = TypeVar("P", Student, Volunteer)


def person_from(cls: type[P], values: Mapping[str, Any]) -> P:
    """A `Student` or `Volunteer` from any mapping: profile columns, a CSV row, a snapshot.

    The one mapping from a person's answers to the engine: keys named like the
    dataclass's fields are taken, others ignored; ``None`` means the field's default.
    Availability may be 336 booleans or a string of 336 ``0``/``1``.

    >>> person_from(Student, {"id": "7", "availability": "1" * 336, "gender": None}).gender
    ''
    """
    taken = {name: values[name] for name in _NAMES[cls] if values.get(name) is not None}
    return cls(**taken)


_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Student, Volunteer)
}


@dataclass(frozen=True)
class Weights:
    """The coordinator's weight of each soft criterion (any non-negative numbers).

    Defaults: common time 30, shared interests 15, goals 20, level fit 15, gender
    preference 10, continuity with last term's partner 10. A pair's score is
    ``100 * sum(weight * value) / sum(weights)``, so only the proportions matter.
    """

    overlap: float = 30.0
    interests: float = 15.0
    goals: float = 20.0
    level: float = 15.0
    gender: float = 10.0
    continuity: float = 10.0

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(not v >= 0 for v in values) or sum(values) <= 0:
            raise EngineError("weights must be non-negative and not all zero")

    def as_dict(self) -> dict[str, float]:
        return {c: float(getattr(self, c)) for c in vocab.CRITERIA}


@dataclass(frozen=True)
class Settings:
    """How a round is solved.

    ``min_overlap_hours`` is the hard minimum of weekly common time (default 2 h);
    common time above ``overlap_cap_hours`` (default 6 h) scores no more.
    ``objective`` is ``"best"`` (largest total score) or ``"fair"`` (largest lowest
    score, then largest total). With ``lock_continue_partner`` a pair of last term whose
    two members both want to continue is locked.
    """

    weights: Weights = field(default_factory=Weights)
    min_overlap_hours: float = 2.0
    overlap_cap_hours: float = 6.0
    objective: str = "best"
    lock_continue_partner: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.weights, Mapping):
            object.__setattr__(self, "weights", Weights(**self.weights))
        if self.objective not in vocab.OBJECTIVES:
            raise EngineError(f"objective {self.objective!r} is not 'best' or 'fair'")
        if not 0 <= self.min_overlap_hours <= 168:
            raise EngineError("min_overlap_hours must be between 0 and 168")
        if not self.overlap_cap_hours > 0:
            raise EngineError("overlap_cap_hours must be positive")

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights.as_dict(),
            "min_overlap_hours": self.min_overlap_hours,
            "overlap_cap_hours": self.overlap_cap_hours,
            "objective": self.objective,
            "lock_continue_partner": self.lock_continue_partner,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        return cls(
            weights=Weights(**data.get("weights", {})),
            min_overlap_hours=float(data.get("min_overlap_hours", 2.0)),
            overlap_cap_hours=float(data.get("overlap_cap_hours", 6.0)),
            objective=str(data.get("objective", "best")),
            lock_continue_partner=bool(data.get("lock_continue_partner", True)),
        )
