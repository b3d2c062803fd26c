"""Two-step sign-in as use cases: the time windows, codes used once, recovery codes."""

from __future__ import annotations

import datetime as dt
import threading

import pyotp
import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import RecoveryCode, User
from matcher.services import ServiceError, twofactor
from matcher.services.accounts import hash_password
from tests.helpers import racing_app

NOON = dt.datetime(2099, 5, 1, 12, 0, 10, tzinfo=dt.UTC)


def code(user: User, at: dt.datetime, steps: int = 0) -> str:
    totp = pyotp.TOTP(user.totp_secret)
    return totp.generate_otp(totp.timecode(at) + steps)


@pytest.fixture
def newcomer(make_user) -> User:
    return make_user("coordinator", two_factor=False)


def enable(user: User) -> list[str]:
    twofactor.start_setup(user)
    codes = twofactor.confirm_setup(user, code(user, NOON), NOON)
    db.session.commit()
    return codes


def test_setup_keeps_one_secret_until_confirmed(newcomer):
    secret = twofactor.start_setup(newcomer)
    assert twofactor.start_setup(newcomer) == secret
    assert len(secret) == 32
    uri = twofactor.provisioning_uri(newcomer, "matcher")
    assert uri.startswith("otpauth://totp/matcher:") and f"secret={secret}" in uri
    assert not newcomer.two_factor_enabled
    with pytest.raises(ServiceError, match="not right"):
        twofactor.confirm_setup(newcomer, code(newcomer, NOON, 2), NOON)
    assert not newcomer.two_factor_enabled
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    codes = twofactor.confirm_setup(newcomer, code(newcomer, NOON), NOON)
    assert newcomer.two_factor_enabled and len(codes) == len(set(codes)) == 10
    with pytest.raises(ServiceError, match="already set up"):
        twofactor.start_setup(newcomer)


@pytest.mark.parametrize("steps", [-1, 1])
def test_the_windows_next_to_now_are_accepted(newcomer, steps):
    enable(newcomer)
    later = NOON + dt.timedelta(minutes=5)
    result = twofactor.verify(newcomer, code(newcomer, later, steps), later)
    assert result.method == twofactor.SecondFactor.TOTP
    assert newcomer.totp_last_step == pyotp.TOTP(newcomer.totp_secret).timecode(later) + steps


@pytest.mark.parametrize("steps", [-2, 2, 10])
def test_windows_further_away_are_refused(newcomer, steps):
    enable(newcomer)
    later = NOON + dt.timedelta(minutes=5)
    last = newcomer.totp_last_step
    with pytest.raises(ServiceError, match="not right"):
        twofactor.verify(newcomer, code(newcomer, later, steps), later)
    assert newcomer.totp_last_step == last


def test_a_code_and_older_ones_are_refused_once_used(newcomer):
    enable(newcomer)  # used the code of NOON's window
    with pytest.raises(ServiceError, match="used already"):
        twofactor.verify(newcomer, code(newcomer, NOON), NOON + dt.timedelta(seconds=5))
    after = NOON + dt.timedelta(seconds=30)
    with pytest.raises(ServiceError, match="used already"):
        twofactor.verify(newcomer, code(newcomer, after, -1), after)  # NOON's window again
    twofactor.verify(newcomer, code(newcomer, after), after)
    with pytest.raises(ServiceError, match="used already"):
        twofactor.verify(newcomer, code(newcomer, after), after)


@pytest.mark.parametrize("typed", ["{code}", "{upper}", "{bare}", " {spaced} "])
def test_recovery_codes_work_once_as_typed(newcomer, typed):
    codes = enable(newcomer)
    first = codes[0]
    entry = typed.format(
        code=first, upper=first.upper(), bare=first.replace("-", ""), spaced=first.replace("-", " ")
    )
    result = twofactor.verify(newcomer, entry, NOON)
    assert result == twofactor.Verified(twofactor.SecondFactor.RECOVERY_CODE, 9)
    with pytest.raises(ServiceError, match="used already"):
        twofactor.verify(newcomer, first, NOON)
    assert twofactor.verify(newcomer, codes[1], NOON).recovery_codes_left == 8


def test_recovery_codes_are_stored_hashed_as_passwords_are(newcomer, real_hashes):
    codes = enable(newcomer)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    password_cost = hash_password("x").split("$")[3]  # m=...,t=...,p=...
    assert len(stored) == 10 and all(h.split("$")[3] == password_cost for h in stored)
    assert all(h.startswith("$argon2id$") for h in stored)
    assert twofactor.verify(newcomer, codes[9], NOON).recovery_codes_left == 9
    assert not any(c.replace("-", "") in h or c in h for c in codes for h in stored)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "hello", "abcde-fghi!", "0" * 40])
def test_anything_else_is_refused(newcomer, typed):
    enable(newcomer)
    with pytest.raises(ServiceError):
        twofactor.verify(newcomer, typed, NOON)
    assert twofactor.recovery_codes_left(newcomer) == 10


def test_renewing_replaces_every_recovery_code(newcomer):
    old = enable(newcomer)
    later = NOON + dt.timedelta(minutes=1)
    new = twofactor.renew_recovery_codes(newcomer, code(newcomer, later), later)
    assert not set(old) & set(new)
    with pytest.raises(ServiceError):
        twofactor.verify(newcomer, old[0], later)
    assert twofactor.verify(newcomer, new[0], later).recovery_codes_left == 9
    with pytest.raises(ServiceError, match="6-digit"):
        twofactor.renew_recovery_codes(newcomer, new[1], later)  # a recovery code is not enough


def test_two_sign_ins_racing_with_one_code(newcomer, tmp_path):
    """Two real sessions send the same code at once; exactly one is let in."""
    enable(newcomer)
    later = NOON + dt.timedelta(minutes=1)
    the_code, user_id = code(newcomer, later), newcomer.id
    race_app = racing_app(tmp_path)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_in() -> None:
        with race_app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(30)
                twofactor.verify(user, the_code, later)
                db.session.commit()
                outcomes.append("in")
            except ServiceError as error:
                outcomes.append(error.message)
            except Exception as error:  # reported by the assertions below
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with race_app.app_context():
        db.engine.dispose()
    assert sorted(outcomes) == sorted(["in", twofactor_used_message()]), outcomes


def twofactor_used_message() -> str:
    return "This code was used already. Wait for the next code in your app."
