"""English sentences for scores, violations and reasons, with the facts behind them.

Each function returns a sentence and the facts it used, so the web layer can say
the same thing in another language from the facts alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from matcher.engine import vocab
from matcher.engine.codes import support
from matcher.engine.criteria import LEVEL_NEED
from matcher.engine.model import Student, Volunteer
from matcher.engine.result import Criterion, Interval, Violation

EXPERIENCE_TEXT = {
    "none": "no teaching experience",
    "some": "some teaching experience",
    "teacher": "is a qualified teacher",
}
KOREAN_TEXT = {
    "none": "no Korean",
    "basic": "basic Korean",
    "conversational": "conversational Korean",
    "fluent": "fluent Korean",
}
PARTS = (("night", 0), ("morning", 5), ("afternoon", 12), ("evening", 17), ("night", 22))


def duration(minutes: float) -> str:
    """``200`` -> ``"3 h 20 min"``."""
    total = round(minutes)
    hours, rest = divmod(total, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def place(zone: str) -> str:
    """A zone's city for a sentence: ``America/New_York`` -> ``New York``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _words(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _label(code: str) -> str:
    return code.replace("_", " ")


def part_of_day(interval: Interval) -> str:
    middle = (interval.start + interval.end) / 2 / 60
    return [name for name, start in PARTS if middle >= start][-1]


def describe_times(intervals: Sequence[Interval], zone: str) -> str:
    """``"Tue and Thu evenings, Sat morning in Seoul"`` for a list of intervals."""
    days: dict[str, list[int]] = {}
    for interval in intervals:
        found = days.setdefault(part_of_day(interval), [])
        if interval.day not in found:
            found.append(interval.day)
    if not days:
        return ""
    phrases = []
    for part, found in days.items():
        names = [vocab.DAYS[d] for d in sorted(found)]
        phrases.append(f"{_words(names)} {part}{'s' if len(names) > 1 else ''}")
    return f"{', '.join(phrases)} in {place(zone)}"


Words = tuple[str, dict[str, Any]]  # a sentence and the facts it says


def _overlap(
    s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]
) -> Words:
    facts = {
        "minutes": int(round(minutes)),
        "timezone": s.timezone,
        "intervals": [i.to_dict() for i in common],
    }
    return _overlap_text(round(minutes), tuple(common), s.timezone), facts


@lru_cache(maxsize=4096)
def _overlap_text(minutes: int, common: tuple[Interval, ...], zone: str) -> str:
    when = describe_times(common, zone)
    text = f"{duration(minutes)} a week in common"
    return text + (f": {when}" if when else " (the times shift during the term)")


def _interests(
    s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]
) -> Words:
    shared = tuple(sorted(s.interests & v.interests))
    facts: dict[str, Any] = {"shared": list(shared), "student_count": len(s.interests)}
    return _interests_text(shared, len(s.interests)), facts


@lru_cache(maxsize=4096)
def _interests_text(shared: tuple[str, ...], count: int) -> str:
    if not count:
        return "The student listed no interests"
    if not shared:
        return "No shared interests"
    text = f"Shares {len(shared)} of the student's {count} interests: "
    if count == 1:
        text = "Shares the student's one interest: "
    return text + _words([_label(i) for i in shared])


def _goals(s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]) -> Words:
    supported = tuple(g for g in vocab.GOALS if g in s.goals and g in v.goals)
    missing = tuple(g for g in vocab.GOALS if g in s.goals and g not in v.goals)
    facts: dict[str, Any] = {"supported": list(supported), "missing": list(missing)}
    return _goals_text(supported, missing), facts


@lru_cache(maxsize=1024)
def _goals_text(supported: tuple[str, ...], missing: tuple[str, ...]) -> str:
    if not supported and not missing:
        return "The student chose no goals"
    named = _words([_label(g) for g in supported])
    if not missing:
        return f"Supports all of the student's goals: {named}"
    text = f"Supports {len(supported)} of the student's {len(supported) + len(missing)} goals"
    return text + (f": {named}" if supported else "")


def _level(s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]) -> Words:
    facts = {
        "english_level": s.english_level,
        "experience": v.experience,
        "korean_level": v.korean_level,
        "need": LEVEL_NEED[s.english_level],
        "support": support(v),
    }
    return _level_text(s.english_level, v.experience, v.korean_level), facts


@lru_cache(maxsize=256)
def _level_text(level: str, experience: str, korean: str) -> str:
    if LEVEL_NEED[level] == 0:
        return f"Level {level}: no beginner support needed"
    said = EXPERIENCE_TEXT[experience]
    has = said if said.startswith("is ") else f"has {said}"
    return f"Level {level} student; the volunteer {has}, {KOREAN_TEXT[korean]}"


