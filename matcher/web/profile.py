"""A student's or volunteer's own profile, and their enrollment in a new term."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from matcher.models import Role
from matcher.services import ServiceError, leaving, pairs, profiles, terms
from matcher.web.access import guard_blueprint
from matcher.web.forms import attach_error
from matcher.web.forms.profile import StudentProfileForm, VolunteerProfileForm
from matcher.web.util import attempt, term_or_404, today, use_case

bp = Blueprint("profile", __name__)
guard_blueprint(bp, Role.STUDENT, Role.VOLUNTEER)


@bp.route("/profile", methods=["GET", "POST"])
def edit() -> str | Response:
    form_class = StudentProfileForm if current_user.role == Role.STUDENT else VolunteerProfileForm
    enrollment = profiles.current_enrollment(current_user)
    form = form_class(
        obj=current_user.profile,
        display_name=current_user.display_name,
        timezone=current_user.timezone,
        continue_partner=enrollment.continue_partner if enrollment else False,
    )
    if current_user.role == Role.VOLUNTEER and not profiles.asks_capacity(current_user):
        del form.capacity  # one student each: the question is not asked, the answer kept
    if form.validate_on_submit():
        try:
            with use_case():
                profiles.update_profile(
                    current_user,
                    form.profile_data(),
                    timezone=form.timezone.data,
                    display_name=form.display_name.data,
                    continue_partner=bool(form.continue_partner.data),
                )
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("profile.edit"))
    elif form.is_submitted():
        flash(_("Some answers need fixing: see the messages in red below."), "error")
    open_term = terms.term_open_for_enrollment(today())
    return render_template(
        "profile/edit.html",
        form=form,
        enrollment=enrollment,
        completeness=profiles.completeness(current_user),
        paired=bool(pairs.partner_cards(current_user, today())),
        carried_over=profiles.carried_over(current_user),
        open_term=open_term,
        applied_to_open=open_term is not None
        and terms.enrollment_of(current_user, open_term) is not None,
        apply_form=FlaskForm(),
        can_withdraw=leaving.can_withdraw(enrollment),
    )


@bp.post("/terms/<int:term_id>/apply")
def apply(term_id: int) -> Response:
    term = term_or_404(term_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            with use_case():
                terms.enroll(current_user, term, today=today())
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                _(
                    "You applied to %(term)s. Check that your profile is up to date.",
                    term=term.name,
                ),
                "success",
            )
    return redirect(url_for("profile.edit"))


@bp.post("/terms/<int:term_id>/withdraw")
def withdraw(term_id: int) -> Response:
    """The person withdraws from the term: their pair ends and the partner is told."""
    term = term_or_404(term_id)
    if FlaskForm().validate_on_submit():
        attempt(
            lambda: leaving.withdraw_self(current_user, term, today=today()),
            _("You have withdrawn from %(term)s. Thank you for your time with us.", term=term.name),
        )
    return redirect(url_for("profile.edit"))
