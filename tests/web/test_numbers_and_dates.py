"""Numbers that are not numbers, and term dates far off: refused with a message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.models import Term
from tests.web.world import database_content, sign_in_as

TERM_B = 2  # the world's open term
TERM_FORM = {
    "name": "Autumn 2030",
    "starts_on": "2030-09-01",
    "ends_on": "2030-12-20",
    "applications_open_on": "2030-06-01",
    "applications_close_on": "2030-08-01",
    "status": "draft",
}

ROUND_FORM = {
    **{f"weight_{c}": "10" for c in ("overlap", "interests", "goals", "level", "gender")},
    "weight_continuity": "10",
    "min_overlap_hours": "2",
    "objective": "best",
}


@pytest.mark.parametrize("hours", ["sNaN", "-sNaN", "NaN", "nan", "inf", "-inf", "Infinity"])
def test_minimum_common_time_that_is_not_a_number_is_refused(client, world, hours):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    response = client.post(
        f"/terms/{TERM_B}/rounds",
        data={**ROUND_FORM, "min_overlap_hours": hours},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Give an ordinary number, such as 2 or 1.5." in response.get_data(as_text=True)
    assert database_content() == before


# -- Term dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"ends_on": "9999-12-31"}, "Give a date between 2000 and 2100."),
        ({"starts_on": "1999-12-31"}, "Give a date between 2000 and 2100."),
        ({"applications_open_on": "0001-01-01"}, "Give a date between 2000 and 2100."),
        ({"applications_close_on": "2101-01-01"}, "Give a date between 2000 and 2100."),
        ({"ends_on": "2031-09-03"}, "A term lasts a year at most: choose an earlier last day."),
    ],
)
def test_term_dates_far_off_are_refused(client, world, changes, message):
    sign_in_as(client, world, "coordinator")
    before = database_content()
    for path in ("/terms/new", "/terms/2/edit"):
        response = client.post(path, data={**TERM_FORM, **changes})
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert database_content() == before


def test_a_term_of_exactly_a_year_in_2100_is_accepted(client, world):
    sign_in_as(client, world, "coordinator")
    dates = {"starts_on": "2099-12-31", "ends_on": "2100-12-31"}
    dates |= {"applications_open_on": "2099-01-01", "applications_close_on": "2099-12-01"}
    response = client.post("/terms/new", data={**TERM_FORM, **dates})
    assert response.status_code == 302
    term = db.session.scalar(select(Term).where(Term.name == "Autumn 2030"))
    assert term is not None and term.ends_on.year == 2100
