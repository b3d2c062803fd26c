"""The engine's outputs: pairs, their explanations, the unmatched and the figures.

Every output is a frozen dataclass that turns into plain JSON data with
``to_dict()`` and back with ``from_dict()``, so a round can be stored and read back.
Each explanation has a ``code`` (criterion, constraint or reason), an English
sentence ``text`` and the ``facts`` it was made from, so the web layer can say the
same thing in another language.

A round's breakdowns and the long facts of its unmatched are `Deferred`: ``match``
keeps their facts as arrays and words them only when they are read (a page, an
export, ``to_dict()``), so a round of thousands costs no sentences nobody reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar, overload

from matcher.engine import vocab

Facts = Mapping[str, Any]
T = TypeVar("T")


class Deferred(Sequence[T]):
    """A tuple made on first use by ``make``, then kept; equal to the same tuple."""

    __slots__ = ("_make", "_items")

    def __init__(self, make: Callable[[], tuple[T, ...]]) -> None:
        self._make: Callable[[], tuple[T, ...]] | None = make
        self._items: tuple[T, ...] = ()

    def resolve(self) -> tuple[T, ...]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.resolve()[index]

    def __len__(self) -> int:
        return len(self.resolve())

    def __iter__(self) -> Iterator[T]:
        return iter(self.resolve())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self.resolve() == other.resolve()
        return isinstance(other, tuple) and self.resolve() == other

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __repr__(self) -> str:
        return repr(self.resolve())


class DeferredFacts(Mapping[str, Any]):
    """Facts made on first use by ``make`` (long lists of candidates), then kept."""

    __slots__ = ("_make", "_facts")

    def __init__(self, make: Callable[[], dict[str, Any]]) -> None:
        self._make: Callable[[], dict[str, Any]] | None = make
        self._facts: dict[str, Any] = {}

    def _get(self) -> dict[str, Any]:
        if self._make is not None:
            self._facts, self._make = self._make(), None
        return self._facts

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __len__(self) -> int:
        return len(self._get())

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


@dataclass(frozen=True)
class Interval:
    """Part of a day of the week: ``day`` 0 = Monday; minutes from midnight, end <= 1440."""

    day: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{vocab.DAYS[self.day]} {_hhmm(self.start)}-{_hhmm(self.end)}"

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interval:
        return cls(int(data["day"]), int(data["start"]), int(data["end"]))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Criterion:
    """One soft criterion's contribution to a pair's score (points add up to the score)."""

    criterion: str
    value: float
    weight: float
    points: float
    text: str
    facts: Facts = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "value": self.value,
            "weight": self.weight,
            "points": self.points,
            "text": self.text,
            "facts": dict(self.facts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        return cls(
            str(data["criterion"]),
            float(data["value"]),
            float(data["weight"]),
            float(data["points"]),
            str(data["text"]),
            dict(data.get("facts", {})),
        )


@dataclass(frozen=True)
class Violation:
    """A hard constraint that a pair breaks (``constraint`` from ``vocab.HARD_CONSTRAINTS``)."""

    constraint: str
    text: str
    facts: Facts = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"constraint": self.constraint, "text": self.text, "facts": dict(self.facts)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Violation:
        return cls(str(data["constraint"]), str(data["text"]), dict(data.get("facts", {})))


class PairOrigin(StrEnum):
    """Where a pair comes from; one vocabulary for the engine, the database and the pages.

    The engine makes the first four: the solver chose it, a coordinator locked it, both
    people asked to continue with last term's partner, or a re-match kept it as it was.
    A coordinator makes the last two while reviewing a round: by hand, or by a swap.
    """

    SOLVED = "solved"
    LOCKED = "locked"
    CONTINUE_PARTNER = "continue_partner"
    KEPT = "kept"
    MANUAL = "manual"
    SWAPPED = "swapped"


#: The origins the solver may not move: the coordinator's locks and continued pairs.
LOCKED_ORIGINS = frozenset({PairOrigin.LOCKED, PairOrigin.CONTINUE_PARTNER})


@dataclass(frozen=True)
class Pair:
    """A student and a volunteer paired, with the score (0-100) and why."""

    student_id: str
    volunteer_id: str
    score: float
    overlap_hours: float
    origin: PairOrigin = PairOrigin.SOLVED
    breakdown: Sequence[Criterion] = ()  # a tuple, or `Deferred` from ``match``
    violations: tuple[Violation, ...] = ()

    @property
    def locked(self) -> bool:
        """True when the solver had no say: a lock, a continued pair or a kept pair."""
        return self.origin != PairOrigin.SOLVED

    def to_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "volunteer_id": self.volunteer_id,
            "score": self.score,
            "overlap_hours": self.overlap_hours,
            "origin": self.origin,
            "locked": self.locked,
            "breakdown": [c.to_dict() for c in self.breakdown],
            "violations": [v.to_dict() for v in self.violations],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pair:
        return cls(
            str(data["student_id"]),
            str(data["volunteer_id"]),
            float(data["score"]),
            float(data["overlap_hours"]),
            PairOrigin(data.get("origin", PairOrigin.SOLVED)),
            tuple(Criterion.from_dict(c) for c in data.get("breakdown", ())),
            tuple(Violation.from_dict(v) for v in data.get("violations", ())),
        )


@dataclass(frozen=True)
class Unmatched:
    """A person left without a partner, and why (``reason`` from ``vocab.UNMATCHED_REASONS``)."""

    id: str
    reason: str
    text: str
    facts: Facts = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reason": self.reason, "text": self.text, "facts": dict(self.facts)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Unmatched:
        return cls(str(data["id"]), str(data["reason"]), str(data["text"]), dict(data["facts"]))


@dataclass(frozen=True)
class MatchResult:
    """What ``match`` returns.

    ``stats`` holds: ``students``, ``volunteers``, ``capacity`` (total places),
    ``pairs``, ``locked`` (locked + continue_partner), ``kept``, ``solved``,
    ``unmatched_students``, ``unmatched_volunteers``, ``max_matchable`` (the most
    pairs the hard constraints allow, given the locked and kept pairs),
    ``feasible_share`` (of free student-volunteer pairs), ``mean_score``,
    ``lowest_score`` (``None`` without pairs), ``objective`` and ``seconds``
    (a dict: ``prepare``, ``costs``, ``solve``, ``explain``, ``total``).
    """

    pairs: tuple[Pair, ...]
    unmatched_students: tuple[Unmatched, ...]
    unmatched_volunteers: tuple[Unmatched, ...]
    stats: dict[str, Any]

    def pair_of_student(self, student_id: str) -> Pair | None:
        return next((p for p in self.pairs if p.student_id == student_id), None)

    def pairs_of_volunteer(self, volunteer_id: str) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.volunteer_id == volunteer_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": [p.to_dict() for p in self.pairs],
            "unmatched_students": [u.to_dict() for u in self.unmatched_students],
            "unmatched_volunteers": [u.to_dict() for u in self.unmatched_volunteers],
            "stats": self.stats,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchResult:
        return cls(
            tuple(Pair.from_dict(p) for p in data["pairs"]),
            tuple(Unmatched.from_dict(u) for u in data["unmatched_students"]),
            tuple(Unmatched.from_dict(u) for u in data["unmatched_volunteers"]),
            dict(data["stats"]),
        )


@dataclass(frozen=True)
class PairEvaluation:
    """Any student-volunteer pair judged on its own: for manual assignment and swaps."""

    student_id: str
    volunteer_id: str
    score: float
    overlap_hours: float
    breakdown: tuple[Criterion, ...]
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "volunteer_id": self.volunteer_id,
            "score": self.score,
            "overlap_hours": self.overlap_hours,
            "breakdown": [c.to_dict() for c in self.breakdown],
            "violations": [v.to_dict() for v in self.violations],
        }


@dataclass(frozen=True)
class Alternative:
    """A feasible partner for one person, best first.

    ``partner_id`` is the other side's id. ``displaced`` are the people now paired
    with that partner whom the change would leave without one (empty when the
    partner has a free place); ``current_score`` is the person's own current score.
    """

    partner_id: str
    score: float
    overlap_hours: float
    breakdown: tuple[Criterion, ...]
    displaced: tuple[str, ...] = ()
    current_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "partner_id": self.partner_id,
            "score": self.score,
            "overlap_hours": self.overlap_hours,
            "breakdown": [c.to_dict() for c in self.breakdown],
            "displaced": list(self.displaced),
            "current_score": self.current_score,
        }
