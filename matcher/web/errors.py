"""Error pages in the user's language; never a bare 500 for bad input or a lost database."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Flask, current_app, g, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from matcher.extensions import db, login_manager

CSRF_MESSAGE = _l(
    "This form has expired or did not come from this site. "
    "Go back, reload the page and send it again."
)
MESSAGES = {
    400: (
        _l("Something in the request was not right"),
        _l("Go back, reload the page and try again."),
    ),
    403: (_l("Not for you"), _l("Your account cannot open this page.")),
    404: (_l("Page not found"), _l("Check the address, or start again from the home page.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (
        _l("Too much data"),
        _l("What you sent is too large. Send less at once and try again."),
    ),
    429: (_l("Too many tries"), _l("Wait a minute, then try again.")),
    500: (_l("Something went wrong on our side"), _l("Please try again in a moment.")),
    503: (_l("We will be back in a moment"), _l("Please try again in a moment.")),
}
# The database restarting, unreachable, or out of connections: worth trying again soon.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 10


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, MESSAGES[400])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _rollback() -> None:
    with suppress(SQLAlchemyError):  # the connection is gone: nothing to undo there
        db.session.rollback()


def _locale_in_memory() -> str | None:
    """The signed-in person's language if already loaded, read without asking the database."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    locale = inspect(user).dict.get("locale")
    return str(locale) if locale else None


def database_unavailable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """503 with Retry-After, rendered without touching the database again.

    The page is drawn as for a visitor who is not signed in (the person cannot be loaded),
    in their language: the one already loaded, else the session's, else the browser's.
    """
    cause = getattr(error, "orig", None) or error
    # The driver's own first line only: SQLAlchemy's message adds the statement's parameters.
    current_app.logger.warning(
        "Database unavailable, answered 503: %s: %s",
        type(cause).__name__,
        str(cause).strip().partition("\n")[0],
    )
    locale = _locale_in_memory()
    g._login_user = login_manager.anonymous_user()
    _rollback()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if locale is None:
        return (*_render(503), headers)
    with force_locale(locale):
        return (*_render(503), headers)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return _render(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return _render(error.code or 500)

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(500)
    def server_error(error: InternalServerError) -> Any:
        # The database can also fail while another error page is drawn (loading the user).
        if isinstance(error.original_exception, DATABASE_UNAVAILABLE):
            return database_unavailable(error.original_exception)
        _rollback()
        return _render(500)
