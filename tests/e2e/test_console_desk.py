"""The desk's own screens in Debian's Chromium against the local stack: the morning-meeting list the sweep wrote,
suggestions adopted, declined and done, appointments, urging and voiding, quotes the resident decides, and the
control room working the desk's screens at night. Every screen is photographed and checked with axe-core."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.console_kit import DESKTOP, PHONE, SHANGHAI, Screen, api, browser, playwright, stack, ticket

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


def _tomorrow() -> str:
    """Tomorrow's date in Shanghai, as the desk types it into the appointment field."""
    return (datetime.now(SHANGHAI) + timedelta(days=1)).strftime("%Y-%m-%d")


def test_the_desk_books_urges_and_voids_and_the_technician_sees_the_booking_and_the_urging(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    desk = Screen(browser, url, "desk", DESKTOP)
    # Given 王芳's broken balcony door, classified for engineering
    door = _record(desk, "报修", "阳台门关不上")
    number = door.get_attribute("aria-label") or ""
    desk.button("分类", door).click()
    desk.button("分类", door.locator("form")).click()
    playwright.expect(door.locator(".badge.status")).to_have_text("已分类")
    # When the desk books the visit with her for 10:00 tomorrow and dispatches it to 周强
    desk.button("预约", door).click()
    door.get_by_label("预约时间 (Asia/Shanghai)").fill(f"{_tomorrow()}T10:00")
    desk.button("预约", door.locator("form")).click()
    day = _tomorrow()[5:].replace("-", "/")
    playwright.expect(door.locator("dd", has_text=f"{day} 10:00")).to_be_visible()
    desk.button("派工", door).click()
    door.get_by_label("技工").select_option(label="周强 · 技工")
    desk.button("派工", door.locator("form")).click()
    playwright.expect(door.locator(".badge.status")).to_have_text("已派工")
    # and the visit's own target is on site at the appointed time
    playwright.expect(door.locator(".timers")).to_contain_text(f"预约上门: {day} 10:00")
    # And urges it twice when 王芳 calls back about it
    for times in ("1", "2"):
        desk.button("催办", door).click()
        playwright.expect(door.locator("dt", has_text="催办次数").locator("+ dd")).to_have_text(times)
    desk.check("desk-booked-and-urged")
    # Then 周强's phone shows the appointment and the urging
    tech = Screen(browser, url, "technician", PHONE)
    card = tech.card(number)
    playwright.expect(card.locator("dt", has_text="预约时间").locator("+ dd")).to_have_text(f"{day} 10:00")
    playwright.expect(card.locator("dt", has_text="催办次数").locator("+ dd")).to_have_text("2")
    tech.close()

    # When 王芳 reports a dripping tap and calls again: she fixed it herself, so the desk voids it with the reason
    tap = _record(desk, "报修", "卫生间水龙头滴水")
    tap_number = tap.get_attribute("aria-label") or ""
    _answer(desk, tap, "作废", "原因", "住户已自行修好")
    playwright.expect(tap.locator(".badge.status")).to_have_text("已作废")
    desk.check("desk-voided")
    desk.close()
    # Then the trail keeps the reason, and 王芳 sees the order voided
    events = api(stack, "desk").get(f"{url}/api/tickets/{ticket(stack, tap_number)['id']}/events", timeout=10)
    assert [(e["action"], e["note"]) for e in events.json()["events"] if e["action"] == "void"] == [
        ("void", "住户已自行修好")
    ]
    resident = Screen(browser, url, "resident", PHONE)
    playwright.expect(resident.card(tap_number).locator(".badge.status")).to_have_text("已作废")
    resident.close()


def _quoted(stack: dict[str, Any], description: str, amount_cents: int) -> str:
    """A paid repair of 王芳's that 周强 has quoted on site, set up through the API; returns its number."""
    base = f"{stack['console_url']}/api"
    desk, tech = api(stack, "desk"), api(stack, "technician")
    body = {"kind": "repair", "channel": "phone", "description": description, "resident_id": "res-wang-fang"}
    created = desk.post(f"{base}/properties/{PROPERTY}/tickets", json=body, timeout=20)
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]
    steps = [
        (desk, "classify", {"department": "engineering", "paid": True}),
        (desk, "dispatch", {"department": "engineering", "assignee_id": "staff-zhou-qiang"}),
        (tech, "accept", {}),
        (tech, "arrive", {}),
        (tech, "quote", {"amount_cents": amount_cents, "note": "含材料"}),
    ]
    for who, action, payload in steps:
        reply = who.post(f"{base}/tickets/{ticket_id}/actions/{action}", json=payload, timeout=20)
        assert reply.status_code == 200, (action, reply.text)
    return str(created.json()["number"])


