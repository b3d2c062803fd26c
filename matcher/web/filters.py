"""Jinja filters: the one way each kind of time is written on a page, and `person_label`,
the one way a coordinator's page names a person ("Mirae · #41 · Seoul", services/naming.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location
from flask import Flask
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from matcher.models import User
from matcher.models.base import as_utc
from matcher.services.naming import label_of


def clock(minutes: int) -> str:
    """A time of day from minutes after midnight: ``clock(19 * 60 + 30)`` is ``"19:30"``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def date(value: dt.date | None) -> str:
    """A day (of a date or a datetime) as YYYY-MM-DD; nothing for no date."""
    return "" if value is None else value.strftime("%Y-%m-%d")


def day(value: dt.date | None) -> str:
    """A day with its weekday: "Sunday 2027-03-28" ("2027-03-28 (일요일)"); nothing for none."""
    if value is None:
        return ""
    return _("%(weekday)s %(date)s", weekday=format_date(value, "EEEE"), date=date(value))


def city(zone: str, locale: str | None = None) -> str:
    """A time zone by its city in the reader's language: Asia/Seoul is "Seoul" ("서울")."""
    try:
        found = str(
            get_timezone_location(
                zone, locale=locale or str(get_locale() or "en"), return_city=True
            )
        )
    except (LookupError, ValueError):
        found = zone
    return found.rsplit("/", 1)[-1].replace("_", " ")  # "Argentina/Buenos Aires": the city


def datetime(value: dt.datetime | None, zone: str | None = None) -> str:
    """A moment as YYYY-MM-DD HH:MM: in `zone` (an IANA name, the reader's) when given, else
    in the time zone it is stored in (UTC). A page that shows a moment says which zone."""
    if value is None:
        return ""
    if zone is not None:
        value = as_utc(value).astimezone(ZoneInfo(zone))
    return value.strftime("%Y-%m-%d %H:%M")


def person_label(user: User | None) -> str:
    """ "Mirae · #41 · Seoul" (services.naming), or "a person who left" for a deleted account."""
    return label_of(user) if user is not None else _("a person who left")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        clock=clock, date=date, day=day, city=city, datetime=datetime, person_label=person_label
    )
