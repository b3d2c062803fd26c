import datetime as dt

import pytest
from sqlalchemy import func, select

from matcher import mail
from matcher.extensions import db
from matcher.models import Enrollment, User
from tests.helpers import PASSWORD, link_in


def form(term, **fields):
    return {
        "term_id": str(term.id),
        "role": "student",
        "display_name": "하늘",
        "email": "haneul@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "timezone": "Asia/Seoul",
        **fields,
    }


def count_users():
    """Students and volunteers (the coordinator fixture is always there)."""
    return db.session.scalar(select(func.count(User.id)).where(User.role != "coordinator"))


@pytest.fixture
def term(make_term, coordinator):
    return make_term(name="Spring 2027")


def test_register_page_names_the_open_term(client, term):
    page = client.get("/register").get_data(as_text=True)
    assert "Spring 2027" in page
    assert f'value="{term.id}"' in page


@pytest.mark.parametrize(
    "role,zone", [("student", "Asia/Seoul"), ("volunteer", "America/Los_Angeles")]
)
def test_register_creates_account_enrollment_and_profile(client, term, role, zone, sent):
    response = client.post("/register", data=form(term, role=role, timezone=zone))
    assert response.status_code == 302
    assert response.location.endswith("/register/sent")
    user = db.session.scalar(select(User).where(User.email == "haneul@example.org"))
    assert (user.role, user.timezone, user.display_name) == (role, zone, "하늘")
    assert user.profile is not None
    enrollment = db.session.scalar(select(Enrollment))
    assert (enrollment.term_id, enrollment.status) == (term.id, "applied")
    assert client.get("/profile").status_code == 302  # not before the address is confirmed
    mail.send_due()
    (message,) = sent
    confirmed = client.post(link_in(message.body, "/sign-up/"), data={"password": PASSWORD})
    assert confirmed.location.endswith("/profile")
    assert client.get("/profile").status_code == 200


def test_register_in_korean_keeps_locale(client, term):
    client.post("/register", data=form(term), headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    assert db.session.scalar(select(User.locale).where(User.role == "student")) == "ko"


def test_register_when_no_term_is_open_says_when(client, make_term, coordinator):
    opens = dt.date.today() + dt.timedelta(days=40)
    make_term(
        name="Autumn 2027",
        status="draft",
        applications_open_on=opens,
        applications_close_on=opens + dt.timedelta(days=20),
        starts_on=opens + dt.timedelta(days=30),
        ends_on=opens + dt.timedelta(days=120),
    )
    page = client.get("/register").get_data(as_text=True)
    assert "Applications for Autumn 2027 open on " + opens.isoformat() in page
    assert "<form" not in page.split("<main>")[1]


def test_register_with_no_term_at_all(client, coordinator):
    page = client.get("/register").get_data(as_text=True)
    assert "have not set the dates of the next term" in page


def test_stale_form_for_a_closed_term_creates_nothing(client, term):
    data = form(term)
    term.status = "closed"
    db.session.commit()
    response = client.post("/register", data=data)
    assert response.status_code == 200
    assert "Applications for Spring 2027 are closed" in response.get_data(as_text=True)
    assert count_users() == 0


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": ""}, "Enter your email address."),
        ({"display_name": ""}, "Enter the name you want to be called."),
        ({"role": ""}, "Choose whether you join as a student or as a volunteer."),
        ({"role": "coordinator"}, "Not a valid choice"),
        ({"timezone": "Mars/Olympus"}, "is not a time zone we know"),
        ({"password": "short", "confirm": "short"}, "at least 10 characters"),
        ({"confirm": "something else entirely"}, "The two passwords are not the same."),
        ({"term_id": "abc"}, "This form is out of date"),
        ({"term_id": "999999"}, "This form is out of date"),
    ],
)
def test_register_bad_input_gets_a_message_and_writes_nothing(client, term, fields, message):
    response = client.post("/register", data=form(term, **fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_users() == 0


def test_register_keeps_values_after_an_error(client, term):
    page = client.post("/register", data=form(term, confirm="nope")).get_data(as_text=True)
    assert 'value="haneul@example.org"' in page
    assert 'value="하늘"' in page


def test_register_with_taken_email_answers_as_for_a_new_one(client, term, make_user):
    make_user("volunteer", email="haneul@example.org")
    response = client.post("/register", data=form(term, email="HANEUL@example.org"))
    assert response.location.endswith("/register/sent")  # the email says the rest
    assert count_users() == 1  # only the existing volunteer


def test_signed_in_user_is_sent_home(client, auth, term, make_user):
    user = make_user("student", term=term)
    auth.login(user)
    assert client.get("/register").status_code == 302
