"""Factories for engine tests: people with availability written as day and times."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from matcher.engine import Student, Volunteer, availability_from_slots, vocab


def slots(*blocks: tuple[str, str, str]) -> tuple[bool, ...]:
    """``("Mon", "19:00", "21:00"), ...`` in the person's own zone."""
    found: set[int] = set()
    for day, start, end in blocks:
        first = vocab.DAYS.index(day) * vocab.SLOTS_PER_DAY
        a = int(start[:2]) * 2 + (start[3:] == "30")
        b = int(end[:2]) * 2 + (end[3:] == "30")
        found.update(range(first + a, first + b))
    return availability_from_slots(found)


@pytest.fixture
def make_student() -> Callable[..., Student]:
    def make(id: str, *blocks: tuple[str, str, str], **fields: Any) -> Student:
        fields.setdefault("timezone", "Asia/Seoul")
        return Student(id=id, availability=slots(*blocks), **fields)

    return make


@pytest.fixture
def make_volunteer() -> Callable[..., Volunteer]:
    def make(id: str, *blocks: tuple[str, str, str], **fields: Any) -> Volunteer:
        fields.setdefault("timezone", "Asia/Seoul")
        return Volunteer(id=id, availability=slots(*blocks), **fields)

    return make
