"""Realistic, deterministic sample people for demo data and benchmarks.

``generate_people(n_students, n_volunteers, seed=...)`` gives the same records for
the same arguments on every machine (it uses only ``random.Random(seed)``). Students
live in Asia/Seoul; volunteers across a dozen zones, several with daylight saving
time and two with odd offsets (+05:45, +09:30). Pure: no Flask, no database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from matcher.engine import vocab
from matcher.engine.model import Student, Volunteer, availability_from_slots, person_from

STUDENT_NAMES = {
    "female": (
        "Minji",
        "Jisoo",
        "Hana",
        "Seoyeon",
        "Jiwoo",
        "Yuna",
        "Eunbi",
        "Sora",
        "Jihye",
        "Mirae",
        "Grace",
        "Esther",
        "Joy",
        "Hope",
        "Sarah",
        "하늘",
        "서연",
        "유나",
        "은비",
        "예은",
        "Nari",
        "Bora",
        "Dasom",
        "Gaeul",
        "Yejin",
    ),
    "male": (
        "Daniel",
        "David",
        "Joseph",
        "Paul",
        "Peter",
        "민준",
        "도윤",
        "지훈",
        "현우",
        "건우",
        "Junho",
        "Taeyang",
        "Minho",
        "Sungmin",
        "Jaewon",
    ),
}
VOLUNTEER_NAMES = {
    "female": (
        "Emily",
        "Olivia",
        "Hannah",
        "Sophie",
        "Chloe",
        "Grace",
        "Rachel",
        "Laura",
        "Megan",
        "Anna",
        "Jenny",
        "Susan",
        "Karen",
        "Helen",
        "Julia",
    ),
    "male": (
        "James",
        "Michael",
        "Daniel",
        "Ben",
        "Thomas",
        "Samuel",
        "Lucas",
        "Ethan",
        "Noah",
        "Ryan",
        "Mark",
        "Peter",
        "Simon",
        "Chris",
        "Alex",
    ),
}
INITIALS = "ABCDEFGHJKLMNPRSTW"
VOLUNTEER_ZONES = (
    ("America/New_York", 18),
    ("America/Los_Angeles", 12),
    ("America/Chicago", 7),
    ("America/Toronto", 6),
    ("Europe/London", 10),
    ("Europe/Berlin", 6),
    ("Australia/Sydney", 7),
    ("Australia/Adelaide", 3),
    ("Asia/Seoul", 18),
    ("Asia/Tokyo", 5),
    ("Asia/Kathmandu", 3),
    ("Asia/Singapore", 5),
)
STUDENT_CITIES = ("Seoul", "Seoul", "Seoul", "Incheon", "Busan", "Suwon", "Daejeon")
OTHER_INTERESTS = ("K-dramas", "hiking", "coffee shops", "volunteering", "drawing", "baseball")


@dataclass(frozen=True)
class SampleStudent:
    """A generated student profile (every field a profile has)."""

    id: str
    display_name: str
    email: str
    locale: str
    timezone: str
    availability: tuple[int, ...]  # slot numbers, 0 = Monday 00:00-00:30, own zone
    english_level: str
    goals: tuple[str, ...]
    interests: tuple[str, ...]
    interests_other: str
    gender: str
    volunteer_gender: str
    volunteer_gender_required: bool
    format: str
    city: str
    contact: str
    previous_partner_id: str
    continue_partner: bool


@dataclass(frozen=True)
class SampleVolunteer:
    """A generated volunteer profile."""

    id: str
    display_name: str
    email: str
    locale: str
    timezone: str
    availability: tuple[int, ...]
    experience: str
    korean_level: str
    goals: tuple[str, ...]
    interests: tuple[str, ...]
    interests_other: str
    gender: str
    capacity: int
    format: str
    city: str
    contact: str
    previous_partner_id: str
    continue_partner: bool


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _block(day: int, start_hour: float, hours: float) -> range:
    first = day * vocab.SLOTS_PER_DAY + int(start_hour * 2)
    return range(first, min(first + int(hours * 2), (day + 1) * vocab.SLOTS_PER_DAY))


def _availability(rng: random.Random, kinds: tuple[str, ...], shift: int = 0) -> tuple[int, ...]:
    """A few blocks of 1.5-4 hours at the times people of this kind are free.

    A ``korea`` block is a Seoul evening or weekend day moved into the person's zone
    by ``shift`` slots: volunteers sign up for times that suit students in Korea.
    """
    slots: set[int] = set()
    for _ in range(rng.randint(2, 4)):
        kind = rng.choice(kinds)
        length = rng.choice((1.5, 2, 2, 2.5, 3, 3, 4))
        if kind == "korea":
            block = _block(rng.randint(0, 6), rng.choice((10, 14, 19, 19.5, 20, 21)), length)
            slots.update((slot + shift) % vocab.SLOTS_PER_WEEK for slot in block)
        elif kind == "evening":
            slots.update(_block(rng.randint(0, 4), rng.choice((18, 19, 19.5, 20, 21)), length))
        elif kind == "morning":
            slots.update(_block(rng.randint(0, 4), rng.choice((5.5, 6, 6.5, 7)), min(length, 2.5)))
        elif kind == "weekend":
            slots.update(_block(rng.randint(5, 6), rng.choice((9, 10, 13, 14, 16, 19, 20)), length))
        else:  # lunch
            slots.update(_block(rng.randint(0, 4), 12, min(length, 1.5)))
    return tuple(sorted(slots))


def _shift_from_seoul(zone: str) -> int:
    """Slots to add to a Seoul time to get the same instant in ``zone`` (in January)."""
    when = datetime(2025, 1, 6)
    here, seoul = ZoneInfo(zone).utcoffset(when), ZoneInfo("Asia/Seoul").utcoffset(when)
    assert here is not None and seoul is not None
    return round((here - seoul).total_seconds() / 1800)


def _sample(rng: random.Random, codes: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
    chosen = set(rng.sample(codes, rng.randint(low, high)))
    return tuple(c for c in codes if c in chosen)


def _goals(rng: random.Random) -> tuple[str, ...]:
    goals = set(_sample(rng, vocab.GOALS, 1, 3))
    if rng.random() < 0.6:
        goals.add("conversation")
    return tuple(g for g in vocab.GOALS if g in goals)


def generate_people(
    n_students: int = 78, n_volunteers: int = 78, seed: int = 2024
) -> tuple[list[SampleStudent], list[SampleVolunteer]]:
    """Students and volunteers with realistic, deterministic profiles.

    About one student in ten continues with last term's volunteer (both said so);
    a few require a tutor gender; a few meet only in person in Seoul.
    """
    rng = random.Random(seed)
    width = max(3, len(str(max(n_students, n_volunteers))))
    students = [_student(rng, k, width) for k in range(n_students)]
    volunteers = [_volunteer(rng, k, width) for k in range(n_volunteers)]
    _continuing(rng, students, volunteers)
    return (
        [SampleStudent(**s) for s in students],
        [SampleVolunteer(**v) for v in volunteers],
    )


def _student(rng: random.Random, k: int, width: int) -> dict[str, Any]:
    """The answers of student number ``k`` (draws in a fixed order: the seed decides)."""
    fmt = _pick(rng, (("online", 90), ("either", 7), ("in_person", 3)))
    city = "Seoul" if fmt != "online" else rng.choice(STUDENT_CITIES)
    prefers = _pick(rng, (("", 70), ("female", 25), ("male", 5)))
    handle = f"{rng.choice(('sky', 'star', 'moon', 'river', 'blue'))}{rng.randint(10, 999)}"
    gender = _pick(rng, (("female", 65), ("male", 33), ("other", 2)))
    names = STUDENT_NAMES["male" if gender == "male" else "female"]
    return {
        "id": f"s{k + 1:0{width}d}",
        "display_name": rng.choice(names),
        "email": f"student{k + 1:0{width}d}@example.org",
        "locale": "ko" if rng.random() < 0.85 else "en",
        "timezone": "Asia/Seoul",
        "availability": _availability(rng, ("evening", "evening", "weekend", "lunch")),
        "english_level": _pick(
            rng, (("A1", 10), ("A2", 25), ("B1", 30), ("B2", 20), ("C1", 10), ("C2", 5))
        ),
        "goals": _goals(rng),
        "interests": _sample(rng, vocab.INTERESTS, 2, 5),
        "interests_other": rng.choice(OTHER_INTERESTS) if rng.random() < 0.25 else "",
        "gender": gender,
        "volunteer_gender": prefers,
        "volunteer_gender_required": bool(prefers) and rng.random() < 0.2,
        "format": fmt,
        "city": city,
        "contact": f"KakaoTalk: {handle}" if rng.random() < 0.7 else "email",
        "previous_partner_id": "",
        "continue_partner": False,
    }


def _volunteer(rng: random.Random, k: int, width: int) -> dict[str, Any]:
    """The answers of volunteer number ``k``; volunteers in Korea may meet in person."""
    zone = _pick(rng, VOLUNTEER_ZONES)
    in_korea = zone == "Asia/Seoul"
    fmt = _pick(rng, (("online", 70), ("either", 20), ("in_person", 10))) if in_korea else "online"
    gender = _pick(rng, (("female", 60), ("male", 38), ("other", 2)))
    first = rng.choice(VOLUNTEER_NAMES["male" if gender == "male" else "female"])
    initial = rng.choice(INITIALS)
    kinds = ("korea", "korea", "evening", "weekend") + (
        ("morning",) if zone.startswith("America/") else ()
    )
    korean = (
        (("none", 20), ("basic", 30), ("conversational", 30), ("fluent", 20))
        if in_korea
        else (("none", 60), ("basic", 25), ("conversational", 10), ("fluent", 5))
    )
    return {
        "id": f"v{k + 1:0{width}d}",
        "display_name": f"{first} {initial}.",
        "email": f"{first.lower()}.{initial.lower()}{k + 1}@example.org",
        "locale": "en",
        "timezone": zone,
        "availability": _availability(rng, kinds, _shift_from_seoul(zone)),
        "experience": _pick(rng, (("none", 40), ("some", 45), ("teacher", 15))),
        "korean_level": _pick(rng, korean),
        "goals": _sample(rng, vocab.GOALS, 2, 5),
        "interests": _sample(rng, vocab.INTERESTS, 2, 6),
        "interests_other": rng.choice(OTHER_INTERESTS) if rng.random() < 0.2 else "",
        "gender": gender,
        "capacity": int(_pick(rng, (("1", 80), ("2", 17), ("3", 3)))),
        "format": fmt,
        "city": "Seoul" if fmt != "online" else "",
        "contact": rng.choice(("email", "email", "Zoom", f"KakaoTalk: {first.lower()}")),
        "previous_partner_id": "",
        "continue_partner": False,
    }


def _continuing(
    rng: random.Random, students: list[dict[str, Any]], volunteers: list[dict[str, Any]]
) -> None:
    """Make about a tenth of the people last term's partners, most wanting to continue."""
    for k in range(min(len(students), len(volunteers)) // 10):
        s, v = students[k * 7 % len(students)], volunteers[k * 5 % len(volunteers)]
        if s["previous_partner_id"] or v["previous_partner_id"]:
            continue
        s["previous_partner_id"], v["previous_partner_id"] = v["id"], s["id"]
        s["continue_partner"] = rng.random() < 0.9
        v["continue_partner"] = rng.random() < 0.8
        v["availability"] = tuple(sorted(set(v["availability"]) | _shared_time(s, v)))


def _shared_time(student: dict[str, Any], volunteer: dict[str, Any]) -> set[int]:
    """Last term's partners keep a common time: Saturday 10:00-13:00 in Seoul, which the
    student gets and the volunteer gets in their own zone (at January's offsets)."""
    saturday = list(_block(5, 10, 3))
    student["availability"] = tuple(sorted(set(student["availability"]) | set(saturday)))
    shift = _shift_from_seoul(str(volunteer["timezone"]))
    return {(slot + shift) % vocab.SLOTS_PER_WEEK for slot in saturday}


def to_engine(
    students: list[SampleStudent], volunteers: list[SampleVolunteer]
) -> tuple[list[Student], list[Volunteer]]:
    """The engine's inputs for generated people (through `engine.person_from`)."""
    return (
        [person_from(Student, _answers(s)) for s in students],
        [person_from(Volunteer, _answers(v)) for v in volunteers],
    )


def _answers(person: SampleStudent | SampleVolunteer) -> dict[str, Any]:
    return {**vars(person), "availability": availability_from_slots(person.availability)}
