"""The mail worker: sends what use cases queued in the outbox. An edge, not a service.

Use cases only queue emails (`matcher.services.outbox.queue_email`) in their own
transaction; `flask --app matcher send-mail` (started by `make run`) claims the due ones,
renders each in the receiver's language, sends it and records the attempt: sent, or
retried later with a doubling wait, or given up after MAIL_MAX_ATTEMPTS tries (the
coordinator sees those on the pairs page and can queue them again).

Some emails carry a single-use link (TOKEN_KINDS): the worker issues its token as it sends
the email, so that no working link is ever stored, and the link's page checks and spends it
(services/tokens.py).

Emails say only what happened and where to look: no names, no term name, nothing a
coordinator typed. Links come from BASE_URL, the program's name from PROGRAM_NAME. The
log names emails by id, never by address.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import smtplib
import time
from dataclasses import dataclass
from typing import Any

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage
from flask_mailman.backends.file import EmailBackend as MailmanFileBackend
from sqlalchemy.exc import SQLAlchemyError

from matcher.extensions import db, mail
from matcher.models import NotificationKind, TokenPurpose, User
from matcher.models.base import utcnow
from matcher.services import outbox, profiles, tokens
from matcher.services.outbox import OutboxEmail
from matcher.web.util import use_case

log = logging.getLogger(__name__)

SUBJECTS = {
    NotificationKind.PARTNER_READY: _l("%(program)s: your partner is ready"),
    NotificationKind.PARTNER_LEFT: _l("%(program)s: news about your partner"),
    NotificationKind.PAIR_ENDED: _l("%(program)s: your pair has ended"),
    NotificationKind.INVITATION: _l("%(program)s: you are invited"),
    NotificationKind.SIGN_UP: _l("%(program)s: confirm your email address"),
    NotificationKind.ACCOUNT_EXISTS: _l("%(program)s: you already have an account"),
    NotificationKind.PASSWORD_RESET: _l("%(program)s: choose a new password"),
    NotificationKind.EMAIL_CHANGE: _l("%(program)s: confirm your new email address"),
    NotificationKind.COORDINATOR_INVITE: _l("%(program)s: you are invited as a coordinator"),
    NotificationKind.PROFILE_REMINDER: _l("%(program)s: your profile is not finished"),
    NotificationKind.CHECK_IN: _l("%(program)s: how is it going?"),
    NotificationKind.PAIR_REMINDER: _l("%(program)s: a note about your sessions"),
}
# Each kind's page to look at, as an endpoint (kinds with a single-use link: TOKEN_KINDS).
LINKS = {
    NotificationKind.PARTNER_READY: "pairs.mine",
    NotificationKind.PARTNER_LEFT: "pairs.mine",
    NotificationKind.PAIR_ENDED: "pairs.mine",
    NotificationKind.PROFILE_REMINDER: "profile.edit",
    NotificationKind.ACCOUNT_EXISTS: "auth.login",
    NotificationKind.CHECK_IN: "pairs.check_in",
    NotificationKind.PAIR_REMINDER: "pairs.mine",
}
# Further pages some kinds point to, by the name their template uses.
MORE_LINKS = {
    NotificationKind.ACCOUNT_EXISTS: {"reset_link": "auth.forgot_password"},
}


@dataclass(frozen=True)
class TokenLink:
    """An email's single-use link: what it is for, the page that takes it (as `token=`), and
    the setting that says how long it works, in `unit`s."""

    purpose: TokenPurpose
    endpoint: str
    setting: str
    unit: str  # "days", "hours" or "minutes"

    def lifetime(self) -> dt.timedelta:
        return dt.timedelta(**{self.unit: float(current_app.config[self.setting])})


TOKEN_KINDS = {
    NotificationKind.INVITATION: TokenLink(
        TokenPurpose.INVITATION, "invitations.accept", "INVITATION_DAYS", "days"
    ),
    NotificationKind.COORDINATOR_INVITE: TokenLink(
        TokenPurpose.COORDINATOR_INVITE,
        "auth.accept_coordinator_invite",
        "COORDINATOR_INVITE_DAYS",
        "days",
    ),
    NotificationKind.SIGN_UP: TokenLink(
        TokenPurpose.SIGN_UP, "auth.finish_sign_up", "SIGN_UP_HOURS", "hours"
    ),
    NotificationKind.PASSWORD_RESET: TokenLink(
        TokenPurpose.PASSWORD_RESET, "auth.reset_password", "PASSWORD_RESET_MINUTES", "minutes"
    ),
    NotificationKind.EMAIL_CHANGE: TokenLink(
        TokenPurpose.EMAIL_CHANGE, "auth.confirm_email_change", "EMAIL_CHANGE_HOURS", "hours"
    ),
}


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int


class FileEmailBackend(MailmanFileBackend):  # type: ignore[misc]
    """Development: flask-mailman's file backend, one .eml file per message."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        for message in email_messages:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            name = os.path.join(self.file_path, f"{stamp}-{secrets.token_hex(6)}.eml")
            with open(name, "wb") as stream:
                stream.write(message.message().as_bytes())
        return len(email_messages)


