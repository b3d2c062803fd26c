"""People who leave, through the pages: the partner's true message, the coordinator's
waiting list and counts, ended pairs shown as ended, withdrawing, and the person page."""

from sqlalchemy import select

from matcher.extensions import db
from matcher.models import AuditEvent, Enrollment
from matcher.services import leaving, pairs
from matcher.web.util import today
from tests.helpers import PASSWORD, pair_of, term_form

TRUE_MESSAGE = "Your partner can no longer take part."
NEW_PARTNER = "The coordinator will find you a new partner; we will email you."
NOT_READY = "Your partner is not ready yet"


def _main(client, path: str) -> str:
    return client.get(path).get_data(as_text=True).split("<main>")[1]


def _enrollment(user) -> Enrollment:
    return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))


def test_a_volunteer_deletes_her_account_and_her_student_reads_the_truth(client, auth, published):
    term, students, volunteers = published
    auth.login(volunteers[0])
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    auth.login(students[0])
    main = _main(client, "/my-pair")
    assert TRUE_MESSAGE in main and NEW_PARTNER in main
    assert NOT_READY not in main
    notice = main.split('id="pair-ended"')[1].split("</section>")[0]
    assert "Aiko" not in notice and "deleted" not in notice  # no detail: not who, not why


def test_the_true_message_in_korean(client, auth, published, coordinator):
    term, students, volunteers = published
    leaving.withdraw_self(volunteers[0], term, today=today())
    students[0].locale = "ko"
    db.session.commit()
    auth.login(students[0])
    main = _main(client, "/my-pair")
    assert "짝이 더 이상 참여할 수 없게 되었어요." in main
    assert TRUE_MESSAGE not in main


def test_the_term_page_lists_who_waits_and_counts_the_pairs(client, auth, published, coordinator):
    term, students, volunteers = published
    leaving.withdraw_self(volunteers[1], term, today=today())
    db.session.commit()
    auth.login(coordinator)
    main = _main(client, f"/terms/{term.id}")
    assert "2 active pairs" in main and "1 ended pair" in main
    waiting = main.split("Waiting for a new partner")[1].split("</ul>")[0]
    assert "Haneul" in waiting and "Laura" not in waiting and "Minji" not in waiting
    assert f"/terms/{term.id}/people/{_enrollment(students[1]).id}" in waiting


def test_the_pairs_page_shows_ended_pairs_as_ended_with_the_reason(
    client, auth, published, coordinator
):
    term, students, volunteers = published
    auth.login(volunteers[0])
    client.post("/account/delete", data={"password": PASSWORD})
    pairs.end_pair(pair_of(students[1]), "Moved abroad", by=coordinator, today=today())
    db.session.commit()
    auth.login(coordinator)
    main = _main(client, f"/terms/{term.id}/pairs")
    assert "1 active pair" in main and "2 ended pairs" in main
    ended = main.split("Ended pairs")[1]
    assert "a person who left" in ended and "A partner deleted their account" in ended
    assert "Ended by a coordinator" in ended and "Moved abroad" in ended
    assert "Minji" in ended and "Haneul" in ended


def test_a_student_withdraws_from_the_term(client, auth, published):
    term, students, volunteers = published
    partner = pair_of(students[2]).volunteer
    auth.login(students[2])
    page = client.get("/profile").get_data(as_text=True)
    assert "Withdraw from this term" in page and "data-confirm" in page
    response = client.post(f"/terms/{term.id}/withdraw", follow_redirects=True)
    assert "You have withdrawn" in response.get_data(as_text=True)
    assert _enrollment(students[2]).status == "withdrawn"
    assert "Withdraw from this term" not in client.get("/profile").get_data(as_text=True)
    auth.logout()
    auth.login(partner)
    assert TRUE_MESSAGE in _main(client, "/my-pair")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "enrollment.withdrew" in actions


def test_withdrawing_from_a_term_one_never_joined_is_refused(client, auth, published, make_term):
    term, students, _ = published
    other = make_term(name="Elsewhere")
    auth.login(students[0])
    response = client.post(f"/terms/{other.id}/withdraw", follow_redirects=True)
    assert "You have not applied to this term." in response.get_data(as_text=True)
    assert pair_of(students[0]).status == "active"


def test_the_person_page_offers_only_the_actions_of_the_status(
    client, auth, published, make_user, coordinator
):
    term, students, volunteers = published
    applicant = make_user("student", term=term, status="applied", display_name="Newbie")
    auth.login(coordinator)
    approved = _main(client, f"/terms/{term.id}/people/{_enrollment(students[0]).id}")
    assert 'value="approved"' not in approved and 'value="withdrawn"' in approved
    assert "data-confirm" in approved  # withdrawing ends her pair
    applied = _main(client, f"/terms/{term.id}/people/{_enrollment(applicant).id}")
    assert 'value="approved"' in applied and 'value="withdrawn"' in applied
    client.post(
        f"/terms/{term.id}/enrollments",
        data={"enrollment_ids": str(_enrollment(students[0]).id), "action": "withdrawn"},
    )
    withdrawn = _main(client, f"/terms/{term.id}/people/{_enrollment(students[0]).id}")
    assert 'value="withdrawn"' not in withdrawn and 'value="approved"' in withdrawn
    assert "A partner was withdrawn by a coordinator" in withdrawn  # her pair history
    assert pair_of(students[0]) is None


def test_the_person_page_shows_the_partner_history_and_the_week(
    client, auth, published, coordinator
):
    term, students, volunteers = published
    coordinator.timezone = "Europe/London"
    db.session.commit()
    auth.login(coordinator)
    main = _main(client, f"/terms/{term.id}/people/{_enrollment(students[0]).id}")
    partner = main.split('id="pairs-of-person"')[1].split("</section>")[0]
    assert "Aiko" in partner and "active" in partner
    week = main.split('id="availability"')[1]
    # Seoul's weekday evenings 19:00-22:00 are 10:00-13:00 in London in January.
    assert "In their time (Seoul)" in week and "In your time (London)" in week
    assert "Mon 19:00–22:00" in week and "Mon 10:00–13:00" in week
    assert week.count("<svg") == 2


def test_the_term_form_sets_one_to_one(client, auth, coordinator, make_term):
    term = make_term(name="Autumn 2098")
    auth.login(coordinator)
    form = client.get(f"/terms/{term.id}/edit").get_data(as_text=True)
    assert "Volunteers may tutor more than one student" in form
    data = term_form(term, volunteers_take_several="y")
    assert client.post(f"/terms/{term.id}/edit", data=data).status_code == 302
    db.session.refresh(term)
    assert term.volunteers_take_several is True
    del data["volunteers_take_several"]
    client.post(f"/terms/{term.id}/edit", data=data)
    db.session.refresh(term)
    assert term.volunteers_take_several is False


def test_no_withdraw_button_once_the_term_is_closed(client, auth, published, coordinator):
    term, students, _ = published
    term.status, term.closed_on = "closed", today()
    db.session.commit()
    auth.login(students[0])
    assert "Withdraw from this term" not in client.get("/profile").get_data(as_text=True)
    response = client.post(f"/terms/{term.id}/withdraw", follow_redirects=True)
    assert "a closed term does not change" in response.get_data(as_text=True)
    assert _enrollment(students[0]).status == "approved"
