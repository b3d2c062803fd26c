"""The engine's contract on hand-made rounds: objectives, locks, re-match, reasons, queries."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matcher.engine import (
    InvalidLock,
    MatchResult,
    Settings,
    UnknownPerson,
    Weights,
    alternatives,
    evaluate_pair,
    match,
)

TERM = {"term_start": date(2025, 3, 3), "term_end": date(2025, 6, 27)}
EVENING = ("Mon", "19:00", "22:00")
INTERESTS_ONLY = Weights(overlap=0, interests=1, goals=0, level=0, gender=0, continuity=0)


def test_most_pairs_come_before_a_higher_total(make_student, make_volunteer):
    # s1-v1 alone scores 100; s1-v2 and s2-v1 score 0 each, yet two pairs beat one.
    students = [
        make_student("s1", EVENING, interests=frozenset({"music"})),
        make_student("s2", EVENING, interests=frozenset({"books"})),
    ]
    volunteers = [
        make_volunteer("v1", EVENING, interests=frozenset({"music"})),
        make_volunteer("v2", EVENING, interests=frozenset({"art"}), gender="male"),
    ]
    students[1] = make_student(
        "s2",
        EVENING,
        interests=frozenset({"books"}),
        volunteer_gender="female",
        volunteer_gender_required=True,
    )
    volunteers[0] = make_volunteer("v1", EVENING, interests=frozenset({"music"}), gender="female")
    result = match(students, volunteers, Settings(weights=INTERESTS_ONLY), **TERM)
    assert {(p.student_id, p.volunteer_id) for p in result.pairs} == {("s1", "v2"), ("s2", "v1")}
    assert result.stats["max_matchable"] == 2


def test_fair_raises_the_lowest_score_best_raises_the_total(make_student, make_volunteer):
    many = frozenset({"music", "sports", "cooking", "travel", "art", "games", "news", "movies"})
    students = [
        make_student("s1", EVENING, interests=frozenset({"music", "books"})),
        make_student("s2", EVENING, interests=many),
    ]
    volunteers = [  # scores: s1-v1 100, s2-v1 50, s1-v2 50, s2-v2 25
        make_volunteer(
            "v1", EVENING, interests=frozenset({"music", "books", "sports", "cooking", "travel"})
        ),
        make_volunteer("v2", EVENING, interests=frozenset({"music", "games"})),
    ]
    best = match(students, volunteers, Settings(weights=INTERESTS_ONLY), **TERM)
    fair = match(students, volunteers, Settings(weights=INTERESTS_ONLY, objective="fair"), **TERM)
    assert {(p.student_id, p.volunteer_id) for p in best.pairs} == {("s1", "v1"), ("s2", "v2")}
    assert {(p.student_id, p.volunteer_id) for p in fair.pairs} == {("s1", "v2"), ("s2", "v1")}
    assert best.stats["lowest_score"] == 25.0 and fair.stats["lowest_score"] == 50.0


def test_capacity_two_takes_two_students(make_student, make_volunteer):
    students = [make_student(f"s{k}", EVENING) for k in range(3)]
    volunteers = [make_volunteer("v", EVENING, capacity=2)]
    result = match(students, volunteers, **TERM)
    assert len(result.pairs) == 2 and result.unmatched_volunteers == ()
    assert [u.reason for u in result.unmatched_students] == ["partners_taken"]
    assert "no other pairing matches more people" in result.unmatched_students[0].text


def test_a_lock_breaking_a_hard_constraint_names_the_pair_and_constraint(
    make_student, make_volunteer
):
    students = [
        make_student("s", EVENING, volunteer_gender="female", volunteer_gender_required=True)
    ]
    volunteers = [make_volunteer("v", EVENING, gender="male")]
    with pytest.raises(InvalidLock) as raised:
        match(students, volunteers, locks=[("s", "v")], **TERM)
    assert raised.value.constraint == "gender_required"
    assert "(s, v)" in str(raised.value)
    with pytest.raises(InvalidLock) as raised:
        match(
            students,
            [make_volunteer("v", EVENING, gender="female")],
            locks=[("s", "v")],
            forbids=[("s", "v")],
            **TERM,
        )
    assert raised.value.constraint == "forbidden"
    with pytest.raises(UnknownPerson, match="nobody|no volunteer"):
        match(students, volunteers, locks=[("s", "ghost")], **TERM)


def test_locks_forbids_and_continuing_pairs(make_student, make_volunteer):
    students = [
        make_student("s1", EVENING, previous_partner_id="v1", continue_partner=True),
        make_student("s2", EVENING),
        make_student("s3", EVENING),
    ]
    volunteers = [
        make_volunteer("v1", EVENING, previous_partner_id="s1", continue_partner=True),
        make_volunteer("v2", EVENING),
        make_volunteer("v3", EVENING),
    ]
    result = match(students, volunteers, locks=[("s2", "v3")], forbids=[("s3", "v2")], **TERM)
    got = {(p.student_id, p.volunteer_id): p.origin for p in result.pairs}
    assert got == {("s1", "v1"): "continue_partner", ("s2", "v3"): "locked"}
    # s3's compatible volunteers are all locked, or forbidden to s3
    assert [u.reason for u in result.unmatched_students] == ["partners_locked"]
    assert [u.reason for u in result.unmatched_volunteers] == ["partners_locked"]
    alone = match([students[2]], [volunteers[1]], forbids=[("s3", "v2")], **TERM)
    assert [u.reason for u in alone.unmatched_students] == ["forbidden"]
    free = match(students, volunteers, Settings(lock_continue_partner=False), **TERM)
    assert all(p.origin == "solved" for p in free.pairs)
    continuity = next(
        c for c in free.pair_of_student("s1").breakdown if c.criterion == "continuity"
    )
    assert continuity.value == 1.0 and continuity.text.startswith("Partners last term")


def test_rematch_keeps_kept_pairs_and_solves_only_the_free(make_student, make_volunteer):
    students = [make_student(f"s{k}", EVENING) for k in range(4)]
    volunteers = [make_volunteer(f"v{k}", EVENING) for k in range(3)] + [
        make_volunteer("v3", EVENING, capacity=2)
    ]
    kept = [("s0", "v1"), ("s1", "v3")]
    result = match(students, volunteers, kept=kept, only_students={"s2"}, **TERM)
    got = {(p.student_id, p.volunteer_id): p.origin for p in result.pairs}
    assert got[("s0", "v1")] == "kept" and got[("s1", "v3")] == "kept"
    assert {p.student_id for p in result.pairs} == {"s0", "s1", "s2"}  # s3 is out of scope
    assert result.stats["kept"] == 2 and result.stats["solved"] == 1


def test_unmatched_reasons(make_student, make_volunteer):
    students = [
        make_student("late", ("Sun", "02:00", "04:00")),
        make_student("picky", EVENING, volunteer_gender="other", volunteer_gender_required=True),
        make_student("busan", EVENING, format="in_person", city="Busan"),
    ]
    volunteers = [
        make_volunteer("v", EVENING, gender="female"),
        make_volunteer("new", EVENING, approved=False),
    ]
    result = match(students, volunteers, **TERM)
    reasons = {u.id: u.reason for u in (*result.unmatched_students, *result.unmatched_volunteers)}
    assert reasons == {
        "late": "no_common_time",
        "picky": "gender_required",
        "busan": "format",
        "new": "not_approved",
        "v": "gender_required",  # the only student with common time and format needs "other"
    }


def test_alternatives_and_pair_evaluation(make_student, make_volunteer):
    students = [
        make_student("s1", EVENING, interests=frozenset({"music", "art"})),
        make_student("s2", EVENING),
    ]
    volunteers = [
        make_volunteer("v1", EVENING, interests=frozenset({"music"})),
        make_volunteer("v2", EVENING, interests=frozenset({"music", "art"})),
        make_volunteer("v3", ("Sun", "02:00", "04:00")),
    ]
    found = alternatives(
        students, volunteers, student_id="s1", pairs=[("s1", "v1"), ("s2", "v2")], **TERM
    )
    assert [a.partner_id for a in found] == ["v2"]  # v3 has no common time; v1 is current
    assert found[0].displaced == ("s2",) and found[0].current_score is not None
    assert found[0].score > found[0].current_score
    e = evaluate_pair(students[0], volunteers[2], **TERM)
    assert not e.feasible and e.violations[0].constraint == "overlap"
    assert [c.criterion for c in e.breakdown] == [
        "overlap",
        "interests",
        "goals",
        "level",
        "gender",
        "continuity",
    ]
    json.dumps(e.to_dict())


def test_result_round_trips_through_json_and_explains_in_words(make_student, make_volunteer):
    result = match(
        [make_student("s", ("Tue", "19:00", "21:30"), ("Thu", "20:00", "21:00"))],
        [make_volunteer("v", ("Tue", "19:00", "22:00"), ("Thu", "19:00", "22:00"))],
        **TERM,
    )
    overlap = result.pairs[0].breakdown[0]
    assert overlap.text == "3 h 30 min a week in common: Tue and Thu evenings in Seoul"
    assert overlap.facts["minutes"] == 210
    again = MatchResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again == result


def test_empty_and_one_sided_rounds(make_student, make_volunteer):
    assert match([], [], **TERM).pairs == ()
    only = match([make_student("s", EVENING)], [], **TERM)
    assert only.unmatched_students[0].reason == "no_common_time"
    assert only.stats["lowest_score"] is None
