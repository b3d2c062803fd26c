from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from matcher.models import Role
from matcher.services.people import LONGEST_SEARCH, PeopleQuery
from matcher.services.terms import TermData
from matcher.web import labels
from matcher.web.converters import parse_id
from matcher.web.forms.base import Form
from matcher.web.forms.fields import MultiCheckboxField

_DATE = _l("Enter a date as YYYY-MM-DD.")
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_TERM = dt.timedelta(days=366)


def in_program_years(form: Any, field: Any) -> None:
    """A date from 2000 to 2100: a typo such as 9999 would make every week of it count."""
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l(
                "Give a date between %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def _date_field(label: Any) -> DateField:
    return DateField(label, validators=[DataRequired(_DATE), in_program_years])


class TermForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the term a name.")), Length(max=120)],
        description=_l("For example “Spring 2027”."),
    )
    starts_on = _date_field(_l("First day of the term"))
    ends_on = _date_field(_l("Last day of the term"))
    applications_open_on = _date_field(_l("Applications open"))
    applications_close_on = _date_field(_l("Applications close"))
    status = SelectField(
        _l("Status"),
        choices=labels.choices(labels.TERM_STATUSES),
        default="draft",
        description=_l("People can register only while the term is open for applications."),
    )

    def validate_ends_on(self, field: Any) -> None:
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError(_l("The term must end after it starts."))
        if self.starts_on.data and field.data and field.data - self.starts_on.data > LONGEST_TERM:
            raise ValidationError(_l("A term lasts a year at most: choose an earlier last day."))

    def validate_applications_close_on(self, field: Any) -> None:
        opened = self.applications_open_on.data
        if opened and field.data and field.data < opened:
            raise ValidationError(_l("Applications must close on or after the day they open."))

    def term_data(self) -> TermData:
        return TermData(
            name=self.name.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            applications_open_on=self.applications_open_on.data,
            applications_close_on=self.applications_close_on.data,
            status=self.status.data,
        )


def _anything(mapping: dict[Any, Any], anything: Any) -> list[SelectChoice]:
    return [SelectChoice("", anything), *labels.choices(mapping)]


class PeopleFilterFields:
    """The people table's search and filters: the page's query string, and the bulk form's
    hidden fields when it acts on everyone they match."""

    q = StringField(
        _l("Search"),
        validators=[Optional(), Length(max=LONGEST_SEARCH)],
        description=_l("A name, an email address, or a short id such as #41."),
    )
    role = SelectField(
        _l("Who"),
        choices=[
            SelectChoice("", _l("Everyone")),
            SelectChoice(Role.STUDENT.value, _l("Students")),
            SelectChoice(Role.VOLUNTEER.value, _l("Volunteers")),
        ],
        default="",
    )
    status = SelectField(
        _l("Application"), choices=_anything(labels.ENROLLMENT_STATUSES, _l("Any")), default=""
    )
    show = SelectField(
        _l("Only"), choices=_anything(labels.PEOPLE_FILTERS, _l("No other filter")), default=""
    )

    def people_query(self) -> PeopleQuery:
        fields: Any = self
        return PeopleQuery(
            search=(fields.q.data or "").strip(),
            role=fields.role.data or "",
            status=fields.status.data or "",
            show=fields.show.data or "",
        )


class PeopleFilterForm(PeopleFilterFields, Form):
    """Read from the query string: a GET form that only reads."""

    class Meta:
        csrf = False

    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10**9)])


class EnrollmentActionForm(PeopleFilterFields, Form):
    """Approve, withdraw, reset or remind the people ticked, or everyone the search and
    filters (sent again as hidden fields) match."""

    enrollment_ids = MultiCheckboxField(coerce=parse_id, choices=[])
    all_matching = BooleanField()
    action = SelectField(choices=labels.choices(labels.BULK_ACTIONS))

    def validate_enrollment_ids(self, field: Any) -> None:
        if not field.data and not self.all_matching.data:
            raise ValidationError(_l("Tick at least one person first."))

    def kept_filters(self) -> dict[str, str]:
        """The filters to go back to after the action."""
        query = self.people_query()
        kept = {"q": query.search, "role": query.role, "status": query.status, "show": query.show}
        return {key: value for key, value in kept.items() if value}
