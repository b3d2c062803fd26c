import pytest

import config
from matcher.extensions import db, limiter
from matcher.services.accounts import authenticate
from tests.helpers import PASSWORD, AuthActions


def test_login_with_right_password(client, auth, coordinator):
    response = auth.login(coordinator)
    assert response.status_code == 302
    assert client.get("/terms").status_code == 200


def test_login_email_is_case_insensitive(client, coordinator):
    response = client.post(
        "/login", data={"email": coordinator.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email,password",
    [("nobody@example.org", PASSWORD), (None, "wrong password!")],
)
def test_login_failures_say_so_without_telling_which(client, coordinator, email, password):
    response = client.post(
        "/login", data={"email": email or coordinator.email, "password": password}
    )
    assert response.status_code == 200
    assert "The email or the password is not right." in response.get_data(as_text=True)
    assert client.get("/terms").status_code == 302


def test_login_with_empty_form(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your email address." in page
    assert "Enter your password." in page


def test_inactive_user_cannot_sign_in(client, coordinator):
    coordinator.active = False
    db.session.commit()
    assert authenticate(coordinator.email, PASSWORD) is None


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/terms", "/terms"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_to_local_paths(client, coordinator, target, expected):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": coordinator.email, "password": PASSWORD},
    )
    assert response.location.removeprefix("http://matcher.test") == expected


def test_anonymous_is_sent_to_sign_in_with_next(client, coordinator):
    response = client.get("/terms")
    assert response.status_code == 302
    assert "/login?next=%2Fterms" in response.location


def test_logout_rotates_session_token(client, auth, coordinator):
    auth.login(coordinator)
    token = coordinator.session_token
    assert auth.logout().status_code == 302
    db.session.refresh(coordinator)
    assert coordinator.session_token != token
    assert client.get("/terms").status_code == 302


def test_logout_needs_post(client, auth, coordinator):
    auth.login(coordinator)
    assert client.get("/logout").status_code == 405


def test_change_password(client, auth, coordinator):
    auth.login(coordinator)
    other = client.application.test_client()
    AuthActions(other).login(coordinator)
    assert other.get("/terms").status_code == 200
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert response.status_code == 302
    assert client.get("/terms").status_code == 200  # this session stays signed in
    assert other.get("/terms").status_code == 302  # every other session is signed out
    db.session.expire_all()
    assert authenticate(coordinator.email, "a new long password") is not None
    assert authenticate(coordinator.email, PASSWORD) is None


def test_change_password_wrong_current(client, auth, coordinator):
    auth.login(coordinator)
    old_hash = coordinator.password_hash
    page = client.post(
        "/account/password",
        data={
            "current_password": "nope nope nope",
            "password": "a new long password",
            "confirm": "a new long password",
        },
    ).get_data(as_text=True)
    assert "Your current password is not right." in page
    db.session.refresh(coordinator)
    assert coordinator.password_hash == old_hash


def test_change_password_needs_sign_in(client):
    assert client.get("/account/password").status_code == 302


def test_rate_limit_on_sign_in(app, client, coordinator):
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    try:
        codes = [
            client.post(
                "/login", data={"email": coordinator.email, "password": "wrong!!!!!"}
            ).status_code
            for _ in range(6)
        ]
        page = client.post("/login", data={}, headers={"Accept-Language": "ko"}).get_data(
            as_text=True
        )
    finally:
        app.config["LOGIN_RATE_LIMIT"] = config.TestConfig.LOGIN_RATE_LIMIT
        limiter.reset()
    assert codes == [200] * 5 + [429]
    assert "잠시" in page


def test_download_own_data(client, auth, make_term, make_user, coordinator):
    student = make_user("student", term=make_term(name="T"), legal_name="Kim Real")
    auth.login(student)
    response = client.get("/account/data.json")
    data = response.get_json()
    assert "attachment" in response.headers["Content-Disposition"]
    assert data["email"] == student.email
    assert data["profile"]["legal_name"] == "Kim Real"  # her own answer
    assert data["applications"] == [{"term": "T", "status": "applied", "continue": False}]
    assert "password_hash" not in response.get_data(as_text=True)


def test_delete_own_account_removes_everything(client, auth, pool, coordinator):
    from sqlalchemy import func, select

    from matcher.models import Pair, StudentProfile, User
    from matcher.services import publishing, rounds
    from matcher.web.util import today
    from tests.helpers import settings

    term, students, _ = pool
    publishing.publish_round(
        rounds.run_round(term, settings(), by=coordinator), by=coordinator, today=today()
    )
    db.session.commit()
    gone = students[0].id
    auth.login(students[0])
    page = client.post("/account/delete", data={"password": "wrong password"})
    assert "Your password is not right." in page.get_data(as_text=True)
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, gone) is None
    assert db.session.scalar(select(func.count(StudentProfile.id))) == 2
    assert db.session.scalar(select(func.count(Pair.id)).where(Pair.student_id == gone)) == 0
    assert client.get("/profile").status_code == 302


def test_only_coordinator_cannot_delete_themselves(client, auth, coordinator):
    auth.login(coordinator)
    page = client.post("/account/delete", data={"password": PASSWORD}).get_data(as_text=True)
    assert "You are the only coordinator" in page
