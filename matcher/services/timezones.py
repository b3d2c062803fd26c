"""IANA time zones people may pick."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ClockChange:
    """A change of a zone's UTC offset: the moment (UTC), and the offsets before and after."""

    zone: str
    at: dt.datetime
    before: dt.timedelta
    after: dt.timedelta

    def day_in(self, zone: str) -> dt.date:
        """The date of the change as the clocks of `zone` show it."""
        return self.at.astimezone(zoneinfo.ZoneInfo(zone)).date()


def _offset(tz: zoneinfo.ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def clock_changes(zone: str, first: dt.date, last: dt.date) -> tuple[ClockChange, ...]:
    """The changes of `zone`'s offset from `first` (local midnight) to the end of `last`,
    each to the minute: London's spring change of 2027 is Sunday 28 March, 01:00 UTC."""
    tz = zoneinfo.ZoneInfo(zone)
    utc = dt.UTC
    found: list[ClockChange] = []
    start = dt.datetime.combine(first, dt.time(), tz).astimezone(utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz).astimezone(utc)
    day = dt.timedelta(days=1)
    moment, offset = start, _offset(tz, start)
    while moment < end:
        following = min(moment + day, end)
        after = _offset(tz, following)
        if after != offset:
            low, high = moment, following  # offset at low is the old one, at high the new
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    break
                if _offset(tz, middle) == offset:
                    low = middle
                else:
                    high = middle
            found.append(ClockChange(zone, high, offset, after))
        moment, offset = following, after
    return tuple(found)
