"""Numbers that are not numbers: refused with a message."""

from __future__ import annotations

import pytest

from tests.web.world import database_content, sign_in_as

TERM_B = 2  # the world's open term
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
