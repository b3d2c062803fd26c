"""The second factor's forms: a code from the app, or a recovery code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeField(StringField):
    """Text only: a number, a list or null sent as JSON reads as nothing typed."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""


class SetupCodeForm(FlaskForm):
    code = CodeField(
        _l("The 6-digit code your app shows"),
        validators=[
            DataRequired(_l("Enter the 6-digit code that your app shows.")),
            Length(max=20),
        ],
    )


class CodeForm(FlaskForm):
    code = CodeField(
        _l("Your code"),
        validators=[
            DataRequired(
                _l("Enter the 6-digit code from your app, or one of your recovery codes.")
            ),
            Length(max=40),
        ],
        description=_l("The 6-digit code from your app, or one of your recovery codes."),
    )
