"""The desk's own screens in Debian's Chromium against the local stack: the morning-meeting list the sweep wrote,
suggestions adopted, declined and done, appointments, urging and voiding, quotes the resident decides, and the
control room working the desk's screens at night. Every screen is photographed and checked with axe-core."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import requests

from tests.e2e.console_kit import DESKTOP, PHONE, Screen, api, browser, playwright, stack, ticket

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


def _record(desk: Screen, kind: str, description: str) -> Any:
    """The desk records 王芳's call as a ticket of that kind; the new ticket's card opens beside the form."""
    desk.tab("来电/来访登记")
    desk.page.get_by_label("查找住户（房号、姓名或电话）").fill("王芳")
    desk.button("1-0101 · 王芳").click()
    desk.page.get_by_label("类别").select_option(label=kind)
    desk.page.get_by_label("内容", exact=True).fill(description)
    desk.button("提交").click()
    card = desk.page.locator("article", has_text=description)
    playwright.expect(card.locator(".badge.status")).to_have_text("已受理")
    return card


def _answer(desk: Screen, card: Any, button: str, field: str, text: str) -> None:
    desk.button(button, card).click()
    form = card.locator("form")
    form.get_by_label(field).fill(text)
    desk.button(button, form).click()


def test_the_desk_adopts_a_suggestion_and_later_marks_it_done_and_declines_another(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    desk = Screen(browser, url, "desk", DESKTOP)
    # Given 王芳 suggests benches in the garden, and the desk adopts it with the reason it gives her
    bench = _record(desk, "建议", "建议在中心花园加几张长椅")
    bench_number = bench.get_attribute("aria-label") or ""
    _answer(desk, bench, "采纳", "原因", "已列入下月维修计划")
    playwright.expect(bench.locator(".badge.status")).to_have_text("已采纳")
    playwright.expect(bench).to_contain_text("已列入下月维修计划")
    # Then an adopted suggestion offers to be marked done, no longer to be declined
    playwright.expect(desk.button("已落实", bench)).to_be_visible()
    playwright.expect(desk.button("不采纳", bench)).to_have_count(0)
    desk.check("desk-suggestion-adopted")
    # When the benches are in, the desk marks it done with what was done
    _answer(desk, bench, "已落实", "落实情况", "中心花园已新增四张长椅")
    playwright.expect(bench.locator(".badge.status")).to_have_text("已完结")
    playwright.expect(bench).to_contain_text("中心花园已新增四张长椅")
    # And 王芳's second suggestion, a fountain, is declined with its reason
    fountain = _record(desk, "建议", "建议在小区门口建一个喷泉")
    fountain_number = fountain.get_attribute("aria-label") or ""
    _answer(desk, fountain, "不采纳", "原因", "公共维修基金不能用于新建景观")
    playwright.expect(fountain.locator(".badge.status")).to_have_text("已完结")
    playwright.expect(fountain).to_contain_text("公共维修基金不能用于新建景观")
    desk.check("desk-suggestion-declined")
    desk.close()

    # Then 王芳 reads both answers among her tickets
    resident = Screen(browser, url, "resident", PHONE)
    for number, answer in ((bench_number, "中心花园已新增四张长椅"), (fountain_number, "公共维修基金不能用于新建景观")):
        card = resident.card(number)
        playwright.expect(card.locator(".badge.status")).to_have_text("已完结")
        playwright.expect(card).to_contain_text(answer)
    resident.check("resident-suggestions-answered")
    resident.close()
    # And the trail keeps each outcome
    desk_api = api(stack, "desk")
    outcomes = []
    for number in (bench_number, fountain_number):
        events = desk_api.get(f"{url}/api/tickets/{ticket(stack, number)['id']}/events", timeout=10).json()["events"]
        outcomes.append([(e["action"], e["data"].get("outcome")) for e in events if e["action"] in ("adopt", "answer")])
    assert outcomes == [[("adopt", "adopted"), ("answer", "done")], [("answer", "declined")]]
