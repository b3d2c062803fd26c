"""Every status and kind has its label in one place; times are written one way."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.engine import PairOrigin
from matcher.models import (
    ConstraintKind,
    EnrollmentStatus,
    Role,
    RoundKind,
    RoundStatus,
    TermStatus,
)
from matcher.web import filters, labels


@pytest.mark.parametrize(
    "enum_class, mapping",
    [
        (Role, labels.ROLES),
        (TermStatus, labels.TERM_STATUSES),
        (EnrollmentStatus, labels.ENROLLMENT_STATUSES),
        (RoundKind, labels.ROUND_KINDS),
        (RoundStatus, labels.ROUND_STATUSES),
        (ConstraintKind, labels.CONSTRAINT_KINDS),
        (PairOrigin, labels.PAIR_ORIGIN_TAGS),
    ],
)
def test_each_member_has_a_label(enum_class, mapping):
    assert set(mapping) == set(enum_class)


def test_labels_read_by_stored_string(app):
    assert str(labels.ROUND_KINDS["rematch"]) == "Re-match"
    assert str(labels.PAIR_ORIGIN_TAGS["swapped"]) == "by hand"


@pytest.mark.parametrize(
    "minutes, text", [(0, "00:00"), (30, "00:30"), (19 * 60 + 30, "19:30"), (24 * 60 - 30, "23:30")]
)
def test_clock(minutes, text):
    assert filters.clock(minutes) == text


def test_date_and_datetime():
    moment = dt.datetime(2027, 3, 2, 9, 5, tzinfo=dt.UTC)
    assert filters.date(moment) == "2027-03-02"
    assert filters.date(dt.date(2027, 3, 2)) == "2027-03-02"
    assert filters.datetime(moment) == "2027-03-02 09:05"
    assert filters.date(None) == filters.datetime(None) == ""


def test_datetime_in_the_readers_zone():
    """The term page said "Run at 13:12" (UTC) beside an audit log saying 22:12 (Seoul)."""
    moment = dt.datetime(2027, 3, 2, 9, 5, tzinfo=dt.UTC)
    assert filters.datetime(moment, "Asia/Seoul") == "2027-03-02 18:05"
    assert (
        filters.datetime(moment.replace(tzinfo=None), "America/Los_Angeles") == "2027-03-02 01:05"
    )
    assert filters.datetime(None, "Asia/Seoul") == ""


def test_the_filters_are_registered(app):
    rendered = app.jinja_env.from_string(
        "{{ (19 * 60)|clock }} {{ day|date }} {{ moment|datetime }}"
    ).render(day=dt.date(2027, 3, 2), moment=dt.datetime(2027, 3, 2, 9, 5))
    assert rendered == "19:00 2027-03-02 2027-03-02 09:05"
