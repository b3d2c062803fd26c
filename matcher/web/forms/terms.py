from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from matcher.services.terms import TermData
from matcher.web import labels
from matcher.web.converters import parse_id
from matcher.web.forms.base import Form
from matcher.web.forms.fields import MultiCheckboxField

_DATE = _l("Enter a date as YYYY-MM-DD.")


class TermForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the term a name.")), Length(max=120)],
        description=_l("For example “Spring 2027”."),
    )
    starts_on = DateField(_l("First day of the term"), validators=[DataRequired(_DATE)])
    ends_on = DateField(_l("Last day of the term"), validators=[DataRequired(_DATE)])
    applications_open_on = DateField(_l("Applications open"), validators=[DataRequired(_DATE)])
    applications_close_on = DateField(_l("Applications close"), validators=[DataRequired(_DATE)])
    status = SelectField(
        _l("Status"),
        choices=labels.choices(labels.TERM_STATUSES),
        default="draft",
        description=_l("People can register only while the term is open for applications."),
    )

    def validate_ends_on(self, field: Any) -> None:
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError(_l("The term must end after it starts."))

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


class EnrollmentActionForm(Form):
    """Approve, withdraw or reset one or several applications."""

    enrollment_ids = MultiCheckboxField(coerce=parse_id, choices=[])
    action = SelectField(
        choices=labels.choices(
            {
                "approved": _l("Approve"),
                "withdrawn": _l("Withdraw"),
                "applied": _l("Back to applied"),
            }
        ),
    )

    def validate_enrollment_ids(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one person first."))
