"""The student's and the volunteer's profile forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from matcher.services.profiles import MIN_SLOTS
from matcher.web import labels
from matcher.web.forms.base import Form
from matcher.web.forms.fields import AvailabilityField, MultiCheckboxField, TimezoneField

NO_PREFERENCE = ""


class ProfileForm(Form):
    """Fields both roles fill in."""

    display_name = StringField(
        _l("Name to show"),
        validators=[DataRequired(_l("Enter the name you want to be called.")), Length(max=80)],
    )
    goals = MultiCheckboxField(_l("Goals"), choices=labels.choices(labels.GOALS))
    interests = MultiCheckboxField(_l("Interests"), choices=labels.choices(labels.INTERESTS))
    interests_other = StringField(
        _l("Other interests"),
        validators=[Length(max=200)],
        description=_l("Optional, a few words."),
    )
    gender = RadioField(
        _l("Gender"),
        choices=labels.choices({NO_PREFERENCE: _l("Prefer not to say"), **labels.GENDERS}),
        default=NO_PREFERENCE,
        validators=[Optional()],
    )
    format = RadioField(
        _l("How can you meet?"),
        choices=labels.choices(labels.FORMATS),
        validators=[InputRequired(_l("Choose how you can meet."))],
    )
    city = StringField(
        _l("City for meeting in person"),
        validators=[Length(max=80)],
        description=_l("Needed only if you can meet in person, e.g. Seoul."),
    )
    contact = StringField(
        _l("Contact to share with your partner"),
        validators=[DataRequired(_l("Tell us how your partner can contact you.")), Length(max=200)],
    )
    continue_partner = BooleanField(
        _l("If I had a partner last term, I would like to continue with them.")
    )
    timezone = TimezoneField(_l("Time zone"))
    availability = AvailabilityField(_l("When can you meet each week?"))

    def validate_goals(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one goal."))

    def validate_city(self, field: Any) -> None:
        if self.format.data == "in_person" and not (field.data or "").strip():
            raise ValidationError(_l("Tell us the city where you can meet in person."))

    def validate_availability(self, field: Any) -> None:
        if field.data.count("1") < MIN_SLOTS:
            raise ValidationError(_l("Tick at least 2 hours a week when you could meet."))

    def profile_data(self) -> dict[str, Any]:
        """The submitted values as the profile stores them."""
        skip = {"display_name", "timezone", "continue_partner", "csrf_token"}
        data = {name: field.data for name, field in self._fields.items() if name not in skip}
        for name in ("gender", "volunteer_gender"):
            if name in data:
                data[name] = data[name] or None
        return data


class StudentProfileForm(ProfileForm):
    legal_name = StringField(
        _l("Legal name (optional)"),
        validators=[Length(max=120)],
        description=_l(
            "Only the coordinators can see it. It is never shown to your tutor. "
            "Leave it empty if you prefer."
        ),
    )
    english_level = RadioField(
        _l("Your English level"),
        choices=labels.choices(labels.ENGLISH_LEVELS),
        validators=[InputRequired(_l("Choose the level that sounds most like you."))],
    )
    volunteer_gender = RadioField(
        _l("Would you prefer a tutor who is"),
        choices=labels.choices({NO_PREFERENCE: _l("No preference"), **labels.TUTOR_GENDERS}),
        default=NO_PREFERENCE,
        validators=[Optional()],
    )
    volunteer_gender_required = BooleanField(
        _l("This is required for me (we will only pair you with such a tutor)")
    )

    def validate_volunteer_gender_required(self, field: Any) -> None:
        if field.data and not self.volunteer_gender.data:
            raise ValidationError(
                _l("Choose the tutor gender you need, or untick “this is required”.")
            )


class VolunteerProfileForm(ProfileForm):
    experience = RadioField(
        _l("Teaching experience"),
        choices=labels.choices(labels.EXPERIENCE),
        validators=[InputRequired(_l("Choose your teaching experience."))],
    )
    korean_level = RadioField(
        _l("Your Korean"),
        choices=labels.choices(labels.KOREAN_LEVELS),
        validators=[InputRequired(_l("Choose your Korean level."))],
    )
    capacity = SelectField(
        _l("How many students can you tutor this term?"),
        choices=labels.choices({1: "1", 2: "2", 3: "3"}),
        coerce=int,
        default=1,
        validate_choice=False,
    )

    def validate_capacity(self, field: Any) -> None:
        if field.data not in (1, 2, 3):
            raise ValidationError(_l("Choose 1, 2 or 3 students."))
