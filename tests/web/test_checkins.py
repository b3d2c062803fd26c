"""Check-ins, the weeks a pair met, pairs at risk and the term's report, through the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import CheckIn, Notification, NotificationKind, PairSession, TermReport
from matcher.services import checkins
from matcher.web.util import today
from tests.helpers import pair_of, term_form


def _main(response) -> str:
    return response.get_data(as_text=True).split("<main>")[1].split("</main>")[0]


def _started_days_ago(term_pairs, days: int) -> None:
    for pair in term_pairs:
        pair.started_on = today() - dt.timedelta(days=days)
    db.session.commit()


# The check-in page


def test_a_signed_out_person_lands_on_the_check_in_after_signing_in(client, published):
    term, students, volunteers = published
    response = client.get("/check-in")
    assert response.status_code == 302 and "/login?next=%2Fcheck-in" in response.location
    signed_in = client.post(
        "/login?next=%2Fcheck-in",
        data={"email": students[0].email, "password": "correct horse battery"},
    )
    assert signed_in.status_code == 302 and signed_in.location.endswith("/check-in")
    page = _main(client.get("/check-in"))
    assert "Have you met yet?" in page and "How is it going?" in page
    assert "Your pair with Aiko" in page


def test_a_student_answers_in_korean(client, auth, published):
    term, students, volunteers = published
    minji = students[0]
    minji.locale = "ko"
    db.session.commit()
    auth.login(minji)
    page = _main(client.get("/check-in"))
    assert "만났나요" in page  # "have you met yet?" in Korean
    pair = pair_of(minji)
    response = client.post(
        f"/my-pair/{pair.id}/check-in",
        data={"met": "no_time", "rating": "2", "note": "시간이 안 맞아요"},
    )
    assert response.status_code == 302 and response.location.endswith("/my-pair")
    answer = db.session.scalar(select(CheckIn))
    assert (answer.user_id, answer.met, answer.rating) == (minji.id, "no_time", 2)
    assert answer.note == "시간이 안 맞아요"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "3"}, "Say whether you have met yet."),
        ({"met": "yes"}, "Choose how it is going, from 1 to 5."),
        ({"met": "maybe", "rating": "3"}, "Not a valid choice"),
        ({"met": "yes", "rating": "9"}, "Not a valid choice"),
        ({"met": "yes", "rating": "abc"}, "Invalid Choice"),
        ({"met": "yes", "rating": "3", "note": "x" * 2001}, "2000"),
        ({"met": "yes", "rating": "3", "note": "bad\x00char"}, "control characters"),
    ],
)
def test_bad_check_ins_say_what_to_fix_and_keep_nothing(client, auth, published, data, message):
    term, students, volunteers = published
    auth.login(students[0])
    response = client.post(f"/my-pair/{pair_of(students[0]).id}/check-in", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_nobody_checks_in_about_someone_elses_pair(client, auth, published):
    term, students, volunteers = published
    auth.login(students[1])
    response = client.post(
        f"/my-pair/{pair_of(students[0]).id}/check-in", data={"met": "yes", "rating": "5"}
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_partner_never_sees_the_others_answers(client, auth, published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    checkins.answer(
        students[0], pair, checkins.Answers("no_time", 1, "PRIVATE-NOTE-42"), today=today()
    )
    db.session.commit()
    auth.login(volunteers[0])
    for path in ("/my-pair", "/check-in", "/account/data.json"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert "PRIVATE-NOTE-42" not in body, path
    assert "cannot find a time" not in _main(client.get("/my-pair"))
    check_in = _main(client.get("/check-in"))
    assert "You last answered" not in check_in and "checked" not in check_in


def test_check_in_is_reachable_from_my_pair(client, auth, published):
    term, students, volunteers = published
    auth.login(students[0])
    page = _main(client.get("/my-pair"))
    assert 'href="/check-in"' in page
    assert "We met this week" not in page  # the volunteer marks the weeks


# We met this week


def test_the_volunteer_marks_a_week_in_one_tap_once(client, auth, published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    _started_days_ago([pair], 15)
    auth.login(volunteers[0])
    page = _main(client.get("/my-pair"))
    assert "We met this week" in page
    assert "Week 3" in page and "not met" in page
    for _ in range(2):
        response = client.post(f"/my-pair/{pair.id}/met")
        assert response.status_code == 302
    assert db.session.scalar(select(func.count(PairSession.id))) == 1
    page = _main(client.get("/my-pair"))
    assert "You marked this week as met." in page and "We met this week</button>" not in page
    assert "met (this week)" in page  # in words for a screen reader, not colour alone


def test_a_student_cannot_mark_the_weeks(client, auth, published):
    term, students, volunteers = published
    pair = pair_of(students[0])
    auth.login(students[0])
    client.post(f"/my-pair/{pair.id}/met")
    assert db.session.scalar(select(func.count(PairSession.id))) == 0
    assert "The volunteer of the pair marks" in _main(client.get("/my-pair"))


# The coordinator's term page


def test_the_term_page_lists_pairs_at_risk_with_reasons_and_counts(
    client, auth, published, coordinator
):
    term, students, volunteers = published
    one, two, three = (pair_of(s) for s in students)
    _started_days_ago([one, two, three], 16)
    checkins.answer(students[1], two, checkins.Answers("yes", 1, "Hard going"), today=today())
    checkins.answer(volunteers[2], three, checkins.Answers("yes", 5), today=today())
    db.session.commit()
    auth.login(coordinator)
    page = _main(client.get(f"/terms/{term.id}"))
    section = page.split('id="at-risk"')[1].split("</section>")[0]
    words = " ".join(re.sub("<[^>]+>", " ", section).split())
    assert "2 check-ins answered" in words and "2 / 0 met / not yet" in words
    assert "3.0 mean rating (1–5)" in words and "2 pairs at risk" in words
    # the neediest first: a rating of 1 before "not met"
    assert section.index("Haneul") < section.index("Minji") and "Sora" not in section
    assert "A check-in says it goes badly (1 of 5)" in section
    assert "Have not met two weeks after the pair started" in section
    assert "Hard going" in section  # the note is for the coordinators
    assert "Email both a reminder" in section and "End the pair and re-match" in section


def test_the_reminder_button_queues_a_neutral_email_to_both(client, auth, published, coordinator):
    term, students, volunteers = published
    pair = pair_of(students[0])
    auth.login(coordinator)
    response = client.post(f"/terms/{term.id}/pairs/{pair.id}/remind")
    assert response.status_code == 302 and response.location.endswith("#at-risk")
    kinds = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == NotificationKind.PAIR_REMINDER)
    )
    assert set(kinds) == {students[0].id, volunteers[0].id}


def test_students_cannot_remind_or_read_the_report(client, auth, published):
    term, students, volunteers = published
    auth.login(students[0])
    pair = pair_of(students[0])
    assert client.post(f"/terms/{term.id}/pairs/{pair.id}/remind").status_code == 403
    assert client.get(f"/terms/{term.id}/report").status_code == 403
    assert client.get(f"/terms/{term.id}/report.csv").status_code == 403


def test_ending_a_pair_at_risk_uses_the_existing_end_pair(client, auth, published, coordinator):
    term, students, volunteers = published
    pair = pair_of(students[0])
    auth.login(coordinator)
    response = client.post(
        f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": "Cannot find a time"}
    )
    assert response.status_code == 302
    db.session.refresh(pair)
    assert pair.status == "ended"


# The report


def test_report_page_and_csv_for_coordinators(client, auth, published, coordinator):
    term, students, volunteers = published
    auth.login(coordinator)
    page = _main(client.get(f"/terms/{term.id}/report"))
    assert "Figures as of" in page and "Pairs published" in page
    assert "Minji" not in page and students[0].email not in page
    response = client.get(f"/terms/{term.id}/report.csv")
    assert response.mimetype == "text/csv"
    assert "people,student.paired,3" in response.get_data(as_text=True)


def test_closing_the_term_from_its_page_stores_the_report(client, auth, published, coordinator):
    term, students, volunteers = published
    auth.login(coordinator)
    client.post(f"/terms/{term.id}/status", data={"status": "closed"})
    assert db.session.scalar(select(func.count(TermReport.id))) == 1
    page = _main(client.get(f"/terms/{term.id}/report"))
    assert "Kept when the term closed" in page


# The term form


@pytest.mark.parametrize(
    ("weeks", "message"),
    [
        ("2, six", "whole numbers separated by commas"),
        ("0, 3", "from 1 to 52"),
        ("2, 2", "each check-in week once"),
        ("1,2,3,4,5,6,7,8,9", "at most 8"),
    ],
)
def test_the_term_form_checks_the_check_in_weeks(
    client, auth, published, coordinator, weeks, message
):
    term, students, volunteers = published
    auth.login(coordinator)
    form = client.get(f"/terms/{term.id}/edit").get_data(as_text=True)
    assert 'value="2, 6"' in form
    data = term_form(term, check_in_weeks=weeks)
    response = client.post(f"/terms/{term.id}/edit", data=data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(term)
    assert term.check_in_weeks == [2, 6]
    data["check_in_weeks"] = "8, 3"
    assert client.post(f"/terms/{term.id}/edit", data=data).status_code == 302
    db.session.refresh(term)
    assert term.check_in_weeks == [3, 8]


# The daily command and its email


def test_send_check_ins_command_is_idempotent(runner, published):
    term, students, volunteers = published
    _started_days_ago([pair_of(s) for s in students], 15)
    first = runner.invoke(args=["send-check-ins"])
    assert first.exit_code == 0 and "6 check-in emails queued" in first.output
    again = runner.invoke(args=["send-check-ins"])
    assert again.exit_code == 0 and "0 check-in emails queued" in again.output


def test_the_check_in_email_links_to_the_check_in_in_the_persons_language(app, published):
    with app.test_request_context():
        subject, body = mail.render(NotificationKind.CHECK_IN, "ko")
        assert "/check-in" in body
        assert "파트너" in body or "짝" in body
        english = mail.render(NotificationKind.CHECK_IN, "en")[1]
    assert "Only the coordinators read your answers" in english
    term, students, volunteers = published
    for person in [*students, *volunteers]:
        assert person.display_name not in body + english
    assert term.name not in body + english


def test_weeks_without_a_session_are_said_in_words_on_the_term_page(
    client, auth, published, coordinator
):
    term, students, volunteers = published
    pair = pair_of(students[0])
    _started_days_ago([pair_of(s) for s in students], 40)
    for other in students[1:]:
        checkins.answer(other, pair_of(other), checkins.Answers("yes", 5), today=today())
    checkins.mark_met(volunteers[0], pair, today=pair.started_on)
    db.session.commit()
    risk = next(r for r in checkins.pairs_at_risk(term, today()) if r.pair.id == pair.id)
    weeks = risk.reasons[0].weeks
    assert weeks >= 4
    auth.login(coordinator)
    page = _main(client.get(f"/terms/{term.id}"))
    assert f"No meeting marked for {weeks} weeks" in page


def test_the_weeks_wait_for_a_pair_that_has_not_started(client, auth, published):
    term, students, volunteers = published  # the term, and its pairs, start in 2099
    pair = pair_of(students[0])
    auth.login(volunteers[0])
    page = _main(client.get("/my-pair"))
    assert f"Your pair starts on {pair.started_on.isoformat()}." in page
    assert "We met this week" not in page
    client.post(f"/my-pair/{pair.id}/met")
    assert db.session.scalar(select(func.count(PairSession.id))) == 0
