"""A live server on a real port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

import config
from matcher import create_app
from matcher.extensions import db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def live_app(tmp_path) -> Iterator[Flask]:
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
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        yield chromium
        chromium.close()


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
