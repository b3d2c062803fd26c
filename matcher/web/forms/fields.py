"""Custom fields: the weekly availability grid, checkbox lists, time zones, ids, numbers."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, Field, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from matcher.engine.vocab import SLOTS_PER_WEEK
from matcher.models.profile import EMPTY_WEEK
from matcher.services.timezones import timezone_names
from matcher.web.converters import parse_id


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


class TimezoneField(SelectField):
    """An IANA zone from the list; a name we do not know gets a clear message."""

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validate_choice=False, **kwargs)
        self.choices = [SelectChoice(name, name.replace("_", " ")) for name in timezone_names()]

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
