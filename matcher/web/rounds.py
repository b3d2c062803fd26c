"""Coordinators: run, review, adjust, compare and publish matching rounds."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from matcher.models import MatchRound, Role
from matcher.services import ServiceError, adjust, publishing, recruiting, rounds
from matcher.web import explain_words
from matcher.web.access import guard_blueprint
from matcher.web.converters import id_arg
from matcher.web.forms.rounds import PersonForm, RoundSettingsForm
from matcher.web.util import (
    attempt,
    flash_form_errors,
    found_or_404,
    record_read,
    term_or_404,
    today,
    use_case,
)

bp = Blueprint("rounds", __name__, url_prefix="/terms/<int:term_id>")
guard_blueprint(bp, Role.COORDINATOR)


def _round(term_id: int, number: int) -> MatchRound:
    return found_or_404(rounds.get_round(term_or_404(term_id), number))


def _back(round_: MatchRound) -> BaseResponse:
    return redirect(url_for("rounds.show", term_id=round_.term_id, number=round_.number))


@bp.post("/rounds")
def run(term_id: int) -> BaseResponse:
    term = term_or_404(term_id)
    form = RoundSettingsForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("terms.show", term_id=term.id))
    try:
        with use_case():
            round_ = rounds.run_round(
                term, form.settings(), by=current_user, fresh=bool(form.start_fresh.data)
            )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("terms.show", term_id=term.id))
    flash(_("Round %(n)d is ready for review.", n=round_.number), "success")
    return _back(round_)


@bp.get("/rounds/<int:number>")
def show(term_id: int, number: int) -> str:
    term, round_ = term_or_404(term_id), _round(term_id, number)
    record_read("read.round", term, round=number)
    return render_template(
        "rounds/show.html",
        term=term,
        view=rounds.view_round(round_),
        latest=rounds.latest_round(term),
        constraints=rounds.constraints_of(term_id),
        form=PersonForm(),
        swaps=len(recruiting.blocking_pairs(round_)),
    )


@bp.get("/rounds/<int:number>/swaps")
def swaps(term_id: int, number: int) -> str:
    """The pairs that would rather swap: what the round's objective traded away."""
    term, round_ = term_or_404(term_id), _round(term_id, number)
    return render_template(
        "rounds/swaps.html", term=term, round=round_, rows=recruiting.blocking_pairs(round_)
    )


@bp.post("/rounds/<int:number>/<any(lock, unpair, forbid, assign, swap):action>")
def adjust_round(term_id: int, number: int, action: str) -> BaseResponse:
    round_ = _round(term_id, number)
    form = PersonForm()
    if not form.validate_on_submit() or form.student_id.data is None:
        flash(_("Choose a student first."), "error")
        return _back(round_)
    student, volunteer = form.student_id.data, form.volunteer_id.data
    reason = form.reason.data or ""
    calls = {
        "lock": lambda: adjust.lock_pair(round_, student, by=current_user),
        "unpair": lambda: adjust.unpair(round_, student, by=current_user),
        "forbid": lambda: adjust.forbid_pair(round_, student, volunteer, by=current_user),
        "assign": lambda: adjust.pair_by_hand(
            round_, student, volunteer, by=current_user, reason=reason
        ),
        "swap": lambda: adjust.swap(
            round_, student, form.other_student_id.data, by=current_user, reason=reason
        ),
    }
    if action in ("forbid", "assign") and volunteer is None:
        flash(_("Choose a volunteer first."), "error")
    elif action == "swap" and form.other_student_id.data is None:
        flash(_("Choose the second student of the swap."), "error")
    else:
        attempt(_worded(calls[action]), _("Saved."))
    return _back(round_)


def _worded(call: Callable[[], object]) -> Callable[[], object]:
    """The call; a refusal for broken rules names them in the reader's language."""

    def run() -> object:
        try:
            return call()
        except adjust.BrokenRules as error:
            error.message = error.worded(explain_words.violation)
            raise

    return run


@bp.post("/constraints/<int:constraint_id>/delete")
def remove_constraint(term_id: int, constraint_id: int) -> BaseResponse:
    round_ = _round(term_id, id_arg("round") or 0)
    form = PersonForm()
    if form.validate_on_submit():
        attempt(lambda: adjust.remove_constraint(round_, constraint_id, by=current_user))
    return _back(round_)


@bp.get("/rounds/<int:number>/alternatives")
def alternatives(term_id: int, number: int) -> str | BaseResponse:
    round_ = _round(term_id, number)
    student_id = id_arg("student")
    volunteer_id = id_arg("volunteer")
    if (student_id is None) == (volunteer_id is None):
        abort(400)
    try:
        found = adjust.alternatives(round_, student_id=student_id, volunteer_id=volunteer_id)
    except ServiceError as error:
        flash(error.message, "error")
        return _back(round_)
    record_read(
        "read.alternatives",
        term_or_404(term_id),
        round=number,
        student=student_id,
        volunteer=volunteer_id,
    )
    view = rounds.view_round(round_)
    person_id = student_id if student_id is not None else volunteer_id
    return render_template(
        "rounds/alternatives.html",
        term=term_or_404(term_id),
        view=view,
        person_name=view.people.names.get(str(person_id), "?"),
        student_id=student_id,
        volunteer_id=volunteer_id,
        alternatives=found,
        form=PersonForm(),
    )


@bp.get("/rounds/compare")
def compare(term_id: int) -> str:
    term = term_or_404(term_id)
    a = rounds.get_round(term, id_arg("a") or 0)
    b = rounds.get_round(term, id_arg("b") or 0)
    if a is None or b is None:
        abort(404)
    comparison = rounds.compare_rounds(a, b)
    record_read("read.comparison", term, rounds=[a.number, b.number])
    return render_template("rounds/compare.html", term=term, comparison=comparison)


@bp.post("/rounds/<int:number>/publish")
def publish(term_id: int, number: int) -> BaseResponse:
    round_ = _round(term_id, number)
    if not PersonForm().validate_on_submit():
        abort(400)
    try:
        with use_case():
            outcome = publishing.publish_round(round_, by=current_user, today=today())
    except ServiceError as error:
        flash(error.message, "error")
        return _back(round_)
    flash(
        ngettext(
            "Round %(n)d is published: %(num)d pair.",
            "Round %(n)d is published: %(num)d pairs.",
            outcome.pairs,
            n=number,
        ),
        "success",
    )
    return redirect(url_for("pairs.published", term_id=term_id))
