"""Small helpers the views share."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import url_for


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
        ):
            return target
    return url_for(fallback)


def today() -> dt.date:
    return dt.date.today()
