"""Coordinators: terms and their applicants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from matcher.extensions import db
from matcher.models import Enrollment, Role
from matcher.services import ServiceError, dashboard, pairs, profiles, rounds, terms
from matcher.web.access import guard_blueprint
from matcher.web.forms import attach_error
from matcher.web.forms.rounds import RoundSettingsForm
from matcher.web.forms.terms import EnrollmentActionForm, TermForm
from matcher.web.util import term_or_404

bp = Blueprint("terms", __name__, url_prefix="/terms")
guard_blueprint(bp, Role.COORDINATOR)


@bp.get("")
def index() -> str:
    return render_template("terms/index.html", terms=terms.list_terms())


@bp.route("/new", methods=["GET", "POST"])
def new_term() -> str | Response:
    form = TermForm()
    if form.validate_on_submit():
        try:
            term = terms.create_term(form.term_data(), by=current_user)
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Term “%(name)s” created.", name=term.name), "success")
            return redirect(url_for("terms.show", term_id=term.id))
    return render_template("terms/form.html", form=form, term=None)


@bp.route("/<int:term_id>/edit", methods=["GET", "POST"])
def edit(term_id: int) -> str | Response:
    term = term_or_404(term_id)
    form = TermForm(obj=term)
    if form.validate_on_submit():
        try:
            terms.update_term(term, form.term_data(), by=current_user)
        except ServiceError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Term saved."), "success")
            return redirect(url_for("terms.show", term_id=term.id))
    return render_template("terms/form.html", form=form, term=term)


@bp.get("/<int:term_id>")
def show(term_id: int) -> str:
    term = term_or_404(term_id)
    status = request.args.get("status") or None
    return render_template(
        "terms/show.html",
        term=term,
        status=status,
        rounds=rounds.rounds_of(term),
        heatmap=dashboard.week_heatmap(term, current_user.timezone),
        requests=pairs.open_requests(term),
        settings_form=RoundSettingsForm(),
        students=terms.applicants(term, Role.STUDENT, status),
        volunteers=terms.applicants(term, Role.VOLUNTEER, status),
        counts=terms.status_counts(term),
        action_form=EnrollmentActionForm(),
    )


@bp.post("/<int:term_id>/enrollments")
def set_status(term_id: int) -> Response:
    term = term_or_404(term_id)
    form = EnrollmentActionForm()
    form.enrollment_ids.choices = [SelectChoice(e.id) for e in term.enrollments]
    if form.validate_on_submit():
        try:
            changed = terms.set_enrollment_status(
                term, form.enrollment_ids.data, form.action.data, by=current_user
            )
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                ngettext("%(num)d person updated.", "%(num)d people updated.", changed), "success"
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("terms.show", term_id=term.id, status=request.args.get("status")))


@bp.get("/<int:term_id>/people/<int:enrollment_id>")
def person(term_id: int, enrollment_id: int) -> str:
    term = term_or_404(term_id)
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.term_id != term.id:
        abort(404)
    profiles.view_profile_as_coordinator(current_user, enrollment.user, term.id)
    return render_template(
        "terms/person.html",
        term=term,
        enrollment=enrollment,
        person=enrollment.user,
        completeness=profiles.completeness(enrollment.user),
        action_form=EnrollmentActionForm(),
    )
