"""IANA time zones people may pick."""

from __future__ import annotations

import functools
import zoneinfo

from flask_babel import gettext as _

from matcher.services.errors import ServiceError


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """Zones a person would recognise: Area/City names, plus UTC; sorted."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    }
    return ("UTC", *sorted(names))


def check_timezone(name: str) -> None:
    if name not in timezone_names():
        raise ServiceError(
            _("“%(zone)s” is not a time zone we know. Pick one from the list.", zone=name),
            "timezone",
        )
