"""The term page's recruitment windows and the round page's pairs that would rather swap."""

import html
import re

import pytest

from matcher.extensions import db
from matcher.services import adjust, rounds
from tests.helpers import run_form, saturday_students, settings, week


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


@pytest.fixture
def short(pool, make_user):
    """The pool with two more students free on Saturday mornings only (no volunteer is)."""
    term = pool[0]
    saturday_students(make_user, term)
    return term


def _recruit_text(page: str) -> str:
    found = re.search(r'<textarea id="recruit-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no recruitment text"
    return html.unescape(found.group(1))


def test_the_coordinator_sees_where_to_recruit(client, signed_in, short):
    client.post(f"/terms/{short.id}/rounds", data=run_form())
    page = client.get(f"/terms/{short.id}").get_data(as_text=True)
    assert "Where to recruit" in page
    assert "2 students have no partner in round 1." in page
    text = _recruit_text(page)
    assert text.splitlines()[0] == (
        "Up to 2 more students could be paired with volunteers free on Saturday 09:00–12:00 "
        "in Seoul (Friday 16:00–19:00 in Los Angeles, Saturday 09:00–12:00 in Tokyo), "
        "one volunteer for each."
    )
    # the text for a recruitment post names nobody and says nothing of the term
    for word in ("Bora", "Dami", "Minji", "Aiko", "Laura", "Jisoo", "Spring 2099"):
        assert word not in text
    reasons = page.split('id="recruit-reasons"')[1].split("</ul>")[0]
    assert "Not enough common time with any volunteer: 2 students" in reasons
    assert 'src="/static/js/copy.js"' in page and "data-copy" in page


def test_the_windows_in_korean(client, signed_in, short):
    signed_in.locale = "ko"
    db.session.commit()
    client.post(f"/terms/{short.id}/rounds", data=run_form())
    page = client.get(f"/terms/{short.id}").get_data(as_text=True)
    text = _recruit_text(page)
    first = text.splitlines()[0]
    assert "토요일 09:00–12:00" in first and "Seoul" in first
    assert "2명" in first
    assert "Up to" not in text


def test_nothing_to_recruit_when_everyone_is_paired(client, signed_in, pool):
    term = pool[0]
    client.post(f"/terms/{term.id}/rounds", data=run_form())
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert 'id="recruit"' not in page


def test_no_window_helps_students_who_need_what_no_window_gives(client, signed_in, pool, make_user):
    term = pool[0]
    make_user(
        "student",
        term=term,
        status="approved",
        display_name="Eun",
        volunteer_gender="female",
        volunteer_gender_required=True,
    )
    client.post(f"/terms/{term.id}/rounds", data=run_form())
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert 'id="recruit-none"' in page and 'id="recruit-text"' not in page
    assert "Require a tutor gender that no suitable volunteer has: 1 student" in page


def test_the_round_page_counts_the_pairs_that_would_rather_swap(client, signed_in, pool):
    term, students, _volunteers = pool
    round_ = rounds.run_round(term, settings(), by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    assert re.search(r'id="swaps"><strong>0</strong><a href="[^"]+/rounds/1/swaps"', page)
    adjust.unpair(round_, students[0].id, by=signed_in)
    db.session.commit()
    page = client.get(f"/terms/{term.id}/rounds/1").get_data(as_text=True)
    count = int(re.search(r'id="swaps"><strong>(\d+)</strong>', page).group(1))
    assert count >= 1
    listing = client.get(f"/terms/{term.id}/rounds/1/swaps").get_data(as_text=True)
    assert f"{count} pair" in listing
    assert "Minji" in listing and "Aiko" in listing and "no partner" in listing


def test_the_swaps_of_an_unknown_round_are_not_found(client, signed_in, pool):
    assert client.get(f"/terms/{pool[0].id}/rounds/9/swaps").status_code == 404


def test_only_coordinators_see_the_swaps(client, auth, pool, make_user):
    term = pool[0]
    student = make_user("student", term=term)
    auth.login(student)
    assert client.get(f"/terms/{term.id}/rounds/1/swaps").status_code in (302, 403, 404)


def test_a_window_past_midnight_names_both_days(client, signed_in, pool, make_user):
    term = pool[0]
    for name in ("Bora", "Dami"):  # Sunday 23:00 to Monday 02:00 in Seoul
        make_user(
            "student",
            term=term,
            status="approved",
            display_name=name,
            availability=week((6 * 48 + 46, 6 * 48 + 48), (0, 4)),
        )
    client.post(f"/terms/{term.id}/rounds", data=run_form())
    text = _recruit_text(client.get(f"/terms/{term.id}").get_data(as_text=True))
    assert "free on Sunday 23:00–Monday 02:00 in Seoul (" in text.splitlines()[0]


def test_every_reason_the_engine_gives_has_a_label():
    from matcher.engine import vocab
    from matcher.web import labels

    assert set(vocab.UNMATCHED_REASONS) | {"changed"} == set(labels.UNMATCHED_REASONS)
