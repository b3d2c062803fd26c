"""Error pages in the user's language; never a bare 500 for bad input."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
}


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, MESSAGES[400])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return _render(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return _render(error.code or 500)

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        from matcher.extensions import db

        db.session.rollback()
        return _render(500)
