"""Shared helpers for the tests: plain values, functions and classes, imported by name.

Fixtures live in the conftest.py files; nothing imports from a conftest.py. The app is
imported inside the functions that use it, so that importing this module stays cheap for
the browser harness test, which starts pytest in subprocesses.
"""

from __future__ import annotations

import csv
import email
import functools
import io
import os
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient

import config

if TYPE_CHECKING:
    from flask import Flask

    from matcher import engine
    from matcher.models import MatchRound, Pair, User

PASSWORD = "correct horse battery"


@functools.cache
def password_hash() -> str:
    """PASSWORD's argon2 hash: slow on purpose, so computed once for all tests."""
    from matcher.services.accounts import hash_password

    return hash_password(PASSWORD)


class TestConfig(config.TestConfig):
    WTF_CSRF_ENABLED = False
    TWOFACTOR_RATE_LIMIT = "1000 per minute"  # a test of the limit lowers it


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in a real server.

    The tests keep an app context open; without this, requests would reuse it and share
    `g` (the signed-in user) and the database session with the test and with each other.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def add_person(app: Flask, email: str, *, role: str = "coordinator", locale: str = "en") -> int:
    """A person in `app`'s own database (another app on SQLite has its own), with PASSWORD."""
    from matcher.extensions import db
    from matcher.models import User

    with app.app_context():
        user = User(
            email=email,
            password_hash=password_hash(),
            role=role,
            display_name=email.split("@")[0],
            locale=locale,
        )
        db.session.add(user)
        db.session.commit()
        return user.id


ROOT = Path(__file__).resolve().parents[1]


# People and their week


