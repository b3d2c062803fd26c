"""Common time across zones on the term's real dates: DST changes and odd offsets."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from matcher.engine import Settings, common_availability, evaluate_pair, match
from matcher.engine.criteria import Problem
from matcher.engine.timezones import display_offsets, pair_common
from matcher.sample import generate_people, to_engine

AUTUMN = (date(2025, 10, 1), date(2025, 12, 15))  # America/New_York leaves DST on Nov 2


def test_new_york_volunteer_loses_an_hour_after_the_november_change(make_student, make_volunteer):
    # Seoul Tue 09:00-11:00 is Mon 20:00-22:00 in New York under EDT, 19:00-21:00 under EST.
    student = make_student("s", ("Tue", "09:00", "11:00"))
    volunteer = make_volunteer("v", ("Mon", "20:00", "22:00"), timezone="America/New_York")
    before = evaluate_pair(
        student, volunteer, term_start=date(2025, 10, 1), term_end=date(2025, 10, 31)
    )
    assert before.overlap_hours == 2.0 and before.feasible
    whole = evaluate_pair(student, volunteer, term_start=AUTUMN[0], term_end=AUTUMN[1])
    assert whole.overlap_hours == 1.0
    assert [v.constraint for v in whole.violations] == ["overlap"]
    result = match([student], [volunteer], term_start=AUTUMN[0], term_end=AUTUMN[1])
    assert result.pairs == ()
    assert result.unmatched_students[0].reason == "no_common_time"
    assert result.unmatched_students[0].facts["best_minutes"] == 60
    # common every week, shown in each zone
    in_seoul = common_availability(student, volunteer, *AUTUMN, "Asia/Seoul")
    assert [str(i) for i in in_seoul] == ["Tue 10:00-11:00"]
    in_new_york = common_availability(student, volunteer, *AUTUMN, "America/New_York")
    assert [str(i) for i in in_new_york] == ["Mon 20:00-21:00"]


def test_kathmandu_quarter_hour_offset_is_exact(make_student, make_volunteer):
    # Seoul Mon 20:00-22:00 = 11:00-13:00 UTC; Kathmandu (+05:45) 16:00-18:00 = 10:15-12:15 UTC.
    student = make_student("s", ("Mon", "20:00", "22:00"))
    volunteer = make_volunteer("v", ("Mon", "16:00", "18:00"), timezone="Asia/Kathmandu")
    e = evaluate_pair(student, volunteer, term_start=date(2025, 3, 3), term_end=date(2025, 6, 27))
    assert e.overlap_hours == 1.25
    common = common_availability(
        student, volunteer, date(2025, 3, 3), date(2025, 6, 27), "Asia/Seoul"
    )
    assert [str(i) for i in common] == ["Mon 20:00-21:15"]
    in_kathmandu = common_availability(
        student, volunteer, date(2025, 3, 3), date(2025, 6, 27), "Asia/Kathmandu"
    )
    assert [str(i) for i in in_kathmandu] == ["Mon 16:45-18:00"]


def test_adelaide_half_hour_offset_and_its_april_change(make_student, make_volunteer):
    # Adelaide is +10:30 until Apr 6 2025, then +09:30. Mon 20:00-22:00 there is
    # 09:30-11:30 UTC, then 10:30-12:30 UTC; Seoul 20:00-22:00 is 11:00-13:00 UTC.
    student = make_student("s", ("Mon", "20:00", "22:00"))
    volunteer = make_volunteer("v", ("Mon", "20:00", "22:00"), timezone="Australia/Adelaide")
    june = evaluate_pair(
        student, volunteer, term_start=date(2025, 5, 5), term_end=date(2025, 6, 27)
    )
    assert june.overlap_hours == 1.5
    spring = evaluate_pair(
        student, volunteer, term_start=date(2025, 3, 3), term_end=date(2025, 6, 27)
    )
    assert spring.overlap_hours == 0.5


def test_the_matrix_path_agrees_with_the_pair_path(make_student, make_volunteer):
    students = [
        make_student("a", ("Tue", "09:00", "12:00")),
        make_student("b", ("Mon", "20:00", "23:00"), timezone="Asia/Kathmandu"),
    ]
    volunteers = [
        make_volunteer("x", ("Mon", "19:00", "23:00"), timezone="America/New_York"),
        make_volunteer("y", ("Mon", "14:00", "18:00"), timezone="Europe/London"),
    ]
    settings = Settings(min_overlap_hours=0.5)
    result = match(students, volunteers, settings, term_start=AUTUMN[0], term_end=AUTUMN[1])
    for p in result.pairs:
        s = next(x for x in students if x.id == p.student_id)
        v = next(x for x in volunteers if x.id == p.volunteer_id)
        e = evaluate_pair(s, v, settings, term_start=AUTUMN[0], term_end=AUTUMN[1])
        assert (e.score, e.overlap_hours) == (p.score, p.overlap_hours)


@pytest.mark.parametrize(
    "term", [AUTUMN, (date(2025, 3, 3), date(2025, 6, 27)), (date(2025, 1, 6), date(2025, 1, 10))]
)
def test_pair_minutes_by_bits_agree_with_the_matrix_and_the_common_cells(term):
    """Common minutes by bit counts on packed patterns (describe, the adjust screen) are
    the round's matrix entries and the cells the display path finds, zone by zone."""
    students, volunteers = to_engine(*generate_people(40, 40, seed=11))
    problem = Problem(students, volunteers, Settings(), *term, extra_zones=("Asia/Kathmandu",))
    everyone_s = np.arange(len(problem.students), dtype=np.int64)
    everyone_v = np.arange(len(problem.volunteers), dtype=np.int64)
    matrix = problem.overlap(everyone_s, everyone_v)
    ri, ci = (a.reshape(-1) for a in np.meshgrid(everyone_s, everyone_v, indexing="ij"))
    minutes = problem.pair_minutes(ri, ci)
    assert np.array_equal(minutes, matrix.reshape(-1))
    assert minutes.max() > 0
    display = display_offsets(problem.grid, "Asia/Kathmandu")  # the finest offsets
    shown, common = pair_common(problem.grid, problem.s_blocks, problem.v_blocks, ri, ci, display)
    assert np.array_equal(shown, minutes)
    assert common is not None
    in_every_week = common.sum(axis=1) * problem.grid.step
    assert (in_every_week <= minutes).all()
    if len(problem.grid.windows) == 1:  # one week: the common cells are the common minutes
        assert np.array_equal(in_every_week, minutes)
