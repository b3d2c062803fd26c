"""Hypothesis strategies that make whole, valid rounds for the engine, and brute force."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from hypothesis import strategies as st

from matcher.engine import (
    Settings,
    Student,
    Volunteer,
    Weights,
    availability_from_slots,
    evaluate_pair,
    vocab,
)

TERM_START = date(2025, 9, 29)
TERM_END = date(2025, 12, 19)  # spans the European and American autumn changes
ZONES = ("Asia/Seoul", "Asia/Seoul", "America/New_York", "Europe/London", "Asia/Kathmandu")


def _block(day: int, hour: int, half_hours: int) -> range:
    start = day * vocab.SLOTS_PER_DAY + 2 * hour
    return range(start, min(start + half_hours, (day + 1) * vocab.SLOTS_PER_DAY))


# (day, hour) in each zone at about the same instants (Monday and Tuesday, 00:00 and
# 11:00 UTC), so that people of different zones often share an hour or two: near
# the minimum, across the autumn changes and the +05:45 offset.
ANCHORS = {
    "Asia/Seoul": ((0, 9), (0, 20), (1, 9), (1, 20)),
    "America/New_York": ((6, 20), (0, 7), (0, 20), (1, 7)),
    "Europe/London": ((0, 0), (0, 12), (1, 0), (1, 12)),
    "Asia/Kathmandu": ((0, 5), (0, 17), (1, 5), (1, 17)),
}


@st.composite
def availability(draw: st.DrawFn, zone: str) -> tuple[bool, ...]:
    """Two to four blocks of 2 to 4 hours near the zone's anchors."""
    slots: set[int] = set()
    for _ in range(draw(st.integers(2, 4))):
        day, hour = draw(st.sampled_from(ANCHORS[zone]))
        hour = min(max(hour + draw(st.integers(-1, 1)), 0), 20)
        slots.update(_block(day, hour, draw(st.integers(4, 8))))
    return availability_from_slots(slots)


formats = st.sampled_from(("online",) * 5 + ("either", "in_person"))
cities = st.sampled_from(("Seoul", " seoul ", "Busan"))
interests = st.frozensets(st.sampled_from(vocab.INTERESTS[:6]), max_size=4)
goals = st.frozensets(st.sampled_from(vocab.GOALS), max_size=3)


@st.composite
def students(draw: st.DrawFn, n: int) -> list[Student]:
    out = []
    for k in range(n):
        volunteer_gender = draw(st.sampled_from(("", "", "female", "male")))
        zone = draw(st.sampled_from(ZONES[:2] + ZONES[4:]))
        out.append(
            Student(
                id=f"s{k}",
                availability=draw(availability(zone)),
                timezone=zone,
                english_level=draw(st.sampled_from(vocab.ENGLISH_LEVELS)),
                goals=draw(goals),
                interests=draw(interests),
                gender=draw(st.sampled_from(vocab.GENDERS)),
                volunteer_gender=volunteer_gender,
                volunteer_gender_required=bool(volunteer_gender) and draw(st.booleans()),
                format=draw(formats),
                city=draw(cities),
            )
        )
    return out


@st.composite
def volunteers(draw: st.DrawFn, n: int) -> list[Volunteer]:
    zones = [draw(st.sampled_from(ZONES)) for _ in range(n)]
    return [
        Volunteer(
            id=f"v{k}",
            availability=draw(availability(zones[k])),
            timezone=zones[k],
            experience=draw(st.sampled_from(vocab.EXPERIENCE)),
            korean_level=draw(st.sampled_from(vocab.KOREAN_LEVELS)),
            goals=draw(goals),
            interests=draw(interests),
            gender=draw(st.sampled_from(("female", "male", ""))),
            capacity=draw(st.sampled_from((1, 1, 1, 2))),
            format=draw(formats),
            city=draw(cities),
            approved=draw(st.integers(0, 9)) > 0,
        )
        for k in range(n)
    ]


@dataclass(frozen=True)
class Round:
    students: list[Student]
    volunteers: list[Volunteer]
    forbids: tuple[tuple[str, str], ...]
    settings: Settings


@st.composite
def rounds(draw: st.DrawFn, max_side: int = 7, objective: str = "best") -> Round:
    ss = draw(students(draw(st.integers(0, max_side))))
    vs = draw(volunteers(draw(st.integers(0, max_side))))
    pairs = [(s.id, v.id) for s in ss for v in vs]
    forbids = (
        tuple(draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))) if pairs else ()
    )
    weights = draw(
        st.sampled_from(
            (
                Weights(),
                Weights(overlap=0, interests=1, goals=0, level=0, gender=0, continuity=0),
                Weights(overlap=1, interests=3, goals=0, level=2, gender=0, continuity=0),
                Weights(overlap=0, interests=1, goals=1, level=0, gender=0, continuity=0),
            )
        )
    )
    settings = Settings(
        weights=weights,
        min_overlap_hours=draw(st.sampled_from((1.0, 1.5, 2.0))),
        objective=objective,
        lock_continue_partner=False,
    )
    return Round(ss, vs, forbids, settings)


Table = dict[tuple[str, str], int | None]  # (student, volunteer) -> score in grid units


def units(score: float) -> int:
    """A score (two decimals) in grid units: exact, so totals compare exactly."""
    return round(score * 100)


def pair_table(r: Round) -> Table:
    """Each pair's score by `evaluate_pair` (the per-pair path), None when infeasible."""
    out: Table = {}
    banned = set(r.forbids)
    for s in r.students:
        for v in r.volunteers:
            e = evaluate_pair(
                s,
                v,
                r.settings,
                term_start=TERM_START,
                term_end=TERM_END,
                forbidden=(s.id, v.id) in banned,
            )
            out[(s.id, v.id)] = units(e.score) if e.feasible else None
    return out


def brute_force(r: Round, table: Table, fair: bool) -> tuple[int, int, int]:
    """Exhaustive search, in grid units: (most pairs, the best lowest score of a
    largest matching, the best total of a largest matching).

    With ``fair`` the total is the best among the largest matchings whose scores are
    all at least that lowest (a second search on those pairs). Without pairs: zeros.
    """
    count, lowest = _search(r, table, fair=True)
    if not count:
        return 0, 0, 0
    if fair:
        table = {k: v for k, v in table.items() if v is not None and v >= lowest}
    count, total = _search(r, table, fair=False)
    return count, lowest, total


def _search(r: Round, table: Table, fair: bool) -> tuple[int, int]:
    """The most pairs, then the best lowest score (``fair``) or the best total."""
    caps = tuple(v.capacity for v in r.volunteers)
    none = 10**9 if fair else 0

    @functools.cache
    def best(k: int, left: tuple[int, ...]) -> tuple[int, int]:
        if k == len(r.students):
            return (0, none)
        found = best(k + 1, left)
        for j, v in enumerate(r.volunteers):
            score = table.get((r.students[k].id, v.id))
            if score is None or not left[j]:
                continue
            count, value = best(k + 1, left[:j] + (left[j] - 1,) + left[j + 1 :])
            option = (count + 1, min(value, score) if fair else value + score)
            found = max(found, option)
        return found

    return best(0, caps)
