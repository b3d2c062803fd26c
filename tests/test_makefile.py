"""`make run` and `make demo` on another port: what they would start, read with `make -n`.

Seen in a walk through the demo: `make demo PORT=5077` had no mail worker, so a new sign-up's
email never reached instance/mail/, and once sent, its link pointed at port 5000.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def planned(*args: str, **env: str) -> str:
    """The commands `make -n` would run, with the installed targets taken as done."""
    environment = {k: v for k, v in os.environ.items() if k != "BASE_URL"} | env
    return subprocess.run(
        ["make", "-n", "-o", "install", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.mark.parametrize("target", ["run", "demo"])
def test_the_server_and_its_mail_worker_link_to_the_port_they_serve(target):
    commands = planned(target, "PORT=5077")
    worker = next(line for line in commands.splitlines() if " send-mail" in line)
    server = next(line for line in commands.splitlines() if " run --host" in line)
    for line in (worker, server):
        assert "BASE_URL=http://127.0.0.1:5077 " in line
    assert "--port 5077" in server


def test_a_public_address_is_kept():
    commands = planned("demo", BASE_URL="https://tutors.example.org")
    assert "BASE_URL=https://tutors.example.org " in commands
    assert "127.0.0.1:5000 " not in commands
