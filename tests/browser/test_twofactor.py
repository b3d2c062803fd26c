"""Two-step sign-in clicked through in real Chromium, with codes made by pyotp as an app would."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.helpers import PASSWORD, screenshot

pytestmark = pytest.mark.browser


def test_first_coordinator_sets_up_and_uses_two_step_sign_in(live_server, page_factory):
    page = page_factory()
    page.goto(f"{live_server}/setup")
    page.fill("#display_name", "Grace")
    page.fill("#email", "grace@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")

    # First sign-in: nothing opens before the second factor is set up.
    page.wait_for_url("**/two-factor/setup?next=/terms/new")
    page.goto(f"{live_server}/terms")
    assert "/two-factor/setup" in page.url
    qr = page.locator("figure.qr-code svg")
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    screenshot(page, "two-factor-setup")
    secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("#code", "000000" if totp.now() != "000000" else "111111")
    page.click("main button[type=submit]")
    assert "This code is not right." in page.inner_text(".field-error")
    page.fill("#code", totp.now())
    page.click("main button[type=submit]")
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have kept them, continue")
    page.wait_for_url("**/terms")

    # Signing in again asks for the code; the next window's code (the current one is used).
    page.click("text=Sign out")
    page.wait_for_url("**/login")
    page.fill("#email", "grace@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/two-factor/verify**")
    page.fill("#code", totp.at(time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_url("**/terms")

    # Or with a recovery code, once; the audit page shows both.
    page.click("text=Sign out")
    page.fill("#email", "grace@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("#code", codes[0])
    page.click("main button[type=submit]")
    page.wait_for_url("**/terms")
    assert "9 recovery codes left" in page.inner_text(".flash")
    page.click("text=Audit log")
    page.wait_for_url("**/audit")
    log = page.inner_text("table.data")
    assert "Set up two-step sign-in" in log and "Signed in with a recovery code" in log
    screenshot(page, "audit-log")
