"""The engine's explanations in the reader's language, made from their codes and facts.

The engine (Flask-free) gives every criterion, broken rule and unmatched reason a code
and the facts it was made from, plus an English sentence that the CSV command prints.
Pages word them here, through the catalogue, so a coordinator who reads Korean reads
Korean. A stored item this module cannot word (an unknown code, facts missing from an
old round) shows the sentence stored with it.

Each function takes the stored dict (a round's JSON) or the engine's dataclass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from matcher.engine import Interval, explain
from matcher.services import profiles
from matcher.services.erasure import LEFT_IN_ENGINE_TEXT
from matcher.services.rounds import left_label
from matcher.web import labels
from matcher.web.filters import city


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _locale() -> str:
    return str(get_locale() or "en")


def words(items: Sequence[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"`` in the reader's language."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    return format_list(items, locale=_locale())


def _days(names: Sequence[Any]) -> str:
    """Days of the week as a short list: "Tue and Thu"; in Korean "화·목"."""
    if _locale().startswith("ko"):
        return "·".join(str(n) for n in names)
    return words(names)


def duration(minutes: float) -> str:
    """``200`` -> ``"3 h 20 min"`` (``"3시간 20분"``)."""
    hours, rest = divmod(int(round(minutes)), 60)
    if hours and rest:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=rest)


def _part_phrase(part: str, days: str, n: int) -> str:
    if part == "morning":
        return ngettext("%(days)s morning", "%(days)s mornings", n, days=days)
    if part == "afternoon":
        return ngettext("%(days)s afternoon", "%(days)s afternoons", n, days=days)
    if part == "evening":
        return ngettext("%(days)s evening", "%(days)s evenings", n, days=days)
    return ngettext("%(days)s night", "%(days)s nights", n, days=days)


def times(intervals: Sequence[Any], zone: str) -> str:
    """``"Tue and Thu evenings, Sat morning in Seoul"`` from intervals of the week."""
    found: dict[str, list[int]] = {}
    for item in intervals:
        interval = Interval.from_dict(item) if isinstance(item, Mapping) else item
        part = explain.part_of_day(interval)  # the engine's parts of the day
        if interval.day not in found.setdefault(part, []):
            found[part].append(interval.day)
    if not found:
        return ""
    phrases = [
        _part_phrase(
            part, _days([labels.DAYS[labels.DAY_CODES[d]] for d in sorted(days)]), len(days)
        )
        for part, days in found.items()
    ]
    return _("%(times)s in %(city)s", times=", ".join(phrases), city=city(zone))


def _named(mapping: Mapping[str, Any], codes: Sequence[str]) -> str:
    return words([str(mapping.get(code, code)) for code in codes])


def _overlap(facts: Mapping[str, Any], value: float) -> str:
    when = times(facts["intervals"], facts["timezone"])
    amount = duration(facts["minutes"])
    if when:
        return _("%(duration)s a week in common: %(when)s", duration=amount, when=when)
    return _("%(duration)s a week in common (the times shift during the term)", duration=amount)


def _interests(facts: Mapping[str, Any], value: float) -> str:
    count, shared = int(facts["student_count"]), list(facts["shared"])
    if not count:
        return _("The student listed no interests")
    if not shared:
        return _("No shared interests")
    names = _named(labels.INTERESTS, shared)
    if len(shared) >= count:
        return ngettext(
            "Shares the student's %(num)d interest: %(names)s",
            "Shares all %(num)d of the student's interests: %(names)s",
            count,
            names=names,
        )
    return ngettext(
        "Shares %(shared)d of the student's %(num)d interest: %(names)s",
        "Shares %(shared)d of the student's %(num)d interests: %(names)s",
        count,
        shared=len(shared),
        names=names,
    )


def _goals(facts: Mapping[str, Any], value: float) -> str:
    supported, missing = list(facts["supported"]), list(facts["missing"])
    if not supported and not missing:
        return _("The student chose no goals")
    named = _named(labels.GOALS, supported)
    if not missing:
        return _("Supports all of the student's goals: %(names)s", names=named)
    total = len(supported) + len(missing)
    if not supported:
        return _("Supports none of the student's goals")
    return ngettext(
        "Supports %(supported)d of the student's %(num)d goal: %(names)s",
        "Supports %(supported)d of the student's %(num)d goals: %(names)s",
        total,
        supported=len(supported),
        names=named,
    )


def _level(facts: Mapping[str, Any], value: float) -> str:
    level = str(facts["english_level"])
    if not facts["need"]:
        return _("Level %(level)s: no beginner support needed", level=level)
    return _(
        "Level %(level)s student; the volunteer's teaching experience: %(experience)s; "
        "Korean: %(korean)s",
        level=level,
        experience=labels.EXPERIENCE[facts["experience"]],
        korean=labels.KOREAN_LEVELS[facts["korean_level"]],
    )


def _gender(facts: Mapping[str, Any], value: float) -> str:
    wanted = facts["volunteer_gender"]
    if not wanted:
        return _("No tutor gender preference")
    gender = labels.GENDERS.get(wanted, wanted)
    met = facts.get("gender") == wanted
    if facts["required"]:
        if met:
            return _("Requires a tutor who is: %(gender)s; met", gender=gender)
        return _("Requires a tutor who is: %(gender)s; not met", gender=gender)
    if met:
        return _("Prefers a tutor who is: %(gender)s; met", gender=gender)
    return _("Prefers a tutor who is: %(gender)s; not met", gender=gender)


def _continuity(facts: Mapping[str, Any], value: float) -> str:
    if not facts["previous_partners"]:
        return _("Not partners last term")
    wanting = int(facts["want_to_continue"])
    if wanting >= 2:
        return _("Partners last term; both want to continue")
    if wanting == 1:
        return _("Partners last term; one of them wants to continue")
    return _("Partners last term; neither asked to continue")


_CRITERIA = {
    "overlap": _overlap,
    "interests": _interests,
    "goals": _goals,
    "level": _level,
    "gender": _gender,
    "continuity": _continuity,
}


def criterion(item: Any) -> str:
    """One criterion of a pair's score, in words."""
    say = _CRITERIA.get(str(_field(item, "criterion", "")))
    try:
        if say is not None:
            return say(_field(item, "facts", {}) or {}, float(_field(item, "value", 0) or 0))
    except (KeyError, TypeError, ValueError):
        pass
    return str(_field(item, "text", ""))


