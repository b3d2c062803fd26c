"""Fixtures for the web tests: the seeded world, and apps built with other settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from matcher import create_app
from matcher.extensions import db, limiter
from tests.helpers import IsolatedClient, TestConfig
from tests.web.world import World, seed_world


@pytest.fixture
def build_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build another app from the test settings with some changed: `build_app(HTTPS_ONLY=True)`.

    Its tables are created unless `tables=False` (SQLite in memory is a new database per
    app; PostgreSQL is the one test database, where they exist already). The rate limiter is
    one object for every app in the process, and building an app points it at that app's
    storage: afterwards it is put back exactly as it was, so other tests keep theirs.
    """
    saved = dict(vars(limiter))
    built: list[Flask] = []

    def build(base: type = TestConfig, *, tables: bool = True, **settings: Any) -> Flask:
        other = create_app(type("Changed", (base,), settings))
        other.test_client_class = IsolatedClient
        built.append(other)
        if tables:
            with other.app_context():
                db.create_all()
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def reset_limits(app: Flask) -> Iterator[Callable[..., None]]:
    """Lower the limits for one test: `reset_limits(LOGIN_RATE_LIMIT="3 per minute")`."""
    saved = {key: app.config[key] for key in ("LOGIN_RATE_LIMIT", "ACCOUNT_RATE_LIMIT")}
    limiter.reset()

    def lower(**limits: str) -> None:
        app.config.update(limits)

    yield lower
    app.config.update(saved)
    limiter.reset()


@pytest.fixture
def world(app: Flask) -> World:
    """A published term and an open one with a draft round: every kind of row exists."""
    return seed_world()
