"""Small helpers the views share."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import abort, url_for

from matcher.extensions import db
from matcher.models import Term


def safe_next(target: str | None, fallback: str = "main.home") -> str:
    """`target` if it is a path on this site, else the fallback page: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith(("//", "/\\"))
            and "\\" not in target
            and target.isprintable()
        ):
            return target
    return url_for(fallback)


def term_or_404(term_id: int) -> Term:
    term = db.session.get(Term, term_id)
    if term is None:
        abort(404)
    return term


def today() -> dt.date:
    return dt.date.today()
