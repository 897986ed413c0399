"""The desk's own screens in Debian's Chromium against the local stack: the morning-meeting list the sweep wrote,
suggestions adopted, declined and done, appointments, urging and voiding, quotes the resident decides, and the
control room working the desk's screens at night. Every screen is photographed and checked with axe-core."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from tests.e2e.console_kit import DESKTOP, Screen, api, browser, playwright, stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

__all__ = ["browser", "stack"]  # the module's fixtures

PROPERTY = "prop-sun"
SAMPLE = "SUN-20261123-0001"  # the demo's repair from a week ago, dispatched to 周强 and still open


def _wait_for_a_list(stack: dict[str, Any]) -> None:
    """The sweep works its pages off a queue: wait until the property has a list, as the desk would."""
    desk = api(stack, "desk")
    for _ in range(120):
        days = desk.get(f"{stack['console_url']}/api/properties/{PROPERTY}/morning", timeout=10).json()["days"]
        if days:
            return
        time.sleep(0.25)
    raise AssertionError("the sweep wrote no morning list within 30 s")


def test_the_morning_tab_shows_the_list_the_sweep_wrote(stack: dict[str, Any], browser: Any) -> None:
    url = stack["console_url"]
    # Given the desk opens the morning list before the end-of-day sweep has run
    desk = Screen(browser, url, "desk", DESKTOP)
    desk.tab("晨会清单")
    playwright.expect(desk.page.locator("main")).to_contain_text("还没有晨会清单")
    desk.check("desk-morning-before-the-sweep")
    # When the sweep runs
    fired = requests.post(f"{stack['control_url']}/fire/propdesk-local-SweepSchedule", json={}, timeout=60).json()
    assert fired["outcome"] == "invoked"
    _wait_for_a_list(stack)
    # Then the refreshed tab lists the week-old repair under engineering, with 周强 responsible for it
    desk.button("刷新").click()
    engineering = desk.page.get_by_role("region", name="工程部")
    row = engineering.locator("tr", has_text=SAMPLE)
    playwright.expect(row).to_contain_text("报修")
    playwright.expect(row.locator("td").nth(3)).to_have_text("周强")
    playwright.expect(desk.page.get_by_role("link", name="下载 CSV")).to_have_attribute("href", re.compile(r"\.csv"))
    desk.check("desk-morning-list")
    desk.close()
