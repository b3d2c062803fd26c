"""Published pairs: a person's own partner and private re-match request; a term's pairs,
emails, endings and requests for coordinators."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from matcher.models import Role
from matcher.services import ServiceError, checkins, leaving, outbox, pairs, publishing
from matcher.web.access import role_required
from matcher.web.forms import attach_error
from matcher.web.forms.checkins import CheckInForm, OneTapForm
from matcher.web.forms.rounds import EndPairForm, PersonForm, RematchRequestForm, RoundSettingsForm
from matcher.web.util import (
    attempt,
    flash_form_errors,
    found_or_404,
    record_read,
    term_or_404,
    today,
    use_case,
)

bp = Blueprint("pairs", __name__)
paired = role_required(Role.STUDENT, Role.VOLUNTEER)
coordinators = role_required(Role.COORDINATOR)


@bp.get("/my-pair")
@paired
def mine() -> str:
    return render_template(
        "pairs/mine.html",
        cards=pairs.partner_cards(current_user, today()),
        notices=leaving.ended_notices(current_user),
        form=RematchRequestForm(),
        progress=checkins.progress(current_user, pairs.own_pairs(current_user), today()),
        tap_form=OneTapForm(),
    )


@bp.post("/my-pair/<int:pair_id>/met")
@paired
def mark_met(pair_id: int) -> BaseResponse:
    """The volunteer's one tap: "we met this week" (a second tap the same week changes nothing)."""
    pair = found_or_404(pairs.own_pair(current_user, pair_id))
    if OneTapForm().validate_on_submit():
        attempt(
            lambda: checkins.mark_met(current_user, pair, today=today()),
            _("Noted: you met this week."),
        )
    return redirect(url_for("pairs.mine") + f"#weeks-{pair_id}")


@bp.get("/check-in")
@paired
def check_in() -> str:
    return render_template(
        "pairs/check_in.html",
        pairs=checkins.check_in_pairs(current_user, pairs.own_pairs(current_user), today()),
        form=CheckInForm(),
        answered_pair=None,
    )


@bp.post("/my-pair/<int:pair_id>/check-in")
@paired
def answer_check_in(pair_id: int) -> str | BaseResponse:
    pair = found_or_404(pairs.own_pair(current_user, pair_id))
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            with use_case():
                checkins.answer(current_user, pair, form.answers(), today=today())
        except ServiceError as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. Only the coordinators read your answers."), "success")
            return redirect(url_for("pairs.mine"))
    return render_template(
        "pairs/check_in.html",
        pairs=checkins.check_in_pairs(current_user, pairs.own_pairs(current_user), today()),
        form=form,
        answered_pair=pair_id,
    )


@bp.post("/my-pair/<int:pair_id>/rematch")
@paired
def request_rematch(pair_id: int) -> BaseResponse:
    pair = found_or_404(pairs.own_pair(current_user, pair_id))
    form = RematchRequestForm()
    if form.validate_on_submit():
        attempt(
            lambda: pairs.request_rematch(current_user, pair, form.reason.data or ""),
            _("Your request was sent to the coordinators only. Your partner is not told."),
        )
    return redirect(url_for("pairs.mine"))


@bp.get("/terms/<int:term_id>/pairs")
@coordinators
def published(term_id: int) -> str:
    term = term_or_404(term_id)
    record_read("read.pairs", term)
    return render_template(
        "rounds/pairs.html",
        term=term,
        active=pairs.term_pairs(term),
        ended=pairs.term_pairs(term, "ended"),
        counts=leaving.pair_counts(term),
        requests=pairs.open_requests(term),
        given_up=outbox.given_up(term, max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"]),
        waiting=outbox.waiting(term, max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"]),
        form=EndPairForm(),
        settings_form=RoundSettingsForm(),
    )


@bp.post("/terms/<int:term_id>/emails/resend")
@coordinators
def resend(term_id: int) -> BaseResponse:
    term = term_or_404(term_id)
    if PersonForm().validate_on_submit():
        try:
            with use_case():
                queued = publishing.resend_failed(
                    term, by=current_user, max_attempts=current_app.config["MAIL_MAX_ATTEMPTS"]
                )
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                ngettext(
                    "%(num)d email will be sent again in a moment.",
                    "%(num)d emails will be sent again in a moment.",
                    queued,
                ),
                "success",
            )
    return redirect(url_for("pairs.published", term_id=term_id))


@bp.post("/terms/<int:term_id>/pairs/<int:pair_id>/end")
@coordinators
def end_pair(term_id: int, pair_id: int) -> BaseResponse:
    pair = found_or_404(pairs.term_pair(term_or_404(term_id), pair_id))
    form = EndPairForm()
    if form.validate_on_submit():
        attempt(
            lambda: pairs.end_pair(pair, form.reason.data, by=current_user, today=today()),
            _("The pair has ended. Run a re-match to find new partners for both."),
        )
    else:
        flash_form_errors(form)
    return redirect(url_for("pairs.published", term_id=term_id))


@bp.post("/terms/<int:term_id>/pairs/<int:pair_id>/remind")
@coordinators
def remind(term_id: int, pair_id: int) -> BaseResponse:
    """Email both people of a pair at risk a neutral reminder to meet."""
    pair = found_or_404(pairs.term_pair(term_or_404(term_id), pair_id))
    if OneTapForm().validate_on_submit():
        attempt(
            lambda: checkins.remind_pair(pair, by=current_user),
            _("A reminder to meet will be emailed to both people of the pair."),
        )
    return redirect(url_for("terms.show", term_id=term_id) + "#at-risk")


@bp.post("/terms/<int:term_id>/requests/<int:request_id>/dismiss")
@coordinators
def dismiss(term_id: int, request_id: int) -> BaseResponse:
    found = found_or_404(pairs.term_request(term_or_404(term_id), request_id))
    if PersonForm().validate_on_submit():
        attempt(lambda: pairs.dismiss_request(found, by=current_user))
    return redirect(url_for("pairs.published", term_id=term_id))


@bp.get("/terms/<int:term_id>/pairs.csv")
@coordinators
def export(term_id: int) -> Response:
    term = term_or_404(term_id)
    record_read("read.pairs_csv", term)
    text = pairs.export_csv(term)
    return Response(
        text,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="pairs-term-{term.id}.csv"'},
    )