def link(endpoint: str, **values: Any) -> str:
    """An absolute link to a page of the site, built from BASE_URL."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(current_app.config["BASE_URL"]).rstrip("/") + path


def render(
    kind: NotificationKind, locale: str, *, token: str | None = None, **context: Any
) -> tuple[str, str]:
    """The subject and body of an email of this kind, in this language; a kind in
    TOKEN_KINDS links to its page with `token`; `context` is what the kind says beyond
    its link (see `_context`)."""
    program = str(current_app.config["PROGRAM_NAME"])
    token_link = TOKEN_KINDS.get(kind)
    url = link(token_link.endpoint, token=token) if token_link else link(LINKS[kind])
    with force_locale(locale):
        subject = str(SUBJECTS[kind] % {"program": program})
        more = {name: link(endpoint) for name, endpoint in MORE_LINKS.get(kind, {}).items()}
        body = render_template(
            f"email/{kind.value}.txt", program=program, link=url, **more, **context
        )
    return subject, body


def _issue_token(email: OutboxEmail) -> str | None:
    """The single-use token of this email's link, issued now (None: a kind without one)."""
    token_link = TOKEN_KINDS.get(email.kind)
    if token_link is None:
        return None
    with use_case():
        user = db.session.get(User, email.user_id)
        if user is None:
            raise LookupError("the person no longer exists")
        address = email.address if email.kind == NotificationKind.EMAIL_CHANGE else None
        return tokens.issue(
            user, token_link.purpose, now=utcnow(), lifetime=token_link.lifetime(), email=address
        )


def _context(email: OutboxEmail) -> dict[str, Any]:
    """What an email says beyond its link, computed as it is sent: a profile reminder lists
    what the profile still lacks (`profiles.completeness`, the people table's "incomplete
    profile" filter), as labels translated when the email is rendered; nothing else."""
    if email.kind != NotificationKind.PROFILE_REMINDER:
        return {}
    with use_case():
        user = db.session.get(User, email.user_id)
        if user is None:
            raise LookupError("the person no longer exists")
        return {"missing": profiles.completeness(user).missing}


def send_due(worker: str | None = None) -> Delivery:
    """Send every email due now, in claimed batches, each attempt recorded at once."""
    worker = worker or secrets.token_hex(8)
    config = current_app.config
    sent = failed = 0
    while True:
        with use_case():  # the claim is committed before anything is sent
            batch = outbox.claim(
                worker,
                limit=int(config["MAIL_BATCH_SIZE"]),
                lease_seconds=int(config["MAIL_CLAIM_SECONDS"]),
                max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
                now=utcnow(),
            )
        if not batch:
            return Delivery(sent, failed)
        outcomes = _send_batch(batch, worker)
        sent += outcomes.count(True)
        failed += outcomes.count(False)


def _send_batch(batch: list[OutboxEmail], worker: str) -> list[bool]:
    outcomes = []
    connection = mail.get_connection(fail_silently=False)
    try:
        for email in batch:
            error = _send(email, connection)
            with use_case():  # each attempt is kept, whatever happens to the next one
                if error:
                    outbox.record_failure(
                        email,
                        worker,
                        error,
                        retry_seconds=int(current_app.config["MAIL_RETRY_SECONDS"]),
                        now=utcnow(),
                    )
                else:
                    outbox.record_sent(email.id, worker)
            _log_attempt(email, error)
            outcomes.append(not error)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return outcomes


def _send(email: OutboxEmail, connection: object) -> str:
    """Send one email: "" when it went out, else what went wrong (without the address).

    Any failure counts as an attempt (a broken template too), so that the email is retried
    and in the end given up and shown to the coordinator, never retried for ever."""
    try:
        if not email.address:
            raise LookupError("no address to send to")
        subject, body = render(
            email.kind, email.locale, token=_issue_token(email), **_context(email)
        )
        EmailMessage(subject=subject, body=body, to=[email.address], connection=connection).send()
    except Exception as error:
        text = f"{type(error).__name__}: {error}"
        return text.replace(email.address, "<recipient>") if email.address else text
    return ""


def _log_attempt(email: OutboxEmail, error: str) -> None:
    if not error:
        log.info("email %d (%s) sent", email.id, email.kind.value)
    else:
        log.warning(
            "email %d (%s) not sent, attempt %d: %s",
            email.id,
            email.kind.value,
            email.attempts + 1,
            error.split(":", 1)[0],
        )


@click.command("send-mail")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@click.option(
    "--interval", type=float, default=None, help="Seconds between looks (MAIL_POLL_SECONDS)."
)
@with_appcontext
def send_mail_command(once: bool, interval: float | None) -> None:
    """Send the queued emails: once, or in a loop until stopped (Ctrl-C)."""
    interval = interval if interval is not None else float(current_app.config["MAIL_POLL_SECONDS"])
    worker = secrets.token_hex(8)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the loop quietly
        while True:
            try:
                delivery = send_due(worker)
            except SQLAlchemyError as error:  # the database restarting: try again later
                if once:
                    raise click.ClickException(
                        f"The database is unavailable ({type(error).__name__})."
                    ) from error
                log.warning("mail worker: database unavailable (%s)", type(error).__name__)
            else:
                if delivery.sent or delivery.failed or once:
                    click.echo(f"{delivery.sent} emails sent, {delivery.failed} failed.")
            finally:
                db.session.remove()
            if once:
                return
            time.sleep(interval)