def _gender(
    s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]
) -> Words:
    facts = {
        "volunteer_gender": s.volunteer_gender,
        "required": s.volunteer_gender_required,
        "gender": v.gender,
    }
    if not s.volunteer_gender:
        return "No tutor gender preference", facts
    kind = "Required" if s.volunteer_gender_required else "Preferred"
    met = "met" if value >= 1 else "not met"
    return f"{kind} tutor gender ({s.volunteer_gender}) {met}", facts


def _continuity(
    s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]
) -> Words:
    partners = v.previous_partner_id == s.id or s.previous_partner_id == v.id
    wanting = int(s.continue_partner) + int(v.continue_partner)
    facts = {"previous_partners": partners, "want_to_continue": wanting if partners else 0}
    if not partners:
        return "Not partners last term", facts
    wishes = {2: "both want", 1: "one of them wants", 0: "neither asked"}
    return f"Partners last term; {wishes[wanting]} to continue", facts


CRITERION_TEXT = {
    "overlap": _overlap,
    "interests": _interests,
    "goals": _goals,
    "level": _level,
    "gender": _gender,
    "continuity": _continuity,
}


def criterion_text(
    code: str, s: Student, v: Volunteer, value: float, minutes: float, common: list[Interval]
) -> Words:
    """The sentence and facts of one criterion for one pair."""
    return CRITERION_TEXT[code](s, v, value, minutes, common)


def breakdown(
    s: Student,
    v: Volunteer,
    values: dict[str, float],
    scale: dict[str, float],
    weights: dict[str, float],
    minutes: float,
    common: list[Interval],
) -> tuple[Criterion, ...]:
    out = []
    for code in vocab.CRITERIA:
        text, facts = criterion_text(code, s, v, values[code], minutes, common)
        points = round(scale[code] * values[code], 2)
        out.append(Criterion(code, round(values[code], 4), weights[code], points, text, facts))
    return tuple(out)


def violation(code: str, s: Student, v: Volunteer, minutes: float, min_hours: float) -> Violation:
    """The sentence of one broken hard constraint of a pair."""
    if code == "overlap":
        text = (
            f"Only {duration(minutes)} a week in common; the minimum is {duration(min_hours * 60)}"
        )
        facts: dict[str, Any] = {"minutes": int(round(minutes)), "min_hours": min_hours}
    elif code == "gender_required":
        text = f"The student requires a {s.volunteer_gender} tutor"
        facts = {"volunteer_gender": s.volunteer_gender, "gender": v.gender}
    elif code == "format":
        text = (
            f"No common format: the student wants {_label(s.format)}"
            f"{' in ' + s.city.strip() if s.city.strip() else ''}, the volunteer "
            f"{_label(v.format)}{' in ' + v.city.strip() if v.city.strip() else ''}"
        )
        facts = {"student": [s.format, s.city], "volunteer": [v.format, v.city]}
    elif code == "forbidden":
        text, facts = "A coordinator ruled out this pair", {}
    else:
        text, facts = "The volunteer is not approved", {}
    return Violation(code, text, facts)


ONE_REASON = {  # when exactly one person was compatible
    "partners_locked": "The only compatible {other} is taken by a locked or kept pair",
    "partners_taken": (
        "The only compatible {other} ({names}) is paired with someone else; "
        "no other pairing matches more people"
    ),
}
REASONS = {
    "no_common_time": "No {other} has at least {min} a week in common (the most is {best})",
    "format": "No {other} with enough common time can meet in a common format",
    "gender_required": "No volunteer with enough common time and a common format is {gender}",
    "not_approved": "{not_approved}",
    "forbidden": "The only compatible {others} are ones a coordinator ruled out",
    "partners_locked": "All {count} compatible {others} are taken by locked or kept pairs",
    "partners_taken": (
        "All {count} compatible {others} ({names}) are paired with others; "
        "no other pairing matches more people"
    ),
}


def reason_text(reason: str, side: str, facts: Mapping[str, Any]) -> str:
    """The sentence of why a student (``side="student"``) or volunteer is unmatched.

    Of the compatible people's ``names`` the first three are shown, with how many
    more there are of ``count``.
    """
    other = "volunteer" if side == "student" else "student"
    names = list(facts.get("names", []))[:3]
    more = int(facts.get("count", len(names))) - len(names)
    shown = ", ".join(names) + (f" and {more} more" if more > 0 else "")
    if reason == "gender_required" and side == "volunteer":
        return (
            "Every student with enough common time and a common format "
            "requires a tutor of another gender"
        )
    not_approved = (
        "The volunteer is not approved"
        if side == "volunteer"
        else "The only compatible volunteers are not approved"
    )
    wording = ONE_REASON if facts.get("count") == 1 else REASONS
    return wording.get(reason, REASONS[reason]).format(
        other=other,
        others=other + "s",
        min=duration(60 * facts.get("min_hours", 0)),
        best=duration(facts.get("best_minutes", 0)),
        gender=facts.get("volunteer_gender", ""),
        count=facts.get("count", 0),
        names=shown,
        not_approved=not_approved,
    )