def racing_app(tmp_path: Path) -> Flask:
    """An app with connections of its own to the test database, for real sessions that race
    in threads (call it after committing what they need). In-memory SQLite has one shared
    connection, so it is copied to a file first."""
    import sqlite3

    from matcher import create_app
    from matcher.extensions import db

    url = db.engine.url.render_as_string(hide_password=False)
    if url.startswith("sqlite"):
        path = tmp_path / "race.db"
        with sqlite3.connect(path) as target:
            db.session.connection().connection.driver_connection.backup(target)
        url = f"sqlite:///{path}"

    class Race(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = (
            {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
        )

    return create_app(Race)


def term_form(term: Any, **changes: object) -> dict[str, object]:
    """The term form as its edit page fills it in for `term`, with `changes`."""
    dates = ("starts_on", "ends_on", "applications_open_on", "applications_close_on")
    data: dict[str, object] = {"name": term.name, "status": term.status}
    data.update({name: getattr(term, name).isoformat() for name in dates})
    return {**data, **changes}


def week(*ranges: tuple[int, int]) -> str:
    """An availability string with the given [start, end) slot ranges ticked."""
    on = {slot for start, end in ranges for slot in range(start, end)}
    return "".join("1" if i in on else "0" for i in range(336))


SEOUL_EVENINGS = week((38, 44), (48 + 38, 48 + 44), (96 + 38, 96 + 44))  # Mon-Wed 19-22
SATURDAY_MORNING = week((5 * 48 + 18, 5 * 48 + 24))  # Saturday 09:00-12:00 in Seoul


def saturday_students(make_user, term) -> None:
    """Two approved students, Bora and Dami, free on Saturday mornings only (in Seoul): no
    volunteer of the `pool` fixture is, so a round leaves them unmatched."""
    for name in ("Bora", "Dami"):
        make_user(
            "student",
            term=term,
            status="approved",
            display_name=name,
            availability=SATURDAY_MORNING,
        )


# The same hours seen from Los Angeles, in winter and in summer time (Mon-Wed 02:00-06:00).
LA_FOR_SEOUL_EVENINGS = week((4, 12), (48 + 4, 48 + 12), (96 + 4, 96 + 12))


class AuthActions:
    """Sign in and out through the pages, as a person would: a coordinator with two-step
    sign-in set up also types the code that their app shows."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, user: User, password: str = PASSWORD) -> Any:
        response = self._client.post("/login", data={"email": user.email, "password": password})
        if response.status_code == 302 and user.role == "coordinator" and user.totp_secret:
            response = self.second_factor(user)
        return response

    def second_factor(self, user: User, code: str | None = None) -> Any:
        return self._client.post("/two-factor/verify", data={"code": code or fresh_code(user)})

    def logout(self) -> Any:
        return self._client.post("/logout")


def fresh_code(user: User) -> str:
    """The code the coordinator's app shows now (or the next one, if the server has taken
    this one already), as the server will accept it."""
    import time

    import pyotp
    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.models import User

    secret = db.session.scalar(select(User.totp_secret).where(User.id == user.id))
    last = db.session.scalar(select(User.totp_last_step).where(User.id == user.id))
    totp = pyotp.TOTP(secret)
    # Not the previous window: the server's clock may have moved on by one step already.
    current = totp.timecode(time.time())
    for step in (current, current + 1):
        if last is None or step > last:
            return totp.generate_otp(step)
    raise AssertionError("a coordinator signed in more than twice in 30 s: no fresh code left")


def set_up_second_factor(page: Any) -> str:
    """On the two-step setup page, do what a coordinator does with an authenticator app:
    type the code for the key the page shows, keep the recovery codes, go on. The key."""
    import pyotp

    page.wait_for_url("**/two-factor/setup**")
    secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    page.click("text=I have kept them, continue")
    return str(secret)


# Matching rounds and pairs


def settings(**changes: object) -> engine.Settings:
    from matcher import engine

    return engine.Settings(**changes)  # type: ignore[arg-type]


def run_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "weight_overlap": 30,
        "weight_interests": 15,
        "weight_goals": 20,
        "weight_level": 15,
        "weight_gender": 10,
        "weight_continuity": 10,
        "min_overlap_hours": "2",
        "objective": "best",
        "lock_continue_partner": "y",
    }
    data.update(changes)
    return data


def pairs_of(round_: MatchRound) -> set[tuple[int, int]]:
    """A round's pairs as (student id, volunteer id)."""
    return {(p.student_id, p.volunteer_id) for p in round_.pairs}


def pair_of(student: User) -> Pair | None:
    """The student's active published pair."""
    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.models import Pair

    return db.session.scalar(
        select(Pair).where(Pair.student_id == student.id, Pair.status == "active")
    )


# A real SMTP server on localhost (aiosmtpd) that keeps what it receives


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def link_in(body: str, prefix: str) -> str:
    """The path (from `prefix`, like "/reset/") of the link in an email's body that has it,
    as a test client or a browser opens it on the site under test."""
    import re

    found = re.search(r"https?://\S+?(" + re.escape(prefix) + r"\S*)", body)
    assert found, f"no link to {prefix} in this email:\n{body}"
    return found.group(1)


def emailed_link(app: Flask, address: str, prefix: str) -> str:
    """Run the mail worker once on `app` (as `flask send-mail --once` does) into a real SMTP
    server, and the path of the `prefix` link in the last email `address` received."""
    from matcher import mail

    state = app.extensions["mailman"]
    saved = (state.backend, state.server, state.port)
    with smtp_server() as (inbox, port), app.app_context():
        state.backend, state.server, state.port = "smtp", "127.0.0.1", port
        try:
            mail.send_due()
        finally:
            state.backend, state.server, state.port = saved
    received = inbox.to(address)
    assert received, f"no email to {address}"
    return link_in(body_of(received[-1]), prefix)


# The browser tests' Chromium

DEBIAN_CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "screenshots"


def find_chromium() -> str | None:
    """The Chromium to drive: $CHROMIUM if set (a path or a name on PATH), otherwise
    Debian's /usr/bin/chromium, otherwise `chromium` on PATH; None when there is none."""
    given = os.environ.get("CHROMIUM")
    if given:
        return shutil.which(given)
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")


def no_chromium_message() -> str:
    """The one line that says why the browser tests cannot run and how to fix it."""
    given = os.environ.get("CHROMIUM")
    where = f" at CHROMIUM={given}" if given else ""
    return (
        f"Chromium not found{where}: install Debian's chromium package "
        "(apt-get install chromium), or set CHROMIUM to a Chromium binary, "
        "to run the browser tests"
    )


def in_ci() -> bool:
    """CI=true (as .ci/run sets it) turns a missing browser into a failure."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Roster files (docs/csv-format.md) made from matcher.sample's people


def roster_csv(people: Any, *, language: bool = True) -> str:
    """A students' or volunteers' roster file for `matcher.sample` people, as a
    coordinator's spreadsheet would export it (CRLF line ends), with a `language` column."""
    from matcher.roster import CSV_NAMES, STUDENT_COLUMNS, VOLUNTEER_COLUMNS, format_availability
    from matcher.sample import SampleStudent

    students = bool(people) and isinstance(people[0], SampleStudent)
    columns = list(STUDENT_COLUMNS if students else VOLUNTEER_COLUMNS)
    names = {column: field for field, column in CSV_NAMES.items()}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*columns, "language"] if language else columns)
    for person in people:
        row = []
        for column in columns:
            value = getattr(person, names.get(column, column))
            if column == "availability":
                value = format_availability([k in set(value) for k in range(336)])
            elif isinstance(value, tuple):
                value = "; ".join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            row.append(str(value))
        writer.writerow([*row, person.locale] if language else row)
    return out.getvalue()


