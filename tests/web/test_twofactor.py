"""Coordinators' two-step sign-in through the pages: setup, codes, recovery codes, the gate."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from matcher.extensions import db, limiter
from matcher.models import AuditEvent, RecoveryCode, User
from matcher.services import twofactor
from matcher.web.access import BEFORE_SECOND_FACTOR
from tests.helpers import PASSWORD, AuthActions, fresh_code


def password_only(client, user, **extra):
    """The first step alone: the right password, no code yet."""
    data = {"email": user.email, "password": PASSWORD, **extra}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def code_at(user: User, offset_steps: int) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(totp.timecode(time.time()) + offset_steps)


def set_up(client, user) -> list[str]:
    """Go through the setup page as a new coordinator would; the recovery codes it shows."""
    client.get("/two-factor/setup")
    db.session.refresh(user)
    page = client.post("/two-factor/setup", data={"code": fresh_code(user)})
    assert page.status_code == 200
    return shown_codes(page.text)


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([^<]+)</code></li>", html)


@pytest.fixture
def newcomer(make_user):
    """A coordinator who has never set up two-step sign-in."""
    return make_user("coordinator", two_factor=False, display_name="New")


def test_first_sign_in_sets_up_the_second_factor(client, newcomer):
    password_only(client, newcomer)
    assert client.get("/terms").location.endswith("/two-factor/setup?next=/terms")
    page = client.get("/two-factor/setup?next=/terms")
    assert page.headers["Cache-Control"] == "no-store"
    db.session.refresh(newcomer)
    secret = newcomer.totp_secret
    html = page.text
    assert "<svg" in html and 'class="qr"' in html  # the QR code, drawn on the server
    assert " style=" not in html and "<style" not in html and "<script>" not in html  # none inline
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html  # and as text
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    client.get("/two-factor/setup")
    db.session.refresh(newcomer)
    assert newcomer.totp_secret == secret  # a reload keeps the key the app has scanned

    response = client.post("/two-factor/setup?next=/terms", data={"code": fresh_code(newcomer)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/terms"' in response.text
    shown = shown_codes(response.text)
    assert len(shown) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in shown)
    db.session.refresh(newcomer)
    assert newcomer.two_factor_enabled
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2") for h in hashes)
    assert not any(code.replace("-", "") in h for code in shown for h in hashes)
    assert client.get("/terms").status_code == 200
    assert "two_factor.enabled" in db.session.scalars(select(AuditEvent.action)).all()
    # Set up once: the setup page now only leads on.
    assert client.get("/two-factor/setup").status_code == 302


def test_setup_refuses_a_wrong_code_and_writes_nothing(client, newcomer):
    password_only(client, newcomer)
    client.get("/two-factor/setup")
    db.session.refresh(newcomer)
    for code in ("000000" if fresh_code(newcomer) != "000000" else "111111", "12345", "abcdef"):
        page = client.post("/two-factor/setup", data={"code": code})
        assert page.status_code == 200
        assert "field-error" in page.text
    db.session.refresh(newcomer)
    assert not newcomer.two_factor_enabled
    assert newcomer.totp_last_step is None
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert client.get("/terms").status_code == 302


def test_wrong_code_at_sign_in(client, coordinator):
    password_only(client, coordinator)
    wrong = "000000" if code_at(coordinator, 0) != "000000" else "111111"
    page = client.post("/two-factor/verify", data={"code": wrong})
    assert "This code is not right." in page.text
    page = client.post("/two-factor/verify", data={"code": code_at(coordinator, 2)})
    assert "This code is not right." in page.text  # a minute ahead is too far
    assert client.get("/terms").location.endswith("/two-factor/verify?next=/terms")
    db.session.refresh(coordinator)
    assert coordinator.totp_last_step is None


def test_codes_of_the_next_window_and_after_sign_in_go_to_next(client, coordinator):
    password_only(client, coordinator)
    response = client.post("/two-factor/verify?next=/terms", data={"code": code_at(coordinator, 1)})
    assert response.location.endswith("/terms")
    assert client.get("/terms").status_code == 200


def test_a_code_is_accepted_once(client, coordinator):
    code = fresh_code(coordinator)
    password_only(client, coordinator)
    assert client.post("/two-factor/verify", data={"code": code}).status_code == 302
    client.post("/logout")
    password_only(client, coordinator)
    page = client.post("/two-factor/verify", data={"code": code})
    assert "This code was used already." in page.text
    assert client.get("/terms").status_code == 302
    # An older window than the one used is refused too.
    older = code_at(coordinator, -1)
    if older != code:
        assert "used already" in client.post("/two-factor/verify", data={"code": older}).text


def test_a_recovery_code_works_once(client, newcomer):
    password_only(client, newcomer)
    codes = set_up(client, newcomer)
    assert len(codes) == 10
    client.post("/logout")
    password_only(client, newcomer)
    typed = codes[3].upper().replace("-", " ")  # as read from paper
    response = client.post("/two-factor/verify", data={"code": typed})
    assert response.status_code == 302
    assert "9 recovery codes left" in client.get("/account").text
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert "two_factor.recovery_code_used" in events
    client.post("/logout")
    password_only(client, newcomer)
    page = client.post("/two-factor/verify", data={"code": codes[3]})
    assert "This recovery code is not right, or it was used already." in page.text
    assert client.get("/terms").status_code == 302
    assert client.post("/two-factor/verify", data={"code": codes[4]}).status_code == 302


def test_new_recovery_codes_replace_the_old(client, newcomer):
    password_only(client, newcomer)
    old = set_up(client, newcomer)
    assert "Get new recovery codes" in client.get("/account").text
    page = client.post("/two-factor/recovery-codes", data={"code": code_at(newcomer, 1)})
    new = shown_codes(page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 10
    client.post("/logout")
    password_only(client, newcomer)
    assert "not right" in client.post("/two-factor/verify", data={"code": old[0]}).text
    assert client.post("/two-factor/verify", data={"code": new[0]}).status_code == 302


def test_the_second_factor_belongs_to_the_session(client, coordinator):
    auth = AuthActions(client)
    auth.login(coordinator)
    assert client.get("/terms").status_code == 200
    other = client.application.test_client()
    password_only(other, coordinator)
    assert other.get("/terms").status_code == 302  # the password alone opens nothing
    auth.logout()
    password_only(client, coordinator)
    assert client.get("/terms").status_code == 302  # signing in again asks again


def test_remember_me_still_asks_for_the_code(client, coordinator):
    password_only(client, coordinator, remember="y")
    AuthActions(client).second_factor(coordinator)
    assert client.get("/terms").status_code == 200
    remembered = client.application.test_client()
    cookie = client.get_cookie("remember_token", domain="matcher.test")
    remembered.set_cookie("remember_token", cookie.value, domain="matcher.test")
    assert remembered.get("/account").location.endswith("/two-factor/verify?next=/account")


def route_values(published, coordinator) -> dict[str, object]:
    term, students, volunteers = published
    from matcher.models import Enrollment, Pair

    pair = db.session.scalar(select(Pair))
    enrollment = db.session.scalar(select(Enrollment))
    return {
        "term_id": term.id,
        "number": 1,
        "pair_id": pair.id,
        "enrollment_id": enrollment.id,
        "constraint_id": 1,
        "request_id": 1,
        "action": "lock",
        "filename": "css/app.css",
        "token": "an-emailed-link",
    }


def every_route(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize("set_up_already", [True, False])
def test_every_route_waits_for_the_second_factor(app, client, published, make_user, set_up_already):
    person = make_user("coordinator", two_factor=set_up_already)
    values = route_values(published, person)
    password_only(client, person)
    target = "/two-factor/verify" if set_up_already else "/two-factor/setup"
    before = row_counts()
    adapter = app.url_map.bind("matcher.test")
    checked = 0
    for rule, method in every_route(app):
        if rule.endpoint in BEFORE_SECOND_FACTOR:
            continue
        path = adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments})
        response = client.open(path, method=method, data={"code": "123456", "name": "x"})
        assert response.status_code == 302, (method, path)
        assert response.location.split("?")[0].endswith(target), (method, path)
        checked += 1
    assert checked >= 30
    assert row_counts() == before
    db.session.refresh(person)
    assert person.totp_last_step is None
    # The few open to them: only the two-step pages, signing out, the language and files.
    assert set(BEFORE_SECOND_FACTOR) == {
        "twofactor.setup",
        "twofactor.verify",
        "auth.logout",
        "main.language",
        "static",
    }
    assert client.get(target).status_code == 200
    stylesheet = client.get("/static/css/app.css")
    stylesheet.close()
    assert stylesheet.status_code == 200
    assert client.post("/language", data={"locale": "ko", "next": target}).status_code == 302
    assert "2단계" in client.get(target).text
    assert client.post("/logout").status_code == 302


@pytest.mark.parametrize("role", ["student", "volunteer"])
def test_students_and_volunteers_are_unaffected(client, auth, make_term, make_user, role):
    person = make_user(role, term=make_term())
    response = auth.login(person)
    assert response.status_code == 302 and "two-factor" not in response.location
    assert client.get("/profile").status_code == 200
    assert client.get("/my-pair").status_code == 200
    assert client.get("/account").status_code == 200
    for path in ("/two-factor/setup", "/two-factor/verify", "/two-factor/recovery-codes"):
        assert client.get(path).status_code == 403
    assert client.post("/two-factor/verify", data={"code": "123456"}).status_code == 403
    db.session.refresh(person)
    assert person.totp_secret is None


def test_anonymous_is_sent_to_sign_in(client, coordinator):
    for path in ("/two-factor/setup", "/two-factor/verify"):
        assert "/login" in client.get(path).location


@pytest.fixture
def code_limit(app):
    before = app.config["TWOFACTOR_RATE_LIMIT"]
    app.config["TWOFACTOR_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    yield
    app.config["TWOFACTOR_RATE_LIMIT"] = before
    limiter.reset()


def test_code_form_is_limited_per_account(client, coordinator, code_limit):
    password_only(client, coordinator)
    codes = [
        client.post(
            "/two-factor/verify",
            data={"code": "000000"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    page = client.post(
        "/two-factor/verify",
        data={"code": fresh_code(coordinator)},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert page.status_code == 429  # even the right code waits
    assert "Too many tries" in page.text
    db.session.refresh(coordinator)
    assert coordinator.totp_last_step is None


def test_code_form_is_limited_per_address(app, make_user, code_limit):
    statuses = []
    for _ in range(4):
        person = make_user("coordinator")
        client = app.test_client()
        password_only(client, person)
        statuses.append(client.post("/two-factor/verify", data={"code": "000000"}).status_code)
    assert statuses == [200, 200, 200, 429]


def test_create_coordinator_command_leads_to_setup(client, runner):
    result = runner.invoke(
        args=["create-coordinator", "boss@example.org"], input="a very long password\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "two-step sign-in" in result.output
    response = client.post(
        "/login", data={"email": "boss@example.org", "password": "a very long password"}
    )
    assert "/two-factor/setup" in client.get(response.location).location


def test_the_pages_speak_korean(client, make_user):
    newcomer = make_user("coordinator", two_factor=False, locale="ko")
    password_only(client, newcomer)
    page = client.get("/two-factor/setup").text
    assert "2단계 로그인 설정" in page
    db.session.refresh(newcomer)
    page = client.post("/two-factor/setup", data={"code": "000000"}).text
    assert "코드가 맞지 않습니다." in page


def test_services_refuse_people_who_are_not_coordinators(make_user):
    from matcher.models.base import utcnow
    from matcher.services import ServiceError

    student = make_user("student")
    for call in (
        lambda: twofactor.start_setup(student),
        lambda: twofactor.verify(student, "123456", utcnow()),
    ):
        with pytest.raises(ServiceError):
            call()


@pytest.mark.parametrize(
    "body", [{"code": 123456}, {"code": None}, {"code": ["1"]}, {"code": {"a": 1}}]
)
def test_a_code_sent_as_json_is_refused_cleanly(client, coordinator, body):
    password_only(client, coordinator)
    response = client.post("/two-factor/verify", json=body)
    assert response.status_code in (200, 400, 415)
    assert client.get("/terms").status_code == 302
