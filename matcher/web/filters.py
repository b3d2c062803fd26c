"""Jinja filters: the one way each kind of time is written on a page, and `person_label`,
the one way a coordinator's page names a person ("Mirae · #41 · Seoul", services/naming.py)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from matcher.services.naming import label_of


def clock(minutes: int) -> str:
    """A time of day from minutes after midnight: ``clock(19 * 60 + 30)`` is ``"19:30"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def date(value: dt.date | None) -> str:
    """A day (of a date or a datetime) as YYYY-MM-DD; nothing for no date."""
    return "" if value is None else value.strftime("%Y-%m-%d")


def datetime(value: dt.datetime | None) -> str:
    """A moment as YYYY-MM-DD HH:MM, in the time zone it is stored in (UTC)."""
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(clock=clock, date=date, datetime=datetime, person_label=label_of)
