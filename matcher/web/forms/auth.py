from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from matcher.services.accounts import MIN_PASSWORD_LENGTH
from matcher.web.forms.base import Form
from matcher.web.forms.fields import IdField, TimezoneField
from matcher.web.labels import choices


def _new_password(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l(
                    "Choose a password of at least %(n)d characters.", n=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
        description=_l(
            "At least %(n)d characters. A few words in a row are easy to remember.",
            n=MIN_PASSWORD_LENGTH,
        ),
    )


def _confirm() -> PasswordField:
    return PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Type the password a second time.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


def _email() -> EmailField:
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address, like name@example.org.")),
            Length(max=254),
        ],
    )


def _display_name() -> StringField:
    return StringField(
        _l("Name to show"),
        validators=[DataRequired(_l("Enter the name you want to be called.")), Length(max=80)],
        description=_l(
            "A first name or a nickname is fine; it does not have to be your real name."
        ),
    )


class LoginForm(Form):
    email = _email()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class SetupForm(Form):
    display_name = _display_name()
    email = _email()
    password = _new_password(_l("Password"))
    confirm = _confirm()
    timezone = TimezoneField(_l("Time zone"))


class RegisterForm(Form):
    term_id = IdField()  # the term the form was shown for; None if it names none
    role = RadioField(
        _l("I join as"),
        choices=choices({"student": _l("A student"), "volunteer": _l("A volunteer tutor")}),
        validators=[InputRequired(_l("Choose whether you join as a student or as a volunteer."))],
    )
    display_name = _display_name()
    email = _email()
    password = _new_password(_l("Password"))
    confirm = _confirm()
    timezone = TimezoneField(
        _l("Time zone"),
        default="Asia/Seoul",
        description=_l("Where you are, so that times are shown in your own hours."),
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = _new_password(_l("New password"))
    confirm = _confirm()


class EmailForm(Form):
    """Forgotten password, the sign-up link again: an address, the same answer for any."""

    email = _email()


class FinishSignUpForm(Form):
    password = PasswordField(
        _l("The password you chose"), validators=[DataRequired(_l("Enter your password."))]
    )


class NewPasswordForm(Form):
    """Choosing a password from an emailed link (a reset, or a coordinator's invitation)."""

    password = _new_password(_l("New password"))
    confirm = _confirm()


class ChangeEmailForm(Form):
    email = EmailField(
        _l("New email address"),
        validators=[
            DataRequired(_l("Enter your new email address.")),
            Email(_l("Enter a valid email address, like name@example.org.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(_l("Enter your password."))]
    )


class InviteCoordinatorForm(Form):
    display_name = StringField(
        _l("Their name"),
        validators=[
            DataRequired(_l("Enter the name the new coordinator is called by.")),
            Length(max=80),
        ],
    )
    email = EmailField(
        _l("Their email"),
        validators=[
            DataRequired(_l("Enter their email address.")),
            Email(_l("Enter a valid email address, like name@example.org.")),
            Length(max=254),
        ],
    )
    locale = RadioField(
        _l("Language of the invitation"),
        choices=choices({"en": "English", "ko": "한국어"}),
        default="en",
        validators=[InputRequired(_l("Choose the language of the invitation."))],
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password, to confirm"), validators=[DataRequired(_l("Enter your password."))]
    )


class LanguageForm(Form):
    locale = RadioField(choices=choices({"en": "English", "ko": "한국어"}))
    next = HiddenField()
