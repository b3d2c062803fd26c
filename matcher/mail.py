"""The mail worker: sends what use cases queued in the outbox. An edge, not a service.

Use cases only queue emails (`matcher.services.outbox.queue_email`) in their own
transaction; `flask --app matcher send-mail` (started by `make run`) claims the due ones,
renders each in the receiver's language, sends it and records the attempt: sent, or
retried later with a doubling wait, or given up after MAIL_MAX_ATTEMPTS tries (the
coordinator sees those on the pairs page and can queue them again).

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
from matcher.models import NotificationKind
from matcher.models.base import utcnow
from matcher.services import outbox
from matcher.services.outbox import OutboxEmail
from matcher.web.util import use_case

log = logging.getLogger(__name__)

SUBJECTS = {
    NotificationKind.PARTNER_READY: _l("%(program)s: your partner is ready"),
    NotificationKind.PARTNER_LEFT: _l("%(program)s: news about your partner"),
}
# Each kind's page to look at, as an endpoint.
LINKS = {
    NotificationKind.PARTNER_READY: "pairs.mine",
    NotificationKind.PARTNER_LEFT: "pairs.mine",
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


def render(kind: NotificationKind, locale: str) -> tuple[str, str]:
    """The subject and body of an email of this kind, in this language."""
    program = str(current_app.config["PROGRAM_NAME"])
    with force_locale(locale):
        subject = str(SUBJECTS[kind] % {"program": program})
        body = render_template(f"email/{kind.value}.txt", program=program, link=link(LINKS[kind]))
    return subject, body


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
        subject, body = render(email.kind, email.locale)
        EmailMessage(subject=subject, body=body, to=[email.address], connection=connection).send()
    except Exception as error:
        return f"{type(error).__name__}: {error}".replace(email.address, "<recipient>")
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
