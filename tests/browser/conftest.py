"""A live server on a real port, and a Chromium driven by Playwright.

Tests marked `browser` need a Chromium (see tests.helpers.find_chromium). Without one
they are skipped with one line that says how to install it; with CI=true they fail.
The app is imported inside the fixtures: deciding about Chromium stays cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

import config
from tests.helpers import find_chromium, in_ci, no_chromium_message

if TYPE_CHECKING:
    from flask import Flask

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def skip_or_fail_without_chromium() -> NoReturn:
    """Skip the browser test for want of a Chromium, or fail it when CI=true."""
    if in_ci():
        pytest.fail(f"{no_chromium_message()} (CI=true: a missing browser fails)", pytrace=False)
    pytest.skip(no_chromium_message())


SKIPPED_AT = (__file__, skip_or_fail_without_chromium.__code__.co_firstlineno)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Report every skip for a missing Chromium at one place, so that the summary says
    it once on one line (pytest would otherwise give each test its own line)."""
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2]
        if reason.endswith(no_chromium_message()):
            report.longrepr = (*SKIPPED_AT, reason)
    return report


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary the browser tests drive (see tests.helpers.find_chromium)."""
    return find_chromium() or skip_or_fail_without_chromium()


@pytest.fixture(autouse=True)
def _browser_tests_need_chromium(request: pytest.FixtureRequest) -> None:
    """Browser tests decide on Chromium first, before a live server runs migrations."""
    if request.node.get_closest_marker("browser") or "browser" in request.fixturenames:
        request.getfixturevalue("chromium")


@pytest.fixture
def live_app(tmp_path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    from matcher import create_app
    from matcher.extensions import db

    class Live(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'browser.db'}"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 15}}
        SERVER_NAME = None
        MAIL_BACKEND = "locmem"

    app = create_app(Live)
    with app.app_context():
        upgrade()  # the real migrations, as `make run` does
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _read_whole(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def _read_whole(app):
    """The app with each response read whole before it is sent. Werkzeug's server does not
    close a streamed file when the browser drops the request (a favicon cut short by the next
    navigation); the file left open is a ResourceWarning whenever it is collected, which
    fails whichever test is running then."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page_factory(browser):
    contexts = []

    def new_page(locale: str = "en-US", timezone: str = "Asia/Seoul"):
        context = browser.new_context(locale=locale, timezone_id=timezone)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
