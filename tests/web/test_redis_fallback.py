"""With Redis gone, the rate limits fall back to this process's memory: sign-in keeps
working (and keeps being limited), one warning says so, and Redis is used again later."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.helpers import PASSWORD, add_person

FALLBACK_WARNING = "Rate limit storage unreachable"


class RedisServer:
    """A private redis-server on a free port, that a test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian package redis-server)"
        options = {"port": self.port, "bind": "127.0.0.1", "save": "", "appendonly": "no"}
        command = [binary, "--dir", str(self.folder)]
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20  # waiting for it to listen, not measuring anything
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_sign_in_keeps_working_while_redis_is_down(build_app, redis_server, caplog):
    app = build_app(RATELIMIT_STORAGE_URI=redis_server.url, LOGIN_RATE_LIMIT="3 per minute")
    add_person(app, "kim@example.org")
    client = app.test_client()

    def sign_in(address: str) -> int:
        data = {"email": "kim@example.org", "password": PASSWORD}
        code = client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code
        if code == 302:
            client.post("/logout")
        return code

    assert sign_in("198.51.100.1") == 302
    assert list(redis_server.client().scan_iter(match="LIMITS*"))  # counted in Redis

    redis_server.stop()
    # No 500: sign-in works, and the limit still holds, counted in memory meanwhile.
    assert [sign_in("198.51.100.2") for _ in range(4)] == [302, 302, 302, 429]
    assert sign_in("198.51.100.3") == 302
    warnings = [r for r in caplog.records if FALLBACK_WARNING in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"

    redis_server.start()
    assert sign_in("198.51.100.4") == 302
