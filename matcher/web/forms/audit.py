"""The audit page's filters, read from the query string."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from matcher.services.audit import AuditFilters, Person
from matcher.web import labels

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
_DATE = _l("Enter a date as YYYY-MM-DD.")


def _in_range(form: Any, field: Any) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Choose a day between 2000 and 2100."))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only reads

    action = SelectField(_l("What was done"), default="")
    actor = SelectField(_l("Done by"), default="")
    term = SelectField(_l("Term"), default="")
    since = DateField(_l("From day"), validators=[Optional(), _in_range], format="%Y-%m-%d")
    until = DateField(_l("To day"), validators=[Optional(), _in_range], format="%Y-%m-%d")
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10**9)])

    def set_choices(
        self, actions: list[str], actors: list[Person], terms: list[tuple[int, str]]
    ) -> None:
        anything = SelectChoice("", _l("— any —"))
        self.action.choices = [anything] + [
            SelectChoice(action, labels.AUDIT_ACTIONS.get(action, action)) for action in actions
        ]
        self.actor.choices = [anything] + [
            SelectChoice(str(person.id), f"{person.name} · #{person.id}") for person in actors
        ]
        self.term.choices = [anything] + [SelectChoice(str(i), name) for i, name in terms]

    def validate_until(self, field: Any) -> None:
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_l("The last day must not be before the first."))

    def filters(self, timezone: str) -> AuditFilters:
        return AuditFilters(
            action=self.action.data or None,
            actor_id=int(self.actor.data) if self.actor.data else None,
            term_id=int(self.term.data) if self.term.data else None,
            since=self.since.data,
            until=self.until.data,
            timezone=timezone,
        )
