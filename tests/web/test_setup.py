from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import AuditEvent, User
from tests.helpers import PASSWORD, fresh_code

FORM = {
    "display_name": "Ann",
    "email": "Ann@Example.org",
    "password": PASSWORD,
    "confirm": PASSWORD,
    "timezone": "Asia/Seoul",
}


def test_home_sends_to_setup_until_a_coordinator_exists(client):
    assert client.get("/").location.endswith("/setup")


def test_setup_creates_first_coordinator_and_signs_in(client):
    response = client.post("/setup", data=FORM)
    assert response.status_code == 302
    assert response.location.endswith("/terms/new")
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.timezone) == (
        "ann@example.org",
        "coordinator",
        "Asia/Seoul",
    )
    assert user.password_hash.startswith("$argon2")
    assert db.session.scalar(select(AuditEvent.action)) == "coordinator.created"
    # Signed in, but the first term waits until two-step sign-in is set up.
    response = client.get("/terms/new")
    assert response.location.endswith("/two-factor/setup?next=/terms/new")
    assert client.get(response.location).status_code == 200
    db.session.refresh(user)
    page = client.post(
        "/two-factor/setup?next=%2Fterms%2Fnew", data={"code": fresh_code(user)}
    ).get_data(as_text=True)
    assert 'href="/terms/new"' in page
    assert client.get("/terms/new").status_code == 200


def test_setup_page_is_gone_once_a_coordinator_exists(client, coordinator):
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data=FORM).status_code == 404
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_setup_validation_keeps_values_and_writes_nothing(client):
    response = client.post(
        "/setup", data={**FORM, "email": "not-an-email", "confirm": "different password"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address, like name@example.org." in page
    assert "The two passwords are not the same." in page
    assert 'value="Ann"' in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_setup_rejects_short_password(client):
    page = client.post("/setup", data={**FORM, "password": "short", "confirm": "short"}).get_data(
        as_text=True
    )
    assert "at least 10 characters" in page
    assert db.session.scalar(select(func.count(User.id))) == 0
