"""The check-in's three questions, and the one-tap forms that go with pairs after publishing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from matcher.services.checkins import MAX_NOTE, Answers
from matcher.web import labels
from matcher.web.forms.base import Form


class CheckInForm(Form):
    met = RadioField(
        _l("Have you met yet?"),
        choices=labels.choices(labels.CHECK_IN_MET),
        validators=[InputRequired(_l("Say whether you have met yet."))],
    )
    rating = RadioField(
        _l("How is it going?"),
        choices=labels.choices(labels.CHECK_IN_RATINGS),
        coerce=int,
        validators=[InputRequired(_l("Choose how it is going, from 1 to 5."))],
    )
    note = TextAreaField(
        _l("A note for the coordinators (optional)"),
        description=_l("Only the coordinators read it. Your partner never sees your answers."),
        validators=[Length(max=MAX_NOTE)],
    )

    def answers(self) -> Answers:
        return Answers(met=self.met.data, rating=int(self.rating.data), note=self.note.data or "")


class OneTapForm(Form):
    """A button that changes one thing (we met this week, send a reminder): only its token."""
