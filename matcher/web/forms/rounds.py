from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from matcher import engine
from matcher.engine.vocab import CRITERIA
from matcher.models import TermStatus
from matcher.web import labels
from matcher.web.forms.base import Form
from matcher.web.forms.fields import FiniteDecimalField, IdField

_WEIGHT = {
    "validators": [
        InputRequired(_l("Give a weight from 0 to 100.")),
        NumberRange(0, 100, _l("Give a weight from 0 to 100.")),
    ]
}


class RoundSettingsForm(Form):
    weight_overlap = IntegerField(labels.CRITERION_NAMES["overlap"], default=30, **_WEIGHT)
    weight_interests = IntegerField(labels.CRITERION_NAMES["interests"], default=15, **_WEIGHT)
    weight_goals = IntegerField(labels.CRITERION_NAMES["goals"], default=20, **_WEIGHT)
    weight_level = IntegerField(labels.CRITERION_NAMES["level"], default=15, **_WEIGHT)
    weight_gender = IntegerField(labels.CRITERION_NAMES["gender"], default=10, **_WEIGHT)
    weight_continuity = IntegerField(labels.CRITERION_NAMES["continuity"], default=10, **_WEIGHT)
    min_overlap_hours = FiniteDecimalField(
        _l("Minimum common time (hours a week)"),
        default=2,
        places=1,
        validators=[
            InputRequired(_l("Give the minimum common time in hours, e.g. 2.")),
            NumberRange(0.5, 40, _l("Give between 0.5 and 40 hours.")),
        ],
    )
    objective = RadioField(
        _l("Objective"),
        choices=labels.choices(labels.OBJECTIVE_CHOICES),
        default="best",
    )
    lock_continue_partner = BooleanField(
        _l("Keep pairs from last term when both people asked to continue"), default=True
    )
    start_fresh = BooleanField(
        _l("Start fresh: drop the term's locks, forbids, swaps and pairs made by hand"),
        default=False,
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if sum(getattr(self, f"weight_{c}").data for c in CRITERIA) <= 0:
            self.weight_overlap.errors = [_l("At least one weight must be above 0.")]
            return False
        return True

    def settings(self) -> engine.Settings:
        return engine.Settings(
            weights=engine.Weights(
                **{c: float(getattr(self, f"weight_{c}").data) for c in CRITERIA}
            ),
            min_overlap_hours=float(self.min_overlap_hours.data),
            objective=self.objective.data,
            lock_continue_partner=bool(self.lock_continue_partner.data),
        )


class NextStepForm(Form):
    """The term page's button that moves the term to its next status."""

    status = HiddenField(
        validators=[
            DataRequired(_l("Choose a status from the list.")),
            AnyOf([s.value for s in TermStatus], _l("Choose a status from the list.")),
        ]
    )


class PersonForm(Form):
    student_id = IdField()
    volunteer_id = IdField()
    other_student_id = IdField()
    reason = TextAreaField(_l("Reason for the override"), validators=[Length(max=500)])


class EndPairForm(Form):
    reason = TextAreaField(
        _l("Why does the pair end?"),
        validators=[
            DataRequired(_l("Say why the pair ends; the reason is kept.")),
            Length(max=500),
        ],
    )


class RematchRequestForm(Form):
    reason = TextAreaField(
        _l("Anything the coordinators should know (optional, only they see it)"),
        validators=[Length(max=1000)],
    )
