"""A lost database connection (PostgreSQL restarting) gives a 503 page in the person's
language that says to try again in a moment, never a bare 500, and the app recovers alone."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from matcher.extensions import db
from matcher.web.errors import RETRY_AFTER_SECONDS
from tests.helpers import PASSWORD, add_person

ENGLISH = {"Accept-Language": "en"}
KOREAN_TRY_AGAIN = "잠시 후 다시 시도해 주세요"
# A page, the home page, an error page drawn while loading the person, a form
REQUESTS = (("GET", "/terms"), ("GET", "/"), ("GET", "/nowhere"), ("POST", "/account/delete"))


class Outage(NamedTuple):
    app: Flask
    down: Callable[[], None]
    up: Callable[[], None]


def _postgresql_outage(app: Flask) -> Iterator[Outage]:
    """The test database refuses connections and its open ones are cut, as in a restart.
    Only this test database: the maintenance database gives the orders."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = url.database
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def allow(allowed: bool) -> None:
        with admin.connect() as connection:
            connection.execute(
                text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
            )

    def down() -> None:
        db.session.remove()
        allow(False)
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )

    try:
        yield Outage(app, down, lambda: allow(True))
    finally:
        allow(True)
        admin.dispose()


def _sqlite_outage(build_app: Callable[..., Flask], folder: Path) -> Iterator[Outage]:
    """The database file's folder disappears, its open connections closed, and comes back."""
    home = folder / "db"
    home.mkdir()
    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{home / 'matcher.db'}")
    away = folder / "away"

    def down() -> None:
        with app.app_context():
            db.engine.dispose()
        home.rename(away)

    def up() -> None:
        away.rename(home)

    try:
        yield Outage(app, down, up)
    finally:
        if away.exists():
            up()


@pytest.fixture
def outage(app, build_app, tmp_path) -> Iterator[Outage]:
    """An app, as in production (errors are not raised to the test), whose database can be
    taken away and given back."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        made = _postgresql_outage(app)
    else:
        made = _sqlite_outage(build_app, tmp_path)
    target = next(made)
    target.app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        yield target
    finally:
        target.app.config["PROPAGATE_EXCEPTIONS"] = None
        made.close()


def check_unavailable(response) -> str:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    return response.get_data(as_text=True)


def test_lost_database_gives_503_in_the_persons_language_then_recovers(outage, caplog):
    add_person(outage.app, "kim@example.org", role="student", locale="ko")
    client = outage.app.test_client()
    login = {"email": "kim@example.org", "password": PASSWORD}
    assert client.post("/login", data=login, headers=ENGLISH).status_code == 302
    assert client.get("/profile", headers=ENGLISH).status_code == 200
    outage.down()
    try:
        for method, url in REQUESTS:
            page = check_unavailable(client.open(url, method=method, headers=ENGLISH))
            assert KOREAN_TRY_AGAIN in page and "곧 다시 이용하실 수 있습니다" in page
            assert '<html lang="ko">' in page
    finally:
        outage.up()
    assert client.get("/profile", headers=ENGLISH).status_code == 200  # back by itself
    warnings = [r for r in caplog.records if r.getMessage().startswith("Database unavailable")]
    assert len(warnings) == len(REQUESTS)
    assert not any("kim@example.org" in r.getMessage() for r in caplog.records)


def test_visitor_gets_the_503_page_in_the_browsers_language(outage):
    outage.down()
    try:
        response = outage.app.test_client().get("/", headers={"Accept-Language": "ko"})
    finally:
        outage.up()
    assert KOREAN_TRY_AGAIN in check_unavailable(response)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_that_never_answers_gives_503(build_app):
    app = build_app(
        tables=False,
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/x",
    )
    response = app.test_client().get("/", headers=ENGLISH)
    page = check_unavailable(response)
    assert "Please try again in a moment." in page
    # pool_pre_ping stays: a connection cut while idle is replaced before use
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
