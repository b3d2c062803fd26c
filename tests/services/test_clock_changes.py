"""A pair's common times cut on the real days the clocks change, exact to the day."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import engine
from matcher.services.pairs import CommonPeriod, common_periods
from matcher.services.timezones import clock_changes

D = dt.date
ALL_WEEK = engine.availability_from_slots(range(336))
SUN = 6 * 48  # Sunday 00:00, in slots
# In Seoul (no clock changes): Mon 19:00-21:00, and Mon 02:00-03:00 (a Sunday in America)
# and Sun 20:00-21:00 (a Sunday in Europe and Australia).
SEOUL = engine.availability_from_slots([*range(38, 42), *range(4, 6), *range(SUN + 40, SUN + 42)])


def student() -> engine.Student:
    return engine.Student("s", SEOUL, "Asia/Seoul")


def volunteer(zone: str) -> engine.Volunteer:
    return engine.Volunteer("v", ALL_WEEK, zone)


def shown(period: CommonPeriod) -> list[str]:
    return [str(i) for i in period.intervals]


def periods(zone: str, first: D, last: D, today: D | None = None) -> tuple[CommonPeriod, ...]:
    return common_periods(student(), volunteer(zone), first, last, zone, today or first)


@pytest.mark.parametrize(
    "zone,day,utc_hour",
    [
        ("Europe/London", D(2027, 3, 28), 1),  # Sunday
        ("America/Los_Angeles", D(2027, 3, 14), 10),  # Sunday
        ("Australia/Sydney", D(2027, 4, 4), 16),  # Sunday, at 03:00 local: 16:00 UTC the day before
    ],
)
def test_clock_changes_are_found_to_the_minute(zone, day, utc_hour):
    (change, *_rest) = clock_changes(zone, D(2027, 1, 4), D(2027, 6, 30))
    assert change.day_in(zone) == day and day.weekday() == 6
    assert change.at.hour == utc_hour and change.at.minute == 0
    assert change.before != change.after
    assert clock_changes("Asia/Seoul", D(2027, 1, 4), D(2027, 12, 31)) == ()


def test_london_changes_on_sunday_28_march():
    before, after = periods("Europe/London", D(2027, 3, 1), D(2027, 6, 26))
    assert (before.since, before.until, before.changes_in) == (D(2027, 3, 1), D(2027, 3, 27), ())
    assert (after.since, after.until) == (D(2027, 3, 28), D(2027, 6, 26))
    assert after.changes_in == ("Europe/London",)
    # Seoul's Mon 19:00-21:00 is 10:00-12:00 in London in winter, 11:00-13:00 in summer time.
    assert "Mon 10:00-12:00" in shown(before) and "Mon 11:00-13:00" in shown(after)
    # Seoul's Sunday 20:00 falls after the change on Sunday 28 March: the new times hold
    # that very day.
    assert "Sun 11:00-12:00" in shown(before) and "Sun 12:00-13:00" in shown(after)


def test_los_angeles_changes_on_sunday_14_march():
    before, after = periods("America/Los_Angeles", D(2027, 3, 1), D(2027, 6, 26))
    assert (before.until, after.since) == (D(2027, 3, 13), D(2027, 3, 14))
    assert after.changes_in == ("America/Los_Angeles",)
    assert "Mon 02:00-04:00" in shown(before) and "Mon 03:00-05:00" in shown(after)
    # Seoul's Monday 02:00 is Sunday 09:00 in Los Angeles before, 10:00 from the change day.
    assert "Sun 09:00-10:00" in shown(before) and "Sun 10:00-11:00" in shown(after)


def test_sydney_changes_in_april_and_october():
    summer, winter, spring = periods("Australia/Sydney", D(2027, 3, 1), D(2027, 10, 31))
    assert (summer.until, winter.since) == (D(2027, 4, 3), D(2027, 4, 4))
    assert (winter.until, spring.since) == (D(2027, 10, 2), D(2027, 10, 3))
    assert winter.changes_in == spring.changes_in == ("Australia/Sydney",)
    # Seoul's Mon 19:00-21:00 is 21:00-23:00 in Sydney's summer time, 20:00-22:00 in winter.
    assert "Mon 21:00-23:00" in shown(summer) and "Mon 20:00-22:00" in shown(winter)
    assert "Mon 21:00-23:00" in shown(spring)
    assert "Sun 22:00-23:00" in shown(summer) and "Sun 21:00-22:00" in shown(winter)


def test_seoul_has_one_period():
    (only,) = periods("Asia/Seoul", D(2027, 3, 1), D(2027, 6, 26))
    assert (only.since, only.until, only.changes_in) == (D(2027, 3, 1), D(2027, 6, 26), ())
    assert shown(only) == ["Mon 02:00-03:00", "Mon 19:00-21:00", "Sun 20:00-21:00"]


def test_a_change_that_moves_nothing_in_the_zone_shown_makes_no_new_period():
    """The Seoul student's times in Seoul do not move when London's clocks change."""
    (only,) = common_periods(
        student(),
        volunteer("Europe/London"),
        D(2027, 3, 1),
        D(2027, 6, 26),
        "Asia/Seoul",
        D(2027, 3, 1),
    )
    assert only.until == D(2027, 6, 26) and len(only.intervals) == 3


def test_the_days_left_before_a_change_list_only_those_days():
    # Seen on Wednesday 24 March: Wed-Sat stay before London's change, so no Monday or
    # Sunday times are listed for them, and the weekly hours count a whole week.
    before, after = periods("Europe/London", D(2027, 3, 1), D(2027, 6, 26), D(2027, 3, 24))
    assert (before.since, before.until) == (D(2027, 3, 24), D(2027, 3, 27))
    assert before.partial and shown(before) == [] and not after.partial
    assert after.hours == 4.0


def test_nothing_left_after_the_term():
    assert periods("Europe/London", D(2027, 3, 1), D(2027, 6, 26), D(2027, 7, 1)) == ()
