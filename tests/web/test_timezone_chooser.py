"""The time zone chooser: cities in the reader's language, grouped by region, IANA values."""

from __future__ import annotations

import re

from matcher.extensions import db


def _chooser(page: str) -> str:
    found = re.search(r'<select[^>]* id="timezone"[^>]*>.*?</select>', page, re.S)
    assert found is not None
    return found.group(0)


def test_zones_show_as_cities_grouped_by_region_in_korean(client, make_term):
    make_term()
    client.post("/language", data={"locale": "ko", "next": "/register"})
    chooser = _chooser(client.get("/register").get_data(as_text=True))
    groups = re.findall(r'<optgroup label="([^"]+)">', chooser)
    assert groups[:3] == ["아시아", "유럽", "아메리카"] and "오스트레일리아" in groups
    assert '<option selected value="Asia/Seoul">서울</option>' in chooser
    assert '<option value="America/Los_Angeles">로스앤젤레스</option>' in chooser
    assert '<option value="Europe/London">런던</option>' in chooser
    asia = chooser.split('<optgroup label="아시아">', 1)[1].split("</optgroup>", 1)[0]
    assert "Asia/Tokyo" in asia and "Europe/" not in asia
    # One city, one choice: older names of a city (Asia/Calcutta) are not listed twice.
    assert "Asia/Kolkata" in chooser and "Asia/Calcutta" not in chooser
    assert 'data-guess-label="지금 기기가 있는 곳"' in chooser


def test_english_cities_and_the_stored_value_stays_the_iana_name(client, auth, make_user):
    student = make_user("student", timezone="America/Los_Angeles")
    auth.login(student)
    chooser = _chooser(client.get("/profile").get_data(as_text=True))
    assert '<option selected value="America/Los_Angeles">Los Angeles</option>' in chooser
    assert '<optgroup label="Americas">' in chooser


def test_a_zone_by_an_older_name_stays_chosen(client, auth, make_user):
    student = make_user("student", timezone="Asia/Calcutta")
    auth.login(student)
    chooser = _chooser(client.get("/profile").get_data(as_text=True))
    assert '<option selected value="Asia/Calcutta">Kolkata (Asia/Calcutta)</option>' in chooser
    db.session.refresh(student)
    assert student.timezone == "Asia/Calcutta"
