"""Every form that takes a password or makes an account is limited per client address and
per account: many guesses from one address, or a few from each of many, are stopped."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Notification, User
from matcher.services.accounts import authenticate
from tests.helpers import PASSWORD

WRONG = "not the password at all"
NEW = "a brand new long password"


def address(n: int) -> dict[str, dict[str, str]]:
    return {"environ_base": {"REMOTE_ADDR": f"198.51.100.{n}"}}


def sign_in(client, user, password=PASSWORD, n=1):
    return client.post("/login", data={"email": user.email, "password": password}, **address(n))


def change_password(client, current, n=1):
    data = {"current_password": current, "password": NEW, "confirm": NEW}
    return client.post("/account/password", data=data, **address(n))


def delete_account(client, password, n=1):
    return client.post("/account/delete", data={"password": password}, **address(n))


def register(app, term, email, n=1):
    """Each registration from a new browser."""
    data = {
        "term_id": str(term.id),
        "role": "student",
        "display_name": "Haneul",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
        "timezone": "Asia/Seoul",
    }
    return app.test_client().post("/register", data=data, **address(n))


@pytest.fixture
def student(make_term, make_user):
    return make_user("student", term=make_term())


# Sign-in


def test_sign_in_is_limited_per_address(client, reset_limits, student, make_user):
    reset_limits(LOGIN_RATE_LIMIT="4 per minute")
    other = make_user("volunteer")
    codes = [sign_in(client, person, WRONG).status_code for person in (student, other) * 2]
    assert codes == [200] * 4
    assert sign_in(client, student).status_code == 429  # even with the right password
    assert sign_in(client, student, n=2).status_code == 302  # another address is not held up


def test_sign_in_is_limited_per_account_across_addresses(client, reset_limits, student, make_user):
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    codes = [sign_in(client, student, WRONG, n=n).status_code for n in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    assert sign_in(client, student, n=9).status_code == 429
    other = make_user("volunteer")
    assert sign_in(client, other, n=9).status_code == 302  # other accounts are not held up


def test_successful_sign_ins_do_not_count_against_the_account(client, auth, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="2 per minute")
    for n in range(1, 5):
        assert sign_in(client, student, n=n).status_code == 302
        auth.logout()


def test_the_account_limit_reads_the_email_as_sign_in_does(client, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="2 per minute")
    for n, email in enumerate((student.email.upper(), f"  {student.email} "), start=1):
        client.post("/login", data={"email": email, "password": WRONG}, **address(n))
    assert sign_in(client, student, n=3).status_code == 429


# Registration


def test_registration_is_limited_per_address(app, reset_limits, student):
    reset_limits(LOGIN_RATE_LIMIT="3 per minute")
    term = student.enrollments[0].term
    codes = [register(app, term, f"new{n}@example.org").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert register(app, term, "new9@example.org", n=2).status_code == 302


@pytest.mark.parametrize("known", [True, False])
def test_registration_is_limited_per_email_across_addresses(app, reset_limits, student, known):
    """Every try counts (each sends an email), for a known address as for a new one."""
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    term = student.enrollments[0].term
    email = student.email if known else "fresh@example.org"
    codes = [register(app, term, email, n=n).status_code for n in range(1, 5)]
    assert codes == [302, 302, 302, 429]
    assert register(app, term, "other@example.org", n=9).status_code == 302
    queued = db.session.scalar(select(func.count(Notification.id)))
    assert queued == 4  # three for `email`, one for the other address


def forgot(client, email, n=1):
    return client.post("/password/forgot", data={"email": email}, **address(n))


def test_forgotten_password_is_limited_per_address(client, reset_limits, student):
    reset_limits(LOGIN_RATE_LIMIT="3 per minute")
    codes = [forgot(client, f"someone{n}@example.org").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert forgot(client, student.email, n=2).status_code == 302


@pytest.mark.parametrize("known", [True, False])
def test_emails_to_one_address_add_up_across_forms(app, client, reset_limits, student, known):
    """Registration, forgotten password and the sign-up link again share one budget per
    address typed: nobody fills someone's mailbox, known or not."""
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    email = student.email if known else "fresh@example.org"
    term = student.enrollments[0].term
    assert register(app, term, email, n=1).status_code == 302
    assert forgot(client, email, n=2).status_code == 302
    again = client.post("/sign-up/again", data={"email": email}, **address(3))
    assert again.status_code == 302
    assert forgot(client, email, n=4).status_code == 429
    assert register(app, term, email, n=5).status_code == 429
    assert forgot(client, "someone.else@example.org", n=6).status_code == 302


def test_a_new_email_address_is_limited_per_account(signed_in, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="2 per minute")
    data = {"email": "new@example.org", "password": WRONG}
    codes = [
        signed_in.post("/account/email", data=data, **address(n)).status_code for n in (1, 2, 3)
    ]
    assert codes == [200, 200, 429]


# Password change and account deletion: the signed-in person guesses the password


@pytest.fixture
def signed_in(client, auth, student):
    auth.login(student)
    return client


def test_password_change_is_limited_per_address(signed_in, reset_limits, student):
    reset_limits(LOGIN_RATE_LIMIT="3 per minute")
    codes = [change_password(signed_in, WRONG).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert change_password(signed_in, PASSWORD).status_code == 429
    db.session.expire_all()
    assert authenticate(student.email, NEW) is None


def test_password_change_is_limited_per_account_across_addresses(signed_in, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    codes = [change_password(signed_in, WRONG, n=n).status_code for n in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    assert change_password(signed_in, PASSWORD, n=9).status_code == 429


def test_deletion_is_limited_per_address(signed_in, reset_limits, student):
    reset_limits(LOGIN_RATE_LIMIT="3 per minute")
    codes = [delete_account(signed_in, WRONG).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert delete_account(signed_in, PASSWORD).status_code == 429
    assert db.session.get(User, student.id) is not None


def test_deletion_is_limited_per_account_across_addresses(signed_in, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    codes = [delete_account(signed_in, WRONG, n=n).status_code for n in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    assert delete_account(signed_in, PASSWORD, n=9).status_code == 429
    assert db.session.get(User, student.id) is not None


def test_guesses_on_one_account_add_up_across_forms(client, auth, reset_limits, student):
    """Sign-in, password change and deletion all check the same password: one budget."""
    reset_limits(ACCOUNT_RATE_LIMIT="3 per minute")
    sign_in(client, student, WRONG, n=1)
    auth.login(student)  # a success does not count
    change_password(client, WRONG, n=2)
    delete_account(client, WRONG, n=3)
    assert change_password(client, PASSWORD, n=4).status_code == 429
    assert delete_account(client, PASSWORD, n=5).status_code == 429


def test_too_many_tries_page_is_translated_and_says_when(client, reset_limits, student):
    reset_limits(ACCOUNT_RATE_LIMIT="1 per minute")
    sign_in(client, student, WRONG)
    response = client.post(
        "/login",
        data={"email": student.email, "password": WRONG},
        headers={"Accept-Language": "ko"},
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "잠시" in response.get_data(as_text=True)
