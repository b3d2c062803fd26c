"""Coordinators: terms and the people enrolled in them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from matcher.models import Role
from matcher.models.base import utcnow
from matcher.services import (
    ServiceError,
    checkins,
    dashboard,
    invitations,
    leaving,
    pairs,
    people,
    profiles,
    recruiting,
    reports,
    rounds,
    terms,
)
from matcher.web import labels
from matcher.web.access import guard_blueprint
from matcher.web.forms import attach_error
from matcher.web.forms.checkins import OneTapForm
from matcher.web.forms.imports import InvitationsForm
from matcher.web.forms.rounds import EndPairForm, NextStepForm, RoundSettingsForm
from matcher.web.forms.terms import EnrollmentActionForm, PeopleFilterForm, TermForm
from matcher.web.util import (
    attempt,
    flash_form_errors,
    found_or_404,
    record_read,
    term_or_404,
    today,
    use_case,
)

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
            with use_case():
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
            with use_case():
                terms.update_term(term, form.term_data(), by=current_user, today=today())
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Term saved."), "success")
            return redirect(url_for("terms.show", term_id=term.id))
    return render_template("terms/form.html", form=form, term=term)


@bp.get("/<int:term_id>")
def show(term_id: int) -> str:
    term = term_or_404(term_id)
    filters = PeopleFilterForm(formdata=request.args)
    found = None
    if filters.validate():
        found = people.page_of(
            people.find_people(term, filters.people_query()), filters.page.data or 1
        )
    at_risk = checkins.pairs_at_risk(term, today())
    record_read("read.term_people", term)
    return render_template(
        "terms/show.html",
        term=term,
        rounds=rounds.rounds_of(term),
        heatmap=dashboard.week_heatmap(term, current_user.timezone),
        requests=pairs.open_requests(term),
        waiting=leaving.waiting_for_partner(term),
        pair_counts=leaving.pair_counts(term),
        settings_form=RoundSettingsForm(),
        adjustments=rounds.adjustments(term),
        step_form=NextStepForm(),
        filters=filters,
        found=found,
        counts=terms.status_counts(term),
        unconfirmed=people.unconfirmed_count(term),
        action_form=EnrollmentActionForm(formdata=None, **filters.data),
        invitation_states=invitations.states(term, now=utcnow()),
        invitations_form=InvitationsForm(),
        recruitment=recruiting.recruitment(term),
        at_risk=at_risk,
        checkin_counts=checkins.term_counts(term, at_risk),
        tap_form=OneTapForm(),
        end_form=EndPairForm(),
    )


@bp.get("/<int:term_id>/report")
def report(term_id: int) -> str:
    """The term's anonymous figures: stored when it closed, else as they are today."""
    term = term_or_404(term_id)
    return render_template("terms/report.html", term=term, report=reports.report_of(term, today()))


@bp.get("/<int:term_id>/report.csv")
def report_csv(term_id: int) -> Response:
    term = term_or_404(term_id)
    with use_case():
        text = reports.export_csv(term, by=current_user, today=today())
    return Response(
        text,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="report-term-{term.id}.csv"'},
    )


@bp.post("/<int:term_id>/status")
def change_status(term_id: int) -> Response:
    """The term page's next step: move the term along its life (the service says if not)."""
    term = term_or_404(term_id)
    form = NextStepForm()
    if form.validate_on_submit():
        attempt(
            lambda: terms.change_status(term, form.status.data, by=current_user, today=today()),
            _("The term is now “%(status)s”.", status=labels.TERM_STATUSES.get(form.status.data)),
        )
    else:
        flash_form_errors(form)
    return redirect(url_for("terms.show", term_id=term.id))


@bp.post("/<int:term_id>/enrollments")
def set_status(term_id: int) -> Response:
    """The people table's bulk bar (and a row's or the person page's buttons): approve,
    withdraw, reset or remind those ticked, or everyone the filters match."""
    term = term_or_404(term_id)
    form = EnrollmentActionForm()
    form.enrollment_ids.choices = [SelectChoice(i) for i in terms.enrollment_ids(term)]
    if form.validate_on_submit():
        try:
            with use_case():
                outcome = people.bulk_action(
                    term,
                    form.action.data,
                    enrollment_ids=form.enrollment_ids.data,
                    everyone_matching=form.people_query() if form.all_matching.data else None,
                    by=current_user,
                    today=today(),
                )
        except ServiceError as error:
            flash(error.message, "error")
        else:
            _flash_outcome(form.action.data, outcome)
    else:
        flash_form_errors(form)
    return redirect(url_for("terms.show", term_id=term.id, **form.kept_filters()))


def _flash_outcome(action: str, outcome: people.BulkOutcome) -> None:
    if action != people.BulkAction.REMIND:
        flash(
            ngettext("%(num)d person updated.", "%(num)d people updated.", outcome.changed),
            "success",
        )
        if outcome.unconfirmed:
            flash(
                ngettext(
                    "%(num)d person was not approved: they have not confirmed their email "
                    "address yet, so they cannot sign in.",
                    "%(num)d people were not approved: they have not confirmed their email "
                    "address yet, so they cannot sign in.",
                    outcome.unconfirmed,
                ),
                "info",
            )
        return
    flash(
        ngettext(
            "%(num)d reminder will be sent.", "%(num)d reminders will be sent.", outcome.changed
        ),
        "success",
    )
    if outcome.skipped:
        flash(
            ngettext(
                "%(num)d person was left out: a complete profile, withdrawn, or an invitation "
                "not accepted yet.",
                "%(num)d people were left out: a complete profile, withdrawn, or an invitation "
                "not accepted yet.",
                outcome.skipped,
            ),
            "info",
        )
    if outcome.unconfirmed:
        flash(
            ngettext(
                "%(num)d person was left out: they have not confirmed their email address yet, "
                "so they cannot sign in to complete their profile.",
                "%(num)d people were left out: they have not confirmed their email address yet, "
                "so they cannot sign in to complete their profile.",
                outcome.unconfirmed,
            ),
            "info",
        )


@bp.get("/<int:term_id>/people/<int:enrollment_id>")
def person(term_id: int, enrollment_id: int) -> str:
    term = term_or_404(term_id)
    enrollment = found_or_404(terms.term_enrollment(term, enrollment_id))
    record_read("read.person", term, subject=enrollment.user)
    return render_template(
        "terms/person.html",
        term=term,
        enrollment=enrollment,
        person=enrollment.user,
        completeness=profiles.completeness(enrollment.user),
        action_form=EnrollmentActionForm(),
        history=leaving.pair_history(enrollment.user),
        week_theirs=dashboard.person_week(enrollment.user, enrollment.user.timezone, term),
        week_mine=dashboard.person_week(enrollment.user, current_user.timezone, term),
    )
