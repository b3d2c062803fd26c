"""Coordinators: import a term's roster from CSV files, and invite the people imported."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from matcher.models import Role
from matcher.models.base import utcnow
from matcher.roster import Vocabulary
from matcher.services import ServiceError, invitations, roster_import
from matcher.web import labels
from matcher.web.access import guard_blueprint
from matcher.web.forms import attach_error
from matcher.web.forms.imports import ConfirmImportForm, ImportForm, InvitationsForm
from matcher.web.util import flash_form_errors, term_or_404, use_case

bp = Blueprint("imports", __name__, url_prefix="/terms")
guard_blueprint(bp, Role.COORDINATOR)


def _vocabulary() -> Vocabulary:
    return Vocabulary(labels.typed_labels())


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Files past the upload limit: the import page again, saying what to do."""
    term = term_or_404(int((request.view_args or {}).get("term_id", 0)))
    form = ImportForm(formdata=None)
    form.form_errors.append(
        _(
            "These files are too large: each file may have at most %(mb)d MB and "
            "%(rows)s people. Split it in parts and import each.",
            mb=roster_import.MAX_BYTES // (1024 * 1024),
            rows=f"{roster_import.MAX_ROWS:,}",
        )
    )
    return render_template("imports/upload.html", term=term, form=form, preview=None), 413


@bp.route("/<int:term_id>/import", methods=["GET", "POST"])
def upload(term_id: int) -> str | Response:
    term = term_or_404(term_id)
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        files = {}
        for role, sent in (
            (Role.STUDENT, form.students.data),
            (Role.VOLUNTEER, form.volunteers.data),
        ):
            if sent is not None and sent.filename:
                try:
                    files[role] = roster_import.UploadedFile(sent.filename, sent.read())
                finally:
                    sent.close()  # werkzeug spools a large file to disk: close it now
        try:
            with use_case():
                preview = roster_import.preview(
                    term, current_user, files, vocabulary=_vocabulary(), now=utcnow()
                )
        except ServiceError as error:
            attach_error(form, error)
    return render_template(
        "imports/upload.html",
        term=term,
        form=form,
        preview=preview,
        confirm_form=ConfirmImportForm(formdata=None, upload_id=preview and preview.upload_id),
    )


@bp.post("/<int:term_id>/import/confirm")
def confirm(term_id: int) -> Response:
    term = term_or_404(term_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("imports.upload", term_id=term.id))
    try:
        with use_case():
            result = roster_import.confirm(
                term, current_user, form.upload_id.data, vocabulary=_vocabulary(), now=utcnow()
            )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("imports.upload", term_id=term.id))
    flash(
        _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.",
            new=result.count("new"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
        ),
        "success",
    )
    return redirect(url_for("terms.show", term_id=term.id, _anchor="invitations"))


def _send(term_id: int, **which: object) -> Response:
    term = term_or_404(term_id)
    form = InvitationsForm()
    if form.validate_on_submit():
        try:
            with use_case():
                sent = invitations.send(term, by=current_user, now=utcnow(), **which)  # type: ignore[arg-type]
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                ngettext("%(num)d invitation queued.", "%(num)d invitations queued.", sent)
                if sent
                else _("No invitation to send."),
                "success",
            )
    else:
        flash_form_errors(form)
    return redirect(url_for("terms.show", term_id=term.id, _anchor="invitations"))


@bp.post("/<int:term_id>/invitations")
def send_new(term_id: int) -> Response:
    return _send(term_id, which="not_sent")


@bp.post("/<int:term_id>/invitations/expired")
def send_expired(term_id: int) -> Response:
    return _send(term_id, which="expired")


@bp.post("/<int:term_id>/invitations/<int:user_id>")
def send_one(term_id: int, user_id: int) -> Response:
    return _send(term_id, user_id=user_id)
