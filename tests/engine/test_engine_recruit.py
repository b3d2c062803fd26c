"""Where to recruit and the stability report, checked against re-solves and brute force."""

from __future__ import annotations

from datetime import date

from engine_strategies import ANCHORS, TERM_END, TERM_START, Round, pair_table, rounds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine import (
    MatchResult,
    PairOrigin,
    RecruitWindow,
    Student,
    Volunteer,
    availability_from_slots,
    blocking_pairs,
    match,
    recruitment_windows,
    unmatched_counts,
    vocab,
)
from matcher.engine.recruit import most_common_zones

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TERM = {"term_start": TERM_START, "term_end": TERM_END}


def solve(r: Round, volunteers: list[Volunteer], **kwargs: object) -> MatchResult:
    return match(r.students, volunteers, r.settings, forbids=r.forbids, **TERM, **kwargs)  # type: ignore[arg-type]


def apart(windows: list[RecruitWindow]) -> list[RecruitWindow]:
    """The windows, skipping any that overlaps one before it."""
    taken: set[int] = set()
    out = []
    for w in windows:
        slots = {(w.start_slot + k) % vocab.SLOTS_PER_WEEK for k in range(w.slots)}
        if not slots & taken:
            taken |= slots
            out.append(w)
    return out


def window_copies(zone: str, start: int, count: int) -> list[Volunteer]:
    """``count`` volunteers free exactly three hours from ``start`` in ``zone``."""
    week = availability_from_slots((start + k) % vocab.SLOTS_PER_WEEK for k in range(6))
    return [Volunteer(f"extra{k}", week, zone, format="online") for k in range(count)]


@st.composite
def locked_rounds(draw: st.DrawFn) -> tuple[Round, MatchResult, list[tuple[str, str]]]:
    """A round, its result with some of its pairs locked, and the locks."""
    r = draw(rounds(max_side=6))
    first = solve(r, r.volunteers)
    pairs = [(p.student_id, p.volunteer_id) for p in first.pairs]
    locks = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2)) if pairs else []
    return r, solve(r, r.volunteers, locks=locks), locks


@st.composite
def window_starts(draw: st.DrawFn, zone: str) -> list[int]:
    """Start slots near the times the zone's people are free, and one anywhere."""
    near = [
        day * vocab.SLOTS_PER_DAY + 2 * hour + shift
        for day, hour in ANCHORS[zone]
        for shift in range(-4, 7, 2)
    ]
    starts = draw(st.lists(st.sampled_from(near), min_size=1, max_size=3, unique=True))
    return [*starts, 2 * draw(st.integers(0, 167))]


@FAST
@given(locked_rounds(), st.data())
def test_the_recruitment_figure_equals_a_re_solve_with_the_extra_volunteers(
    found: tuple[Round, MatchResult, list[tuple[str, str]]], data: st.DataObject
) -> None:
    r, result, locks = found
    windows = recruitment_windows(
        r.students, r.volunteers, r.settings, result, forbids=r.forbids, **TERM
    )
    if not r.students:
        assert windows == []
        return
    for limit in (1, 3):
        limited = recruitment_windows(
            r.students, r.volunteers, r.settings, result, forbids=r.forbids, limit=limit, **TERM
        )
        assert limited == windows[:limit]
        spread = recruitment_windows(
            r.students,
            r.volunteers,
            r.settings,
            result,
            forbids=r.forbids,
            limit=limit,
            apart=True,
            **TERM,
        )
        assert spread == apart(windows)[:limit]
    zone = most_common_zones(s.timezone for s in r.students)[0]
    figure = {w.start_slot: w.students for w in windows}
    assert all(w.students > 0 and w.local.zone == zone for w in windows)
    for start in data.draw(window_starts(zone)):
        # As many copies as students are unmatched: more could never pair more.
        copies = window_copies(zone, start, len(result.unmatched_students) + 1)
        again = solve(r, [*r.volunteers, *copies], locks=locks)
        gained = len(again.pairs) - len(result.pairs)
        assert figure.get(start, 0) == gained
        # and that many copies are enough
        fewer = solve(r, [*r.volunteers, *copies[:gained]], locks=locks)
        assert len(fewer.pairs) - len(result.pairs) == gained


