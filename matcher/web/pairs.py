"""Students and volunteers: my partner, and a private request for a new one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from matcher.models import Role
from matcher.services import ServiceError, pairs
from matcher.web.access import guard_blueprint
from matcher.web.forms.rounds import RematchRequestForm
from matcher.web.util import today

bp = Blueprint("pairs", __name__)
guard_blueprint(bp, Role.STUDENT, Role.VOLUNTEER)


@bp.get("/my-pair")
def mine() -> str:
    return render_template(
        "pairs/mine.html", views=pairs.my_pairs(current_user, today()), form=RematchRequestForm()
    )


@bp.post("/my-pair/<int:pair_id>/rematch")
def request_rematch(pair_id: int) -> Response:
    pair = pairs.own_pair(current_user, pair_id)
    if pair is None:
        abort(404)
    form = RematchRequestForm()
    if form.validate_on_submit():
        try:
            pairs.request_rematch(current_user, pair, form.reason.data or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                _("Your request was sent to the coordinators only. Your partner is not told."),
                "success",
            )
    return redirect(url_for("pairs.mine"))
