"""Sending the emails a use case queued: an edge, like a view or a command, not a service.

A use case records what to send (`Notification` rows) in its own transaction; once that
is committed, the edge that ran it calls `send_queued`, which renders each message in
the receiver's language, sends it, and records the attempt in a transaction of its own.
Links come from the configured BASE_URL, never from a request, so that a command (or,
later, a worker) sends the same email as a page does.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMessage

from matcher.extensions import mail
from matcher.services import publishing
from matcher.services.publishing import PartnerEmail
from matcher.web.util import use_case


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


def link(endpoint: str, **values: Any) -> str:
    """An absolute link to a page of the site, built from BASE_URL."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def send_queued(notification_ids: Collection[int]) -> Delivery:
    """Send each of these queued emails that has not gone out yet; record every attempt."""
    outcomes = []
    connection = mail.get_connection(fail_silently=False)
    for email in publishing.queued_emails(notification_ids):
        error = _send(email, connection)
        with use_case():  # each attempt is kept, whatever happens to the next one
            publishing.record_attempt(email.notification_id, error)
        outcomes.append(not error)
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
    return Delivery(sent=outcomes.count(True), failed=outcomes.count(False))


def _send(email: PartnerEmail, connection: object) -> str:
    """Send one email: "" when it went out, else what went wrong."""
    try:
        _message(email, connection).send()
    except (OSError, smtplib.SMTPException) as error:
        return f"{type(error).__name__}: {error}"
    return ""


def _message(email: PartnerEmail, connection: object) -> EmailMessage:
    # Only that a partner is ready and where to look: no names, no details, nothing that
    # says who the students are.
    user, term = email.user, email.term
    with force_locale(user.locale):
        subject = _("Your partner for %(term)s is ready", term=term.name)
        body = render_template(
            "email/partner_ready.txt", user=user, term=term, link=link("pairs.mine")
        )
    return EmailMessage(subject=subject, body=body, to=[user.email], connection=connection)