def _place(choice: Sequence[str]) -> str:
    format_, where = str(choice[0]), str(choice[1]).strip()
    label = str(labels.FORMATS.get(format_, format_))
    return _("%(format)s in %(city)s", format=label, city=where) if where else label


def violation(item: Any) -> str:
    """A rule of matching that a pair breaks, in words."""
    code, facts = str(_field(item, "constraint", "")), _field(item, "facts", {}) or {}
    try:
        if code == "overlap":
            return _(
                "Only %(duration)s a week in common; the minimum is %(minimum)s",
                duration=duration(facts["minutes"]),
                minimum=duration(60 * float(facts["min_hours"])),
            )
        if code == "gender_required":
            wanted = facts["volunteer_gender"]
            return _(
                "The student requires a tutor who is: %(gender)s",
                gender=labels.GENDERS.get(wanted, wanted),
            )
        if code == "format":
            return _(
                "No common format: the student wants %(student)s, the volunteer %(volunteer)s",
                student=_place(facts["student"]),
                volunteer=_place(facts["volunteer"]),
            )
        if code == "forbidden":
            return _("A coordinator ruled out this pair")
        if code == "not_approved":
            return _("The volunteer is not approved")
    except (KeyError, TypeError, ValueError, IndexError):
        pass
    return str(_field(item, "text", ""))


def _names(facts: Mapping[str, Any]) -> str:
    """The first three names of the compatible people, and how many more there are."""
    names = [str(n) for n in list(facts.get("names", []))[:3]]
    names = [left_label() if n == LEFT_IN_ENGINE_TEXT else n for n in names]  # deleted
    more = int(facts.get("count", len(names))) - len(names)
    if more > 0:
        names.append(ngettext("%(num)d more", "%(num)d more", more))
    return words(names)


