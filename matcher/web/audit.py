"""Coordinators: the audit log, filtered and paged. It only reads."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from matcher.models import Role
from matcher.services import audit, terms
from matcher.web.access import guard_blueprint
from matcher.web.forms.audit import AuditFilterForm

bp = Blueprint("audit", __name__, url_prefix="/audit")
guard_blueprint(bp, Role.COORDINATOR)
FILTERS = ("action", "actor", "term", "since", "until")  # kept in the page links


@bp.get("")
def index() -> str:
    form = AuditFilterForm(formdata=request.args)
    form.set_choices(audit.actions(), audit.actors(), [(t.id, t.name) for t in terms.list_terms()])
    found = None
    if form.validate():
        found = audit.search(form.filters(current_user.timezone), page=form.page.data or 1)
    kept = {key: request.args[key] for key in FILTERS if request.args.get(key)}
    return render_template("audit/index.html", form=form, found=found, kept=kept)
