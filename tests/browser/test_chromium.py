"""Finding the Chromium the browser tests drive, and what `make test` does without one:
skip the browser tests with one line on how to install it, or fail them when CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import ROOT, find_chromium


@pytest.mark.browser
def test_chromium_renders_a_page(page_factory):
    page = page_factory()
    page.set_content("<title>matcher</title><p lang=ko>짝</p>")
    assert page.title() == "matcher"
    assert page.inner_text("p") == "짝"


@pytest.mark.browser
def test_pages_get_the_language_and_time_zone_asked_for(page_factory):
    page = page_factory(locale="ko-KR", timezone="America/Los_Angeles")
    assert page.evaluate("navigator.language") == "ko-KR"
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == (
        "America/Los_Angeles"
    )


def fake_chromium(folder: Path) -> Path:
    folder.mkdir()
    binary = folder / "chromium"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    return binary


def test_find_chromium_prefers_the_chromium_variable(tmp_path, monkeypatch):
    given = fake_chromium(tmp_path / "given")
    monkeypatch.setenv("CHROMIUM", str(given))
    assert find_chromium() == str(given)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "missing" / "chromium"))
    assert find_chromium() is None  # a wrong CHROMIUM is not silently replaced


def test_find_chromium_looks_in_debian_place_then_on_path(tmp_path, monkeypatch):
    debian = fake_chromium(tmp_path / "usr-bin")
    on_path = fake_chromium(tmp_path / "bin")
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(on_path.parent))
    monkeypatch.setattr(helpers, "DEBIAN_CHROMIUM", str(debian))
    assert find_chromium() == str(debian)
    monkeypatch.setattr(helpers, "DEBIAN_CHROMIUM", str(tmp_path / "nowhere"))
    assert find_chromium() == str(on_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium() is None


def run_tiny_browser_tests(chromium: Path, **env: str) -> subprocess.Popen[str]:
    """pytest in a subprocess, on the two tiny browser tests above, with CHROMIUM set.

    Only tests/browser/conftest.py takes part, so the run leaves out the other conftest
    files and the hypothesis plugin: they cost start-up time and change nothing here."""
    environ = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    environ.update(CHROMIUM=str(chromium), **env)
    tests = ["-m", "browser", str(Path(__file__).relative_to(ROOT))]
    lean = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--confcutdir", "tests/browser"]
    command = [sys.executable, "-m", "pytest", *lean, *tests]
    return subprocess.Popen(
        command, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_missing_chromium_skips_with_one_line_or_fails_in_ci(tmp_path):
    missing = tmp_path / "no" / "chromium"
    # Both runs at once: the suite waits for one pytest start-up, not two.
    here, ci = run_tiny_browser_tests(missing), run_tiny_browser_tests(missing, CI="true")
    here_output, ci_output = here.communicate(timeout=120)[0], ci.communicate(timeout=120)[0]

    assert here.returncode == 0, here_output
    assert "2 skipped" in here_output, here_output
    (line,) = [line for line in here_output.splitlines() if "Chromium not found" in line]
    assert line.startswith("SKIPPED [2] ") and "apt-get install chromium" in line

    assert ci.returncode == 1, ci_output
    assert "2 errors" in ci_output and "skipped" not in ci_output, ci_output
    assert "Chromium not found" in ci_output and "CI=true" in ci_output
