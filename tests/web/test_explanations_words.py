"""A round's explanations, unmatched reasons and settings in the coordinator's language."""

from __future__ import annotations

import re

import pytest

from matcher.extensions import db
from matcher.services import rounds
from tests.helpers import SEOUL_EVENINGS, settings, week

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Sentences the engine stores in English; a Korean page must say none of them.
ENGLISH_SENTENCES = (
    "a week in common",
    "interests",
    "goals",
    "No volunteer",
    "No student",
    "compatible",
    "tutor gender",
    "Level ",
    "Partners last term",
    "Not partners last term",
    "beginner support",
)


@pytest.fixture
def round_with_unmatched(pool, make_user, coordinator):
    """The pool's round, with a student nobody can meet, one who requires a woman tutor,
    and a volunteer too many."""
    term, students, volunteers = pool
    make_user(
        "student",
        term=term,
        status="approved",
        display_name="Nari",
        availability=week((10, 14)),  # Mon 05:00-07:00 in Seoul: nobody is free
    )
    make_user(
        "student",
        term=term,
        status="approved",
        display_name="Yuna",
        volunteer_gender="female",
        volunteer_gender_required=True,
        availability=SEOUL_EVENINGS,
    )
    make_user(
        "volunteer",
        term=term,
        status="approved",
        display_name="Tom",
        gender="male",
        timezone="Asia/Seoul",
        availability=week((200, 204)),  # Sat morning in Seoul: no student then
    )
    make_user("student", term=term, status="approved", display_name="Bora", complete=False)
    round_ = rounds.run_round(term, settings(), by=coordinator)
    db.session.commit()
    return term, round_


def _main(page: str) -> str:
    return page.split("<main>", 1)[1].split("</main>", 1)[0]


def test_round_page_reads_in_korean(client, auth, make_user, round_with_unmatched):
    term, round_ = round_with_unmatched
    auth.login(make_user("coordinator", display_name="Coord KO", locale="ko"))
    page = _main(client.get(f"/terms/{term.id}/rounds/{round_.number}").get_data(as_text=True))
    assert "매주 " in page and "겹침: 서울 시간 기준 월·화·수 저녁" in page  # Seoul evenings
    assert "매주 최소 2시간 겹침" in page  # the settings as labels: at least 2 h in common
    assert "최적화 기준: 최고 합계" in page  # the objective's label, not "best"
    assert "겹치는 시간 30" in page  # the weight of "overlap", by its label
    assert "9.0시간" in page  # the common time column
    for sentence in ENGLISH_SENTENCES:
        assert sentence not in page, sentence
    assert "overlap 30" not in page and ": best" not in page
    left_out = page.split("<li>Bora · ", 1)[1].split(": ", 1)[1].split("</li>", 1)[0]
    assert left_out.startswith("프로필") and "goals" not in left_out, left_out


def test_unmatched_reasons_read_in_korean(client, auth, make_user, round_with_unmatched):
    term, round_ = round_with_unmatched
    view = rounds.view_round(round_)
    reasons = {
        u.name.split(" · ")[0]: u.code
        for u in [*view.unmatched_students, *view.unmatched_volunteers]
    }
    assert reasons["Nari"] == "no_common_time" and reasons["Tom"] == "no_common_time"
    assert reasons["Yuna"] in ("gender_required", "partners_taken", "partners_locked")
    auth.login(make_user("coordinator", display_name="Coord KO", locale="ko"))
    page = _main(client.get(f"/terms/{term.id}/rounds/{round_.number}").get_data(as_text=True))
    unmatched = page.split('class="dashboard"', 1)[1]
    for name in ("Nari", "Tom", "Yuna"):
        line = unmatched.split(f">{name} · ", 1)[1].split("</a>: ", 1)[1].split("</li>", 1)[0]
        assert HANGUL.search(line), line
        assert not re.search(r"\b(No|All|The|Every|volunteer|student)\b", line), line
    assert "매주 2시간 이상 겹치는 봉사자가 없습니다" in unmatched  # Nari


def test_english_page_says_plural_forms_right(client, auth, coordinator, round_with_unmatched):
    term, round_ = round_with_unmatched
    auth.login(coordinator)
    page = client.get(f"/terms/{term.id}/rounds/{round_.number}").get_data(as_text=True)
    assert "No volunteer has at least 2 h a week in common" in page
    assert "Objective: Best total" in page and "At least 2 h a week in common" in page
    assert "Common time 30" in page
    assert not re.search(r"\b1 compatible \w+s\b", page)
    assert "All 1 " not in page


def test_old_round_text_is_shown_when_its_facts_are_unknown(
    client, auth, make_user, round_with_unmatched
):
    term, round_ = round_with_unmatched
    stored = dict(round_.result)
    stored["unmatched_students"] = [
        {**u, "reason": "some_old_reason", "text": "An old English sentence"}
        for u in stored["unmatched_students"]
    ]
    round_.result = stored
    pair = round_.pairs[0]
    pair.breakdown = [{**c, "facts": {}, "text": "Old words"} for c in pair.breakdown]
    db.session.commit()
    auth.login(make_user("coordinator", display_name="Coord KO", locale="ko"))
    page = client.get(f"/terms/{term.id}/rounds/{round_.number}").get_data(as_text=True)
    assert "An old English sentence" in page
    assert "Old words" in page


def test_alternatives_page_reads_in_korean(client, auth, make_user, round_with_unmatched):
    term, round_ = round_with_unmatched
    view = rounds.view_round(round_)
    yuna = next(u for u in view.unmatched_students if u.name.startswith("Yuna · "))
    auth.login(make_user("coordinator", display_name="Coord KO", locale="ko"))
    page = _main(
        client.get(
            f"/terms/{term.id}/rounds/{round_.number}/alternatives?student={yuna.user_id}"
        ).get_data(as_text=True)
    )
    assert HANGUL.search(page)
    assert "a week in common" not in page


def test_a_broken_rule_is_named_in_korean(client, auth, make_user, round_with_unmatched):
    term, round_ = round_with_unmatched
    view = rounds.view_round(round_)
    nari = next(u for u in view.unmatched_students if u.name.startswith("Nari · "))
    tom = next(u for u in view.unmatched_volunteers if u.name.startswith("Tom · "))
    auth.login(make_user("coordinator", display_name="Coord KO", locale="ko"))
    page = client.post(
        f"/terms/{term.id}/rounds/{round_.number}/assign",
        data={"student_id": nari.user_id, "volunteer_id": tom.user_id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "매주 겹치는 시간이 0분뿐입니다. 최소 2시간이 필요합니다" in page
    assert "a week in common" not in page
