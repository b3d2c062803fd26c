"""Publishing the demo term (78 students, 78 volunteers) against a slow SMTP server.

The SMTP server (aiosmtpd on localhost, as in the tests) waits 300 ms per message. Measured:
the publish request (the coordinator's POST, through the app's pages), then one pass of the
mail worker that sends what the publish queued. Needs the test extras (`make install-test`).

    .venv/bin/python benchmarks/bench_mail.py [--delay 0.3]

The database is a fresh SQLite file, or BENCH_DATABASE_URL (an empty PostgreSQL database).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import os  # noqa: E402

import pyotp  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import config  # noqa: E402
from matcher import create_app, engine, mail  # noqa: E402
from matcher.extensions import db  # noqa: E402
from matcher.models import Notification, Term, User  # noqa: E402
from matcher.models.base import utcnow  # noqa: E402
from matcher.services import demo, rounds  # noqa: E402
from matcher.web.util import use_case  # noqa: E402


class SlowInbox:
    def __init__(self, delay: float) -> None:
        self.delay, self.received = delay, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.3, help="seconds per message")
    args = parser.parse_args()
    inbox = SlowInbox(args.delay)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    folder = tempfile.mkdtemp(prefix="bench-mail-")

    class Bench(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db"
        )
        MAIL_BACKEND = "smtp"
        MAIL_SERVER = "127.0.0.1"
        MAIL_PORT = port
        MAIL_BATCH_SIZE = 200
        WTF_CSRF_ENABLED = False

    app = create_app(Bench)
    try:
        with app.app_context():
            run(app, inbox)
            db.session.remove()
            db.drop_all()
    finally:
        controller.stop()


def run(app, inbox: SlowInbox) -> None:
    db.drop_all()  # an empty database: the benchmark's own tables only
    db.create_all()
    with use_case():
        demo.load_demo(dt.date.today())
        coordinator = db.session.scalar(select(User).where(User.email == demo.COORDINATOR_EMAIL))
        coordinator.totp_secret = pyotp.random_base32()
        coordinator.totp_confirmed_at = utcnow()
    term = db.session.scalar(select(Term).where(Term.status == "open"))
    with use_case():
        round_ = rounds.run_round(term, engine.Settings(), by=coordinator)
    client = app.test_client()
    client.post("/login", data={"email": coordinator.email, "password": demo.DEMO_PASSWORD})
    client.post("/two-factor/verify", data={"code": pyotp.TOTP(coordinator.totp_secret).now()})
    started = time.perf_counter()
    response = client.post(f"/terms/{term.id}/rounds/{round_.number}/publish")
    request_s = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    queued = db.session.scalar(select(func.count()).select_from(Notification))
    started = time.perf_counter()
    delivery = mail.send_due()
    worker_s = time.perf_counter() - started
    each_ms = worker_s / max(delivery.sent, 1) * 1000
    print(f"round: {round_.matched} pairs")
    print(f"publish request: {request_s:.3f} s, {queued} emails queued")
    print(f"worker: {delivery.sent} sent, {delivery.failed} failed in {worker_s:.1f} s")
    print(f"  ({each_ms:.0f} ms per email; the server received {inbox.received})")


if __name__ == "__main__":
    main()