def test_the_resident_approves_one_quote_and_declines_another(stack: dict[str, Any], browser: Any) -> None:
    # Given 周强 quoted ¥120 for a new lock and ¥850 for re-tiling the bathroom
    lock = _quoted(stack, "换入户门锁芯", 12_000)
    tiles = _quoted(stack, "卫生间墙砖重新铺贴", 85_000)
    resident = Screen(browser, stack["console_url"], "resident", PHONE)
    lock_card, tiles_card = resident.card(lock), resident.card(tiles)
    playwright.expect(lock_card.locator(".badge.status")).to_have_text("已报价")
    playwright.expect(lock_card.locator("dt", has_text="报价").locator("+ dd")).to_have_text("¥120.00")
    playwright.expect(tiles_card.locator("dt", has_text="报价").locator("+ dd")).to_have_text("¥850.00")
    resident.check("resident-quotes")
    # When 王芳 approves the lock and declines the tiles
    resident.button("同意报价", lock_card).click()
    playwright.expect(lock_card.locator(".badge.status")).to_have_text("报价已同意")
    resident.button("拒绝报价", tiles_card).click()
    playwright.expect(tiles_card.locator(".badge.status")).to_have_text("已完结")
    resident.check("resident-quotes-decided")
    resident.close()
    # Then 周强 may start on the lock, and the tiles are no longer his work
    tech = Screen(browser, stack["console_url"], "technician", PHONE)
    lock_work = tech.card(lock)
    playwright.expect(lock_work.locator(".badge.status")).to_have_text("报价已同意")
    playwright.expect(tech.button("开始维修", lock_work)).to_be_visible()
    playwright.expect(tech.card(tiles)).to_have_count(0)
    tech.close()


def test_the_control_room_works_the_desks_screens_at_night(stack: dict[str, Any], browser: Any) -> None:
    # Given 钱峰 of the control room, who takes the desk's calls after it closes
    night = Screen(browser, stack["console_url"], "control-room", DESKTOP)
    tabs = night.page.locator("nav.tabs").get_by_role("button")
    playwright.expect(tabs).to_contain_text(["工单队列", "来电/来访登记", "晨会清单", "今日值班记录"])
    # When 王芳 calls about a lift stuck on the 8th floor, found by her name
    night.tab("来电/来访登记")
    night.page.get_by_label("查找住户（房号、姓名或电话）").fill("王芳")
    night.button("1-0101 · 王芳").click()
    night.page.get_by_label("内容", exact=True).fill("电梯停在8楼不动")
    night.button("提交").click()
    # Then the order is recorded for her unit, and the queue holds it beside the week-old repair
    card = night.page.locator("article", has_text="电梯停在8楼不动")
    playwright.expect(card.locator(".badge.status")).to_have_text("已受理")
    playwright.expect(card).to_contain_text("1-0101")
    night.check("control-room-record")
    night.tab("工单队列")
    queue = night.page.locator("table.queue")
    playwright.expect(queue.locator("tr", has_text=SAMPLE)).to_contain_text("厨房水管漏水")
    playwright.expect(queue.locator("tr", has_text="电梯停在8楼不动")).to_contain_text("已受理")
    night.check("control-room-queue")
    night.close()
