import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Pair, PairConstraint, RematchRequest
from matcher.services import ServiceError, pairs, publishing, rounds
from matcher.web.util import today
from tests.matching_helpers import SEOUL_EVENINGS, settings


@pytest.fixture
def published(pool, coordinator):
    term, students, volunteers = pool
    round_ = rounds.run_round(term, settings(), by=coordinator)
    publishing.publish_round(round_, by=coordinator, today=today())
    db.session.commit()
    return term, students, volunteers


def pair_of(student):
    return db.session.scalar(
        select(Pair).where(Pair.student_id == student.id, Pair.status == "active")
    )


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
    assert "In your time (America/Los_Angeles)" in main
    # Seoul's Mon-Wed 19:00-22:00 is 02:00-05:00 in Los Angeles in winter and 03:00-06:00
    # once daylight saving starts (Sunday 8 March 2099, inside the term)
    los_angeles, seoul = main.split("In Haneul’s time (Asia/Seoul)")
    assert "Mon 02:00–05:00" in los_angeles and "Wed 02:00–05:00" in los_angeles
    assert "From 2099-03-09 (the clocks change)" in los_angeles
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
    response = client.post(f"/my-pair/{minji_pair.id}/rematch", data={"reason": "We never meet"},
                           follow_redirects=True)  # fmt: skip
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
    page = client.post(f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": ""},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Say why the pair ends" in page
    db.session.refresh(pair)
    assert pair.status == "active"
    client.post(f"/terms/{term.id}/pairs/{pair.id}/end", data={"reason": "Moved abroad"})
    db.session.refresh(pair)
    assert (pair.status, pair.end_reason) == ("ended", "Moved abroad")
    forbid = db.session.scalar(select(PairConstraint))
    assert (forbid.kind, forbid.student_id, forbid.volunteer_id) == (
        "forbid",
        pair.student_id,
        pair.volunteer_id,
    )


def test_rematch_moves_nobody_else(published, make_user, coordinator):
    term, students, volunteers = published
    before = {(p.student_id, p.volunteer_id) for p in pairs.term_pairs(term)}
    newcomer = make_user("student", term=term, status="approved", display_name="Newcomer",
                         availability=SEOUL_EVENINGS, interests=["music"])  # fmt: skip
    pairs.end_pair(pair_of(students[0]), "Student left", by=coordinator, today=today())
    rematch = rounds.run_round(term, settings(), by=coordinator)
    assert rematch.kind == "rematch"
    new = {(p.student_id, p.volunteer_id) for p in rematch.pairs if p.origin != "kept"}
    assert new == {(newcomer.id, volunteers[0].id)}
    publishing.publish_round(rematch, by=coordinator, today=today())
    after = {(p.student_id, p.volunteer_id) for p in pairs.term_pairs(term)}
    assert after == (before - {(students[0].id, volunteers[0].id)}) | new


def test_continuing_pairs_are_locked_in_the_next_term(published, make_term, coordinator):
    term, students, volunteers = published
    later = make_term(name="Autumn 2099", starts_on=term.ends_on + dt.timedelta(days=30),
                      ends_on=term.ends_on + dt.timedelta(days=150))  # fmt: skip
    for person in [*students, *volunteers]:
        enrollment = person.enrollments[0].__class__(
            term=later, user=person, status="approved",
            continue_partner=person in (students[2], volunteers[2]),
        )  # fmt: skip
        db.session.add(enrollment)
    db.session.commit()
    round_ = rounds.run_round(later, settings(), by=coordinator)
    locked = {(p.student_id, p.volunteer_id) for p in round_.pairs if p.locked}
    assert locked == {(students[2].id, volunteers[2].id)}


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


def test_rematch_request_for_ended_pair(published, coordinator):
    term, students, _ = published
    pair = pair_of(students[0])
    pairs.end_pair(pair, "Done", by=coordinator, today=today())
    with pytest.raises(ServiceError, match="ended already"):
        pairs.request_rematch(students[0], pair, "")