@FAST
@given(rounds(max_side=6))
def test_every_reported_blocking_pair_blocks_and_no_other_does(r: Round) -> None:
    table = pair_table(r)
    result = solve(r, r.volunteers)
    has = {p.student_id: round(p.score * 100) for p in result.pairs}
    scores: dict[str, list[int]] = {}
    for p in result.pairs:
        scores.setdefault(p.volunteer_id, []).append(round(p.score * 100))
    capacity = {v.id: v.capacity for v in r.volunteers}
    worst = {
        v: min(s) if len(s) >= capacity[v] else -1 for v, s in scores.items()
    }  # a free place: minus infinity
    together = {(p.student_id, p.volunteer_id) for p in result.pairs}
    expected = {
        (s, v)
        for (s, v), score in table.items()
        if score is not None
        and (s, v) not in together
        and score > has.get(s, -1)
        and score > worst.get(v, -1)
    }
    found = blocking_pairs(r.students, r.volunteers, r.settings, result, forbids=r.forbids, **TERM)
    assert {(b.student_id, b.volunteer_id) for b in found} == expected
    for b in found:
        assert round(b.score * 100) == table[(b.student_id, b.volunteer_id)]
        assert b.student_score is None or b.student_score < b.score
        assert b.volunteer_score is None or b.volunteer_score < b.score


def seoul(*blocks: tuple[int, int, int]) -> tuple[bool, ...]:
    """(day, start hour, end hour) blocks."""
    return availability_from_slots(
        s for day, a, b in blocks for s in range(day * 48 + 2 * a, day * 48 + 2 * b)
    )


def test_a_window_that_four_unmatched_students_share_helps_four() -> None:
    saturday = seoul((5, 9, 12))
    students = [Student(f"s{k}", saturday) for k in range(5)]
    students.append(
        Student("s5", saturday, volunteer_gender="female", volunteer_gender_required=True)
    )
    students.append(Student("s6", saturday, format="in_person", city="Busan"))
    volunteers = [Volunteer("v0", saturday, "Asia/Seoul")]
    term = {"term_start": date(2027, 3, 1), "term_end": date(2027, 6, 25)}
    result = match(students, volunteers, **term)
    windows = recruitment_windows(students, volunteers, None, result, **term)
    best = windows[0]
    assert best.students == 4  # s5 requires a woman, s6 meets in person only
    assert (best.local.day, best.local.start, best.local.end) == (5, 9 * 60, 12 * 60)
    # Seoul's 09:00 on a Saturday is Friday 17:00 in Los Angeles in spring (daylight time).
    assert not best.elsewhere  # every volunteer is in Seoul
    assert [w.students for w in windows[:3]] == [4, 4, 4]  # 08:00 and 10:00 starts fit too
    assert unmatched_counts(result) == {
        "partners_taken": 4,
        "gender_required": 1,
        "format": 1,
    }


def test_windows_are_shown_in_the_volunteers_zones() -> None:
    students = [Student("s0", seoul((5, 9, 12))), Student("s1", seoul((5, 9, 12)))]
    friday = availability_from_slots(range(4 * 48 + 34, 4 * 48 + 40))  # Fri 17:00-20:00
    volunteers = [
        Volunteer("v0", friday, "America/Los_Angeles"),
        Volunteer("v1", seoul((0, 1, 2)), "America/Los_Angeles"),
        Volunteer("v2", seoul((0, 1, 2)), "Europe/London"),
    ]
    term = {"term_start": date(2027, 3, 1), "term_end": date(2027, 6, 25)}
    result = match(students, volunteers, **term)
    assert len(result.pairs) == 1
    best = recruitment_windows(students, volunteers, None, result, **term)[0]
    assert best.students == 1
    la, london = best.elsewhere
    assert (la.zone, la.day, la.start, la.end) == ("America/Los_Angeles", 4, 17 * 60, 20 * 60)
    # Seoul's Saturday 09:00 is Friday 17:00 in Los Angeles in spring (daylight time)
    assert (london.zone, london.day, london.start) == ("Europe/London", 5, 1 * 60)


def test_fixed_pairs_stay_and_keep_their_places() -> None:
    week = seoul((5, 9, 12))
    students = [Student("s0", week), Student("s1", week)]
    volunteers = [Volunteer("v0", week, "Asia/Seoul")]
    term = {"term_start": date(2027, 3, 1), "term_end": date(2027, 6, 25)}
    result = match(students, volunteers, locks=[("s0", "v0")], **term)
    assert result.pairs[0].origin == PairOrigin.LOCKED
    windows = recruitment_windows(students, volunteers, None, result, **term)
    assert windows and windows[0].students == 1
