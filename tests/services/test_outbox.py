"""The outbox: queued in the use case's transaction, sent by the worker once, retried with
a doubling wait, given up after MAIL_MAX_ATTEMPTS tries, never sent twice by two workers."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

import config
from matcher import create_app, mail
from matcher.extensions import db
from matcher.models import Notification, NotificationKind, User
from matcher.models.base import utcnow
from matcher.services import outbox
from matcher.web.util import use_case


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_queue_email_only_flushes_and_is_kept_with_its_use_case(make_user, sent):
    person = make_user("student")
    with pytest.raises(RuntimeError), use_case():
        outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
        raise RuntimeError("the change that caused it failed")
    assert count(Notification) == 0
    with use_case():
        note = outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    assert note.term_id is None and note.sent_at is None and sent == []
    assert mail.send_due() == mail.Delivery(1, 0)
    (message,) = sent
    assert message.to == [person.email] and "/my-pair" in message.body
    assert "can no longer take part" in message.body


def test_queuing_again_for_a_term_reuses_the_row(make_user, make_term, sent):
    term, person = make_term(), make_user("student")
    with use_case():
        first = outbox.queue_email(person, NotificationKind.PARTNER_READY, term_id=term.id)
    mail.send_due()
    with use_case():
        again = outbox.queue_email(person, NotificationKind.PARTNER_READY, term_id=term.id)
    assert again.id == first.id and again.sent_at is None and again.attempts == 0
    assert mail.send_due() == mail.Delivery(1, 0) and len(sent) == 2


class Refusing:
    """A mail connection whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    def close(self):
        pass


def test_failures_wait_longer_each_time_then_give_up(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", 60)
    monkeypatch.setattr(mail.mail, "get_connection", lambda **kw: Refusing())
    person = make_user("student", email="someone.private@example.org")
    with use_case():
        note_id = outbox.queue_email(person, NotificationKind.PARTNER_LEFT).id
    waits = []
    for attempt in range(1, 4):
        before = utcnow()
        assert mail.send_due() == mail.Delivery(0, 1)
        assert mail.send_due() == mail.Delivery(0, 0)  # not due yet
        note = db.session.get(Notification, note_id)
        db.session.refresh(note)
        assert note.attempts == attempt and note.claimed_by is None
        assert "ConnectionRefusedError" in note.last_error
        assert "someone.private" not in note.last_error
        waits.append(round((_aware(note.next_attempt_at) - before).total_seconds() / 60))
        note.next_attempt_at = before  # time passes
        db.session.commit()
    assert waits == [1, 2, 4]
    assert mail.send_due() == mail.Delivery(0, 0)  # given up after three tries
    assert db.session.get(Notification, note_id).sent_at is None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def test_a_claim_taken_meanwhile_by_another_worker_gets_nothing(make_user, app):
    people = [make_user("student") for _ in range(3)]
    with use_case():
        for person in people:
            outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    ids = list(db.session.scalars(select(Notification.id)))
    options = {"lease_seconds": 600, "max_attempts": 6, "now": utcnow()}
    # Both workers chose the same rows; the first to UPDATE takes them all.
    with use_case():
        first = outbox.take("worker-a", ids, **options)
    with use_case():
        second = outbox.take("worker-b", ids, **options)
        again = outbox.claim("worker-b", limit=10, **options)
    assert len(first) == 3 and second == [] and again == []
    # Its lease over (a worker that died), another worker may take them.
    later = {**options, "now": utcnow() + dt.timedelta(seconds=601)}
    with use_case():
        assert len(outbox.claim("worker-b", limit=10, **later)) == 3
    # The first worker's late record is refused: it no longer holds the row.
    with use_case():
        assert not outbox.record_sent(first[0].id, "worker-a")


def test_two_workers_on_their_own_connections_send_each_email_once(make_user, tmp_path):
    """Two real sessions on their own connections run the worker at once."""
    people = [make_user("student", locale="ko" if n % 2 else "en") for n in range(24)]
    with use_case():
        for person in people:
            outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    url = db.engine.url.render_as_string(hide_password=False)
    if url.startswith("sqlite"):  # in-memory SQLite has one shared connection: copy to a file
        import sqlite3

        path = tmp_path / "workers.db"
        with sqlite3.connect(path) as target:
            db.session.connection().connection.driver_connection.backup(target)
        url = f"sqlite:///{path}"

    class Workers(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = (
            {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
        )
        MAIL_BATCH_SIZE = 2  # many small claims, so that the two workers interleave

    workers_app = create_app(Workers)
    workers_app.extensions["mailman"].outbox = []
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def work(name: str) -> None:
        with workers_app.app_context():
            try:
                barrier.wait(30)
                outcomes[name] = mail.send_due(name)
            except Exception as error:  # reported by the assertions below
                outcomes[name] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with workers_app.app_context():
        unsent = db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.sent_at.is_(None))
        )
        db.session.remove()
        db.engine.dispose()
    assert all(isinstance(o, mail.Delivery) for o in outcomes.values()), outcomes
    assert sum(o.sent for o in outcomes.values()) == 24 and unsent == 0, outcomes
    recipients = Counter(m.to[0] for m in workers_app.extensions["mailman"].outbox)
    assert recipients == Counter(p.email for p in people)  # each once, nobody twice


def test_send_mail_command_once(runner, make_user, sent):
    person = make_user("volunteer")
    with use_case():
        outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 emails sent, 0 failed." in result.output and len(sent) == 1


def test_a_deleted_person_gets_nothing(make_user, sent):
    person = make_user("student")
    with use_case():
        outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    db.session.delete(db.session.get(User, person.id))
    db.session.commit()
    assert mail.send_due() == mail.Delivery(0, 0) and sent == []


def test_development_writes_one_eml_file_per_message(app, make_user, tmp_path, monkeypatch):
    monkeypatch.setattr(app.extensions["mailman"], "backend", "matcher.mail.FileEmailBackend")
    monkeypatch.setattr(app.extensions["mailman"], "file_path", str(tmp_path / "mail"))
    people = [make_user("student") for _ in range(2)]
    with use_case():
        for person in people:
            outbox.queue_email(person, NotificationKind.PARTNER_LEFT)
    assert mail.send_due() == mail.Delivery(2, 0)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert {p.email for p in people} == {
        next(line[4:] for line in f.read_text().splitlines() if line.startswith("To: "))
        for f in files
    }


def test_an_email_that_cannot_be_rendered_counts_as_a_failed_attempt(make_user, monkeypatch, sent):
    def broken(kind, locale, *, token=None):
        raise KeyError("program")

    monkeypatch.setattr(mail, "render", broken)
    person = make_user("student")
    with use_case():
        note_id = outbox.queue_email(person, NotificationKind.PARTNER_LEFT).id
    assert mail.send_due() == mail.Delivery(0, 1)
    note = db.session.get(Notification, note_id)
    db.session.refresh(note)
    assert note.attempts == 1 and note.claimed_by is None and "KeyError" in note.last_error
    assert sent == []
