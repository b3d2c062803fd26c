"""The time zone chooser in Chromium: the device's zone first, chosen, by its city name."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_device_zone_comes_first_and_is_chosen(live_server, page_factory):
    page = page_factory(locale="ko-KR", timezone="America/Los_Angeles")
    page.goto(live_server)  # the first visit: the first coordinator's set-up page
    assert page.url.endswith("/setup")
    assert page.input_value("#timezone") == "America/Los_Angeles"
    first = page.locator("#timezone > optgroup").first
    assert first.get_attribute("label") == "지금 기기가 있는 곳"
    assert first.locator("option").evaluate_all("os => os.map(o => [o.value, o.text])") == [
        ["America/Los_Angeles", "로스앤젤레스"]
    ]
    # Listed once: moved out of its region.
    assert page.locator("#timezone option[value='America/Los_Angeles']").count() == 1
    groups = page.locator("#timezone > optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups[1:4] == ["아시아", "유럽", "아메리카"]