def multipart(files: dict[str, bytes]) -> bytes:
    """A multipart body built by hand: the test client spools a large upload to a
    temporary file that it never closes."""
    body = b""
    for name, data in files.items():
        body += (
            (
                f'--b\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return body + b"--b--\r\n"


def upload_roster(
    client: Any, term: Any, students: bytes | None = None, volunteers: bytes | None = None
) -> Any:
    """POST the import form: each file given as bytes (or None to leave it out)."""
    files = {"students": students, "volunteers": volunteers}
    return client.post(
        f"/terms/{term.id}/import",
        data=multipart({name: data for name, data in files.items() if data is not None}),
        content_type="multipart/form-data; boundary=b",
    )


def upload_id(response: Any) -> str | None:
    """The preview's upload id, when it offers a confirmation."""
    found = re.search(r'name="upload_id" type="hidden" value="([^"]+)"', response.text)
    found = found or re.search(r'name="upload_id" value="([^"]+)"', response.text)
    return found.group(1) if found else None


def confirm_import(client: Any, term: Any, response: Any) -> Any:
    """Confirm the preview in `response`."""
    token = upload_id(response)
    assert token, "the preview offers no confirmation"
    return client.post(f"/terms/{term.id}/import/confirm", data={"upload_id": token})


# Deletion that deletes


@dataclass
class Search:
    """Where needles were found: {"table.column": [needles]}, and how much was read."""

    found: dict[str, list[str]]
    tables: int
    columns: int
    rows: int


def search_every_table(*needles: str) -> Search:
    """Read every row of every table, every text and JSON column, for any of `needles`
    (case-insensitive)."""
    import json

    from sqlalchemy import JSON, String, select

    from matcher.extensions import db
    from matcher.models import Base

    search = Search({}, 0, 0, 0)
    wanted = [n.lower() for n in needles if n]
    for table in Base.metadata.sorted_tables:
        search.tables += 1
        texts = [c for c in table.columns if isinstance(c.type, String | JSON)]
        search.columns += len(texts)
        if not texts:
            continue
        for row in db.session.execute(select(*texts)):
            search.rows += 1
            for column, value in zip(texts, row, strict=True):
                if value is None:
                    continue
                text = (
                    value
                    if isinstance(value, str)
                    else json.dumps(value, ensure_ascii=False, default=str)
                )
                hits = [n for n in wanted if n in text.lower()]
                if hits:
                    search.found.setdefault(f"{table.name}.{column.name}", []).extend(hits)
    return search
