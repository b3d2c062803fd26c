"""Production refuses a weak secret key; development says it is development."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

import config
from matcher import create_app

STRONG = "k" * config.MIN_SECRET_KEY_LENGTH


class Production(config.ProductionConfig):
    SQLALCHEMY_DATABASE_URI = config.TestConfig.SQLALCHEMY_DATABASE_URI
    RATELIMIT_STORAGE_URI = "memory://"


@pytest.mark.parametrize(
    "key,problem",
    [
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
        (config.DEVELOPMENT_SECRET_KEY, "SECRET_KEY is the development default"),
        ("short-but-random-31-characters!", "shorter than 32 characters"),
    ],
)
def test_production_refuses_a_weak_secret_key(key, problem):
    settings = type("Weak", (Production,), {"SECRET_KEY": key})
    with pytest.raises(RuntimeError, match=problem) as refused:
        create_app(settings)
    assert "secrets.token_hex(32)" in str(refused.value)


def test_production_starts_with_a_strong_secret_key(build_app):
    app = build_app(Production, tables=False, SECRET_KEY=STRONG)
    assert app.config["ENV_NAME"] == "production"


def _start(env: dict[str, str]) -> str:
    """What a fresh process prints while building the app from the environment."""
    script = "from matcher import create_app; create_app()"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=config.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHER_", "SECRET_KEY"))}
    env["MATCHER_INSTANCE_DIR"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'matcher.db'}"
    return env


def test_development_mode_is_announced_on_start(environment):
    output = _start(environment)
    assert "development mode" in output and "MATCHER_ENV=production" in output


def test_production_mode_is_not_announced_as_development(environment):
    environment |= {"MATCHER_ENV": "production", "SECRET_KEY": STRONG}
    environment["RATELIMIT_STORAGE_URI"] = "memory://"
    assert "development mode" not in _start(environment)


def test_tests_are_not_announced_as_development(build_app, caplog):
    with caplog.at_level(logging.WARNING):
        build_app(tables=False)
    assert "development mode" not in caplog.text
