"""People's answers as integer codes and bit masks, one array per answer and side.

Sets (interests, goals) become masks of 16-bit words, so the number of items two
people share is a bit count of their AND (NumPy's ``bitwise_count``, or a table of
bit counts before NumPy 2); codes (levels, formats, cities)
become small integers, so criteria and hard constraints are array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from matcher.engine import vocab
from matcher.engine.model import Student, Volunteer

I64 = NDArray[np.int64]
U16 = NDArray[np.uint16]
Words = tuple[U16, ...]  # a set of items as 16-bit words, one array per word

GENDER_CODES = (*vocab.GENDERS, "")  # the last code: not given / no preference
EXPERIENCE_SUPPORT = dict(zip(vocab.EXPERIENCE, (0.0, 0.5, 1.0), strict=True))
KOREAN_SUPPORT = dict(zip(vocab.KOREAN_LEVELS, (0.0, 0.25, 0.75, 1.0), strict=True))
_bitwise_count = getattr(np, "bitwise_count", None)  # NumPy 2.0 and later


def support(volunteer: Volunteer) -> float:
    """How much help a volunteer gives a beginner: experience or Korean, the larger."""
    return max(EXPERIENCE_SUPPORT[volunteer.experience], KOREAN_SUPPORT[volunteer.korean_level])


def city_key(city: str) -> str:
    return city.strip().casefold()


def bit_count(words: NDArray[np.uint8] | U16) -> NDArray[np.uint8]:
    """The number of bits set in each 8- or 16-bit word."""
    if _bitwise_count is not None:
        return _bitwise_count(words)
    return _bit_table()[words]


@lru_cache(maxsize=1)
def _bit_table() -> NDArray[np.uint8]:
    """The number of bits set in each 16-bit word (NumPy 1.26 has no bitwise_count)."""
    bits = np.unpackbits(np.arange(1 << 16, dtype=">u2").view(np.uint8)).reshape(-1, 16)
    return bits.sum(axis=1).astype(np.uint8)


def shared(left: Words, right: Words, ri: I64, ci: I64) -> NDArray[np.float64]:
    """How many items the sets ``left[ri[k]]`` and ``right[ci[k]]`` have in common."""
    out = np.zeros(len(ri), dtype=np.float64)
    for a, b in zip(left, right, strict=True):
        both = a[ri]
        both &= b[ci]
        out += bit_count(both)
    return out


class _Table:
    """Codes of a vocabulary; sets of its items as words, each distinct set made once."""

    def __init__(self, items: Sequence[str]):
        self.index = {item: k for k, item in enumerate(items)}
        self.words = max(1, -(-len(items) // 16))
        self.made: dict[frozenset[str], tuple[int, ...]] = {}

    def codes(self, values: Sequence[str]) -> I64:
        index = self.index
        return np.array([index[v] for v in values], dtype=np.int64)

    def sets(self, values: Sequence[frozenset[str]]) -> Words:
        rows = [self.made.get(v) or self._make(v) for v in values]
        table = np.array(rows, dtype=np.uint16).reshape(len(values), self.words)
        return tuple(np.ascontiguousarray(table[:, w]) for w in range(self.words))

    def _make(self, items: frozenset[str]) -> tuple[int, ...]:
        row = [0] * self.words
        for item in items:
            k = self.index[item]
            row[k >> 4] |= 1 << (k & 15)
        self.made[items] = tuple(row)
        return self.made[items]


@dataclass(frozen=True)
class StudentCodes:
    interests: Words
    interest_count: I64
    goals: Words
    goal_count: I64
    level: I64  # index in vocab.ENGLISH_LEVELS
    want: I64  # preferred tutor gender, index in GENDER_CODES
    need: I64  # required tutor gender, or -1
    format: I64
    city: I64


@dataclass(frozen=True)
class VolunteerCodes:
    interests: Words
    goals: Words
    support: I64  # in quarters, 0-4
    gender: I64
    format: I64
    city: I64
    approved: NDArray[np.bool_]
    capacity: I64


def encode(
    students: Sequence[Student], volunteers: Sequence[Volunteer]
) -> tuple[StudentCodes, VolunteerCodes]:
    """The codes of both sides (interests and cities share one vocabulary)."""
    everyone: list[Student | Volunteer] = [*students, *volunteers]
    interests = _Table(sorted({i for s in {p.interests for p in everyone} for i in s}))
    city = {c: city_key(c) for c in {p.city for p in everyone}}
    cities = _Table(sorted(set(city.values())))
    goals, genders = _Table(vocab.GOALS), _Table(GENDER_CODES)
    formats = _Table(vocab.FORMATS)
    want = genders.codes([s.volunteer_gender for s in students])
    required = np.array([s.volunteer_gender_required for s in students], dtype=bool)
    need = np.where(required & (want != GENDER_CODES.index("")), want, -1).astype(np.int64)
    student_codes = StudentCodes(
        interests.sets([s.interests for s in students]),
        np.array([len(s.interests) for s in students], dtype=np.int64),
        goals.sets([s.goals for s in students]),
        np.array([len(s.goals) for s in students], dtype=np.int64),
        _Table(vocab.ENGLISH_LEVELS).codes([s.english_level for s in students]),
        want,
        need,
        formats.codes([s.format for s in students]),
        cities.codes([city[s.city] for s in students]),
    )
    volunteer_codes = VolunteerCodes(
        interests.sets([v.interests for v in volunteers]),
        goals.sets([v.goals for v in volunteers]),
        np.array([int(4 * support(v)) for v in volunteers], dtype=np.int64),
        genders.codes([v.gender for v in volunteers]),
        formats.codes([v.format for v in volunteers]),
        cities.codes([city[v.city] for v in volunteers]),
        np.array([v.approved for v in volunteers], dtype=bool),
        np.array([v.capacity for v in volunteers], dtype=np.int64),
    )
    return student_codes, volunteer_codes
