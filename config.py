"""Configuration from environment variables, with an embedded default (SQLite in instance/)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("MATCHER_INSTANCE_DIR", BASE_DIR / "instance"))


def _sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


def _normalise(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(default: str) -> str:
    return _normalise(os.environ.get("DATABASE_URL", default))


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_KEY_LENGTH = 32


def _trusted_proxies() -> int:
    value = os.environ.get("TRUSTED_PROXIES", "0")
    if not value.isascii() or not value.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES={value!r} is not a number of proxies (0, 1, 2...)")
    return int(value)


class Config:
    """Development defaults: everything embedded, nothing to set up."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(_sqlite_url("matcher.db"))
    # hide_parameters: a statement logged (or in an error) never shows the values it carries,
    # such as an email address or a name.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 1024 * 1024  # a profile form is a few KB; 1 MB is generous
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "ko")
    # Development: each email is written to a file under instance/mail/ (one .eml each,
    # flask-mailman's file backend); production sends by SMTP, tests keep them in memory.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "matcher.mail.FileEmailBackend")
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH", str(INSTANCE_DIR / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "matcher <no-reply@localhost>")
    # The program's name in emails: neutral, it says nothing about who takes part.
    PROGRAM_NAME = os.environ.get("PROGRAM_NAME", "Language partners")
    # The outbox worker (`flask send-mail`): tries per email, the first wait before a retry
    # (doubled after each failure), how long a claimed email is reserved for one worker,
    # how many it claims at a time, and how often the loop looks for new ones.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_CLAIM_SECONDS = int(os.environ.get("MAIL_CLAIM_SECONDS", "600"))
    MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "50"))
    MAIL_POLL_SECONDS = float(os.environ.get("MAIL_POLL_SECONDS", "5"))
    # How long each emailed single-use link works (matcher.mail.TOKEN_KINDS).
    INVITATION_DAYS = float(os.environ.get("INVITATION_DAYS", "7"))
    COORDINATOR_INVITE_DAYS = float(os.environ.get("COORDINATOR_INVITE_DAYS", "7"))
    SIGN_UP_HOURS = float(os.environ.get("SIGN_UP_HOURS", "48"))
    EMAIL_CHANGE_HOURS = float(os.environ.get("EMAIL_CHANGE_HOURS", "48"))
    PASSWORD_RESET_MINUTES = float(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    # Where people reach the site: links in emails are built from it, never from a request.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Rate limits are shared across workers through Redis in production.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: keep limiting in this process's memory (a warning is logged), never fail.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS: dict[str, int] = {"socket_connect_timeout": 2, "socket_timeout": 2}
    # Sign-in, registration, password change, deletion: per client address, all attempts...
    LOGIN_RATE_LIMIT = "10 per minute"
    # ...and per account (the email typed, or the signed-in person), refused attempts only.
    ACCOUNT_RATE_LIMIT = "5 per minute; 20 per hour"
    # How many proxies in front of the app set X-Forwarded-For/-Proto (0: trust no header).
    TRUSTED_PROXIES = _trusted_proxies()
    # Production: redirect http to https and send HSTS (behind a TLS proxy).
    HTTPS_ONLY = False


class DemoConfig(Config):
    """`make demo`: the same server on its own database, so real data is never mixed in."""

    ENV_NAME = "demo"
    SQLALCHEMY_DATABASE_URI = _normalise(
        os.environ.get("DEMO_DATABASE_URL", _sqlite_url("demo.db"))
    )


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")  # required: create_app refuses a missing or weak one
    SESSION_COOKIE_SECURE = True
    HTTPS_ONLY = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = _normalise(os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:"))
    MAIL_BACKEND = "locmem"
    LOGIN_RATE_LIMIT = "1000 per minute"  # a test of the limit lowers it
    ACCOUNT_RATE_LIMIT = "1000 per minute"
    TRUSTED_PROXIES = 0
    SERVER_NAME = "matcher.test"


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "demo": DemoConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    """The configuration named by MATCHER_ENV (development by default)."""
    name = os.environ.get("MATCHER_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"MATCHER_ENV={name!r} is not one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