def _student_reason(reason: str, facts: Mapping[str, Any]) -> str | None:
    count = int(facts.get("count", 0))
    if reason == "no_common_time":
        return _(
            "No volunteer has at least %(minimum)s a week in common (the most is %(best)s)",
            minimum=duration(60 * float(facts["min_hours"])),
            best=duration(float(facts["best_minutes"])),
        )
    if reason == "format":
        return _("No volunteer with enough common time can meet in a common format")
    if reason == "gender_required":
        wanted = facts["volunteer_gender"]
        return _(
            "No volunteer with enough common time and a common format is: %(gender)s",
            gender=labels.GENDERS.get(wanted, wanted),
        )
    if reason == "not_approved":
        return _("The only compatible volunteers are not approved")
    if reason == "forbidden":
        return _("The only compatible volunteers are ones a coordinator ruled out")
    if reason == "partners_locked":
        return ngettext(
            "%(num)d compatible volunteer, taken by a locked or kept pair",
            "%(num)d compatible volunteers, all taken by locked or kept pairs",
            count,
        )
    if reason == "partners_taken":
        return ngettext(
            "%(num)d compatible volunteer (%(names)s), paired with someone else; "
            "no other pairing matches more people",
            "%(num)d compatible volunteers (%(names)s), all paired with others; "
            "no other pairing matches more people",
            count,
            names=_names(facts),
        )
    return None


def _volunteer_reason(reason: str, facts: Mapping[str, Any]) -> str | None:
    count = int(facts.get("count", 0))
    if reason == "no_common_time":
        return _(
            "No student has at least %(minimum)s a week in common (the most is %(best)s)",
            minimum=duration(60 * float(facts["min_hours"])),
            best=duration(float(facts["best_minutes"])),
        )
    if reason == "format":
        return _("No student with enough common time can meet in a common format")
    if reason == "gender_required":
        return _(
            "Every student with enough common time and a common format "
            "requires a tutor of another gender"
        )
    if reason == "not_approved":
        return _("The volunteer is not approved")
    if reason == "forbidden":
        return _("The only compatible students are ones a coordinator ruled out")
    if reason == "partners_locked":
        return ngettext(
            "%(num)d compatible student, taken by a locked or kept pair",
            "%(num)d compatible students, all taken by locked or kept pairs",
            count,
        )
    if reason == "partners_taken":
        return ngettext(
            "%(num)d compatible student (%(names)s), paired with someone else; "
            "no other pairing matches more people",
            "%(num)d compatible students (%(names)s), all paired with others; "
            "no other pairing matches more people",
            count,
            names=_names(facts),
        )
    return None


def reason(code: str, side: str, facts: Mapping[str, Any] | None, text: str) -> str:
    """Why a student (``side="student"``) or a volunteer is unmatched, in words;
    ``text``, the sentence stored with it, when the code or its facts are unknown."""
    say = _student_reason if side == "student" else _volunteer_reason
    try:
        found = say(code, facts or {})
    except (KeyError, TypeError, ValueError):
        found = None
    return found if found is not None else text


def excluded(person: Mapping[str, Any]) -> str:
    """Why an approved person was left out of a round (their profile lacks answers)."""
    codes = person.get("missing")
    if not codes or any(code not in profiles.MISSING_LABELS for code in codes):
        return str(person.get("reason", ""))
    missing = ", ".join(str(profiles.MISSING_LABELS[code]) for code in codes)
    return _("Profile incomplete: %(missing)s", missing=missing)


def objective(code: str) -> str:
    """A round's objective as its label: "best" -> "Best total"."""
    return str(labels.OBJECTIVES.get(code, code))


def settings(stored: Mapping[str, Any]) -> list[str]:
    """A round's stored settings as labelled phrases, for a line under its figures."""
    out = [
        _("Objective: %(objective)s", objective=objective(str(stored.get("objective", "")))),
    ]
    if "min_overlap_hours" in stored:
        minimum = duration(60 * float(stored["min_overlap_hours"]))
        out.append(_("At least %(duration)s a week in common", duration=minimum))
    weights = stored.get("weights") or {}
    named = [
        _(
            "%(criterion)s %(weight)d",
            criterion=labels.CRITERION_NAMES.get(code, code),
            weight=int(weight),
        )
        for code, weight in weights.items()
    ]
    if named:
        out.append(_("Weights: %(weights)s", weights=", ".join(named)))
    if stored.get("lock_continue_partner") is False:
        out.append(_("Last term's pairs not kept"))
    return out
