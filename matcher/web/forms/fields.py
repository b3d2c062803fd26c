"""Custom fields: the weekly availability grid, checkbox lists, time zones, ids, numbers."""

from __future__ import annotations

import functools
from collections import Counter
from contextlib import suppress
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, Field, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.models.profile import EMPTY_WEEK
from matcher.services.timezones import timezone_names
from matcher.web import labels
from matcher.web.converters import parse_id
from matcher.web.filters import city


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("Choose only from the boxes shown."))


class AvailabilityField(Field):
    """336 checkboxes named after the field, each valued with its slot number (0 = Mon 00:00).

    Works without JavaScript; the page's script only adds click-and-drag.
    """

    def process_data(self, value: Any) -> None:
        self.data = value or EMPTY_WEEK

    def process_formdata(self, valuelist: list[Any]) -> None:
        slots: set[int] = set()
        for raw in valuelist:
            try:
                slot = int(raw)
            except (TypeError, ValueError):
                slot = -1
            if not 0 <= slot < SLOTS_PER_WEEK:
                self.data = EMPTY_WEEK
                raise ValueError(_l("The availability grid was not sent whole. Try again."))
            slots.add(slot)
        self.data = "".join("1" if i in slots else "0" for i in range(SLOTS_PER_WEEK))

    def is_on(self, slot: int) -> bool:
        return bool(self.data) and self.data[slot] == "1"


def _region(name: str) -> str:
    area = name.split("/", 1)[0]
    return labels.TIMEZONE_REGION_OF.get(area, area)


@functools.cache
def _chooser_zones() -> frozenset[str]:
    """The zones the chooser lists: of older names for the same city (Asia/Calcutta and
    Asia/Kolkata), only the one named after the city."""
    by_city: dict[tuple[str, str], list[str]] = {}
    for name in timezone_names():
        by_city.setdefault((_region(name), city(name, "en")), []).append(name)
    keep: set[str] = set()
    for (_region_name, label), names in by_city.items():
        named = [n for n in names if n.rsplit("/", 1)[-1].replace("_", " ") == label]
        keep.update(named if len(names) > 1 and named else names)
    return frozenset(keep)


def _choice(name: str, label: str) -> SelectChoice:
    group = labels.TIMEZONE_REGIONS.get(_region(name))
    return SelectChoice(name, label, optgroup=None if group is None else str(group))


@functools.lru_cache(maxsize=8)
def timezone_choices(locale: str) -> tuple[SelectChoice, ...]:
    """Every zone by its city in `locale`, grouped by region (UTC first, on its own).

    Two zones of a region with one city name show their IANA names too.
    """
    found: dict[str, list[tuple[str, str]]] = {region: [] for region in labels.TIMEZONE_REGIONS}
    for name in sorted(_chooser_zones()):
        if _region(name) in found:
            found[_region(name)].append((city(name, locale), name))
    out = [SelectChoice("UTC", "UTC")]
    for zones in found.values():
        seen = Counter(label for label, _name in zones)
        for label, name in sorted(zones, key=lambda z: (z[0].casefold(), z[1])):
            shown = f"{label} ({name.replace('_', ' ')})" if seen[label] > 1 else label
            out.append(_choice(name, shown))
    return tuple(out)


class TimezoneField(SelectField):
    """An IANA zone from the list, shown by its city in the reader's language and grouped
    by region; the value stays the IANA name. A name we do not know gets a clear message."""

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        # static/js/timezone.js puts the device's zone first, under this label
        guess = {"data-timezone": "", "data-guess-label": _l("Where your device is")}
        kwargs["render_kw"] = {**guess, **kwargs.get("render_kw", {})}
        super().__init__(label, validate_choice=False, **kwargs)
        self.locale = str(get_locale() or "en")
        self.choices = list(timezone_choices(self.locale))

    def process(self, *args: Any, **kwargs: Any) -> None:
        """A person whose zone the list does not show (an older name) still finds it."""
        super().process(*args, **kwargs)
        if self.data in timezone_names() and self.data not in _chooser_zones():
            self.choices = [
                _choice(self.data, f"{city(self.data, self.locale)} ({self.data})"),
                *self.choices,
            ]

    def pre_validate(self, form: Any) -> None:
        if self.data not in timezone_names():
            raise ValidationError(
                _l("“%(zone)s” is not a time zone we know. Pick one from the list.", zone=self.data)
            )


class IdField(IntegerField):
    """The id of a row, sent back by the page: None when absent or not an id the database
    could hold (then it names nothing, and the view says what is missing)."""

    widget = HiddenInput()
    data: Any  # int | None, but typed like every other (untyped) WTForms field

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist:
            with suppress(ValueError):
                self.data = parse_id(valuelist[0])


class FiniteDecimalField(DecimalField):
    """A decimal number, refusing the NaN and infinities that `Decimal` would accept."""

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if valuelist and self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Give an ordinary number, such as 2 or 1.5."))
