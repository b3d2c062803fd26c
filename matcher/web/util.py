"""Small helpers the views share, and the one transaction rule of the edge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, flash, url_for
from flask_login import current_user

from matcher.extensions import db
from matcher.models import Term, User
from matcher.services import ServiceError, audit, terms

T = TypeVar("T")


@contextmanager
def use_case() -> Iterator[None]:
    """One use case, one transaction: commit when the block ends, roll back if it raises.

    Services change and flush, never commit; every edge (a view, a command, a worker)
    runs each use case inside this block, so a refusal (`ServiceError`) or a crash half-way
    leaves nothing of it behind.
    """
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


READ_PREFIX = "read."  # the audit actions of coordinators' reads: "read.round", ...


def record_read(action: str, term: Term, *, subject: User | None = None, **detail: Any) -> None:
    """Record that the signed-in coordinator reads a page of personal data: one audit event
    per page (who, which page, which term or person, when; never the data it shows).

    Every coordinator page or file with people's data calls this once, when it is sure to
    show it (after its 404s); the student's and volunteer's own pages never do. `action`
    names the page, as "read.<page>".
    """
    assert action.startswith(READ_PREFIX), action
    with use_case():
        audit.record(current_user, action, subject=subject, term_id=term.id, **detail)


def attempt(action: Callable[[], object], success: str | None = None) -> bool:
    """Run one use case; flash its refusal (all of it rolled back) or the success message."""
    try:
        with use_case():
            action()
    except ServiceError as error:
        flash(error.message, "error")
        return False
    if success:
        flash(success, "success")
    return True


def flash_form_errors(form: Any) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


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
    term = terms.get_term(term_id)
    if term is None:
        abort(404)
    return term


def found_or_404(thing: T | None) -> T:
    """`thing`, or a 404 page when a lookup found nothing (or nothing of this term)."""
    if thing is None:
        abort(404)
    return thing


def today() -> dt.date:
    return dt.date.today()
