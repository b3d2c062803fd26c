"""Published pairs through the pages: what each person sees, rematch requests, export."""

import csv
import io

from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import PairConstraint, RematchRequest
from matcher.services import rounds
from tests.helpers import pair_of, settings


def test_nothing_to_see_before_publication(client, auth, pool, coordinator):
    term, students, volunteers = pool
    rounds.run_round(term, settings(), by=coordinator)  # a draft round exists
    db.session.commit()
    for person in (students[0], volunteers[0]):
        auth.login(person)
        page = client.get("/my-pair").get_data(as_text=True)
        assert "Your partner is not ready yet" in page
        assert "Aiko" not in page.split("<main>")[1] or person is volunteers[0]
        assert "Minji" not in page.split("<main>")[1] or person is students[0]
        auth.logout()


def test_volunteer_in_los_angeles_sees_her_student_in_her_zone(client, auth, published):
    term, students, volunteers = published
    laura = volunteers[1]
    auth.login(laura)
    page = client.get("/my-pair").get_data(as_text=True)
    main = page.split("<main>")[1]
    assert "Haneul" in main
    assert "In your time (Los Angeles)" in main
    # Seoul's Mon-Wed 19:00-22:00 is 02:00-05:00 in Los Angeles in winter and 03:00-06:00
    # once daylight saving starts (Sunday 8 March 2099, inside the term)
    los_angeles, seoul = main.split("In Haneul’s time (Seoul)")
    assert "Mon 02:00–05:00" in los_angeles and "Wed 02:00–05:00" in los_angeles
    assert "Until Saturday 2099-03-07:" in los_angeles
    assert "From Sunday 2099-03-08, when the clocks change in Los Angeles:" in los_angeles
    assert "Mon 03:00–06:00" in los_angeles
    assert "Mon 19:00–22:00" in seoul and "clocks change" not in seoul
    assert "Your common time each week: 9.0 hours" in main
    assert "A2 elementary" in main and "Books" in main and "KakaoTalk: someone" in main
    # never the student's legal name, never anyone else's pair
    assert "Lee Haneul" not in page and "Kim Minji" not in page
    assert "Minji" not in main and "Sora" not in main


def test_student_sees_tutor_in_korean(client, auth, published):
    term, students, volunteers = published
    minji = students[0]
    minji.locale = "ko"
    db.session.commit()
    auth.login(minji)
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "Aiko" in main
    assert "내 짝" in main or "짝" in main
    assert "월 19:00–22:00" in main


def test_another_volunteer_cannot_see_or_touch_that_pair(client, auth, published):
    term, students, volunteers = published
    haneul_pair = pair_of(students[1])
    auth.login(volunteers[0])  # Aiko, paired with Minji
    main = client.get("/my-pair").get_data(as_text=True).split("<main>")[1]
    assert "Haneul" not in main
    assert (
        client.post(f"/my-pair/{haneul_pair.id}/rematch", data={"reason": "x"}).status_code == 404
    )
    assert client.get(f"/terms/{term.id}/pairs").status_code == 403
    assert db.session.scalar(select(func.count(RematchRequest.id))) == 0


def test_rematch_request_is_private(client, auth, published, coordinator):
    term, students, volunteers = published
    minji_pair = pair_of(students[0])
    auth.login(students[0])
    response = client.post(
        f"/my-pair/{minji_pair.id}/rematch", data={"reason": "We never meet"}, follow_redirects=True
    )
    assert "Your partner is not told." in response.get_data(as_text=True)
    auth.logout()
    auth.login(volunteers[0])
    partner_page = client.get("/my-pair").get_data(as_text=True)
    assert "We never meet" not in partner_page and "You asked on" not in partner_page
    auth.logout()
    auth.login(coordinator)
    page = client.get(f"/terms/{term.id}/pairs").get_data(as_text=True)
    assert "We never meet" in page and "Minji" in page


def test_end_pair_needs_a_reason(client, auth, published, coordinator):
    term, students, _ = published
    pair = pair_of(students[0])
    auth.login(coordinator)
    page = client.post(
        f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Say why the pair ends" in page
    db.session.refresh(pair)
    assert pair.status == "active"
    client.post(f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": "Moved abroad"})
    db.session.refresh(pair)
    assert (pair.status, pair.end_reason, pair.end_note) == (
        "ended",
        "ended_by_coordinator",
        "Moved abroad",
    )
    forbid = db.session.scalar(select(PairConstraint))
    assert (forbid.kind, forbid.student_id, forbid.volunteer_id) == (
        "forbid",
        pair.student_id,
        pair.volunteer_id,
    )


def test_both_people_of_a_pair_a_coordinator_ends_are_told_in_their_language(
    client, auth, published, coordinator, sent
):
    """The pair has ended and a new partner will come: never why (the coordinator's words
    are theirs) nor who."""
    term, students, _ = published
    pair = pair_of(students[0])
    student, volunteer = pair.student, pair.volunteer
    student.locale = "ko"
    db.session.commit()
    mail.send_due()  # the publication's emails
    sent.clear()
    auth.login(coordinator)
    client.post(f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": "Never answered"})
    assert mail.send_due() == mail.Delivery(2, 0)
    by_address = {message.to[0]: message for message in sent}
    assert set(by_address) == {student.email, volunteer.email}
    english = by_address[volunteer.email]
    assert "your pair has ended" in english.subject
    assert "The coordinators have ended your pair" in english.body
    korean = by_address[student.email]
    assert "The coordinators" not in korean.body and "/my-pair" in korean.body
    for message in sent:
        text = message.subject + message.body
        assert "Never answered" not in text
        assert student.display_name not in text and volunteer.display_name not in text


def test_export_csv(client, auth, published, coordinator):
    term, students, _ = published
    students[0].display_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    auth.login(coordinator)
    response = client.get(f"/terms/{term.id}/pairs.csv")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    assert {r["student"] for r in rows} >= {"Haneul", "Sora", '\'=HYPERLINK("http://evil")'}
    assert "Kim Minji" not in text and "Lee Haneul" not in text
    assert "legal" not in rows[0]
