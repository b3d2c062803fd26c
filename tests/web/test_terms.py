import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, Enrollment, Term

TERM = {
    "name": "Spring 2027",
    "starts_on": "2027-03-02",
    "ends_on": "2027-06-26",
    "applications_open_on": "2026-11-01",
    "applications_close_on": "2027-02-15",
    "status": "open",
}


@pytest.fixture
def signed_in(client, auth, coordinator):
    auth.login(coordinator)
    return coordinator


def test_create_term(client, signed_in):
    response = client.post("/terms/new", data=TERM)
    term = db.session.scalar(select(Term))
    assert response.location.endswith(f"/terms/{term.id}")
    assert (term.name, str(term.starts_on), term.status) == ("Spring 2027", "2027-03-02", "open")
    assert "Spring 2027" in client.get("/terms").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.action)) == "term.created"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"name": ""}, "Give the term a name."),
        ({"starts_on": "next week"}, "Enter a date as YYYY-MM-DD."),
        ({"ends_on": "2027-03-01"}, "The term must end after it starts."),
        ({"applications_close_on": "2026-10-01"}, "Applications must close on or after"),
        ({"applications_close_on": "2027-07-01"}, "Applications must close before the term ends."),
        ({"status": "party"}, "Not a valid choice"),
    ],
)
def test_create_term_errors(client, signed_in, fields, message):
    response = client.post("/terms/new", data={**TERM, **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Term.id))) == 0


def test_term_names_are_unique(client, signed_in, make_term):
    make_term(name="spring 2027")
    page = client.post("/terms/new", data=TERM).get_data(as_text=True)
    assert "Another term already has this name." in page


def test_edit_term(client, signed_in, make_term):
    term = make_term(name="Draft")
    response = client.post(f"/terms/{term.id}/edit", data={**TERM, "name": "Renamed"})
    assert response.status_code == 302
    db.session.refresh(term)
    assert term.name == "Renamed"


def test_edit_term_error_changes_nothing(client, signed_in, make_term):
    term = make_term(name="Kept")
    other = make_term(name="Taken")
    page = client.post(f"/terms/{term.id}/edit", data={**TERM, "name": other.name}).get_data(
        as_text=True
    )
    assert "Another term already has this name." in page
    db.session.expire_all()
    assert db.session.get(Term, term.id).name == "Kept"


def test_unknown_term_is_404(client, signed_in):
    assert client.get("/terms/424242").status_code == 404
    assert client.get("/terms/424242/edit").status_code == 404


def test_term_page_lists_applicants_with_completeness(client, signed_in, make_term, make_user):
    term = make_term()
    make_user("student", term=term, display_name="Complete Kim")
    make_user("student", term=term, display_name="Half Park", complete=False, goals=["academic"])
    make_user("volunteer", term=term, display_name="Vol Smith", timezone="America/Los_Angeles")
    page = client.get(f"/terms/{term.id}").get_data(as_text=True)
    assert "Complete Kim" in page and "Half Park" in page and "Vol Smith" in page
    assert "<td>Los Angeles</td>" in page  # the zone by its city
    assert page.count("badge ok") == 2
    half_park_row = next(row for row in page.split("<tr>") if "Half Park" in row)
    assert "missing" in half_park_row and "English level" in half_park_row


def test_term_page_filters_by_status(client, signed_in, make_term, make_user):
    term = make_term()
    make_user("student", term=term, display_name="Approved Ahn", status="approved")
    make_user("student", term=term, display_name="Applied Bae")
    page = client.get(f"/terms/{term.id}?status=approved").get_data(as_text=True)
    assert "Approved Ahn" in page and "Applied Bae" not in page


def test_approve_and_withdraw_several_at_once(client, signed_in, make_term, make_user):
    term = make_term()
    people = [make_user("student", term=term) for _ in range(3)]
    ids = [p.enrollments[0].id for p in people]
    response = client.post(
        f"/terms/{term.id}/enrollments", data={"enrollment_ids": ids[:2], "action": "approved"}
    )
    assert response.status_code == 302
    statuses = dict(db.session.execute(select(Enrollment.id, Enrollment.status)).all())
    assert [statuses[i] for i in ids] == ["approved", "approved", "applied"]
    client.post(
        f"/terms/{term.id}/enrollments", data={"enrollment_ids": [ids[0]], "action": "withdrawn"}
    )
    db.session.expire_all()
    assert db.session.get(Enrollment, ids[0]).status == "withdrawn"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("enrollment.approved") == 2


def test_status_change_rejects_other_terms_enrollments(client, signed_in, make_term, make_user):
    term, other = make_term(), make_term()
    mine = make_user("student", term=term)
    theirs = make_user("student", term=other)
    ids = [mine.enrollments[0].id, theirs.enrollments[0].id]
    client.post(f"/terms/{term.id}/enrollments", data={"enrollment_ids": ids, "action": "approved"})
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(select(Enrollment))} == {"applied"}


@pytest.mark.parametrize(
    "ids,action",
    [([], "approved"), (["x"], "approved"), (["123456"], "approved"), (None, "delete")],
)
def test_status_change_bad_input(client, signed_in, make_term, make_user, ids, action):
    term = make_term()
    person = make_user("student", term=term)
    data = {"enrollment_ids": [person.enrollments[0].id] if ids is None else ids, "action": action}
    response = client.post(f"/terms/{term.id}/enrollments", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrollment, person.enrollments[0].id).status == "applied"


def test_coordinator_view_of_student_is_audited(client, signed_in, make_term, make_user):
    term = make_term()
    student = make_user("student", term=term, legal_name="Kim Minji")
    page = client.get(f"/terms/{term.id}/people/{student.enrollments[0].id}").get_data(as_text=True)
    assert "Kim Minji" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "read.person"))
    assert (event.actor_id, event.subject_user_id) == (signed_in.id, student.id)


def test_person_of_another_term_is_404(client, signed_in, make_term, make_user):
    term, other = make_term(), make_term()
    student = make_user("student", term=other)
    assert client.get(f"/terms/{term.id}/people/{student.enrollments[0].id}").status_code == 404


@pytest.mark.parametrize("role", ["student", "volunteer"])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/terms"),
        ("get", "/terms/new"),
        ("get", "/terms/{id}"),
        ("post", "/terms/{id}/enrollments"),
    ],
)
def test_terms_are_for_coordinators_only(
    client, auth, make_term, make_user, coordinator, role, method, path
):
    term = make_term()
    auth.login(make_user(role, term=term))
    response = getattr(client, method)(path.format(id=term.id))
    assert response.status_code == 403


def test_anonymous_cannot_see_terms(client, make_term, coordinator):
    term = make_term()
    for path in ("/terms", f"/terms/{term.id}", f"/terms/{term.id}/edit"):
        assert "/login" in client.get(path).location
