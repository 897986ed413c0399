"""The manager's console in Debian's Chromium against the local stack: the directory and the property's settings.

刘洋, the site office manager, adds a building and a unit to the directory (and corrects the unit), and a resident
of the new unit is then found where the desk records a call. Every screen is photographed under
test-output/console/ and checked with axe-core; a console error or a failed request on any page fails the test.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.console_kit import DESKTOP, SHANGHAI, Screen, api, browser, playwright, stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

__all__ = ["browser", "stack"]  # the module's fixtures


def test_the_manager_adds_a_building_and_a_unit_whose_resident_the_desk_then_finds(
    stack: dict[str, Any], browser: Any
) -> None:
    manager = Screen(browser, stack["console_url"], "manager", DESKTOP)
    manager.tab("资料与设置")
    places = manager.page.locator("table.places")
    # Given the directory has buildings 1 and 2
    playwright.expect(places.locator("tbody tr")).to_have_count(2)
    # When the manager adds building 3
    building = manager.page.get_by_role("form", name="楼栋")
    building.get_by_label("楼栋名称").fill("3号楼 Building 3")
    manager.button("保存", building).click()
    playwright.expect(places.locator("tr", has_text="3号楼 Building 3")).to_be_visible()
    # And adds unit 0101 in it, then corrects it: the contract is signed after all
    unit = manager.page.get_by_role("form", name="房号")
    unit.get_by_label("楼栋").select_option(label="3号楼 Building 3")
    unit.get_by_label("房号", exact=True).fill("0101")
    manager.button("保存", unit).click()
    row = places.locator("tr", has_text="3号楼 Building 3")
    playwright.expect(row.locator("td").nth(1)).to_have_text("0101 (未签约)")
    unit.get_by_label("选择房号").select_option(label="3号楼 Building 3 0101")
    unit.get_by_label("已签约").check()
    manager.button("保存", unit).click()
    playwright.expect(row.locator("td").nth(1)).to_have_text("0101")
    # And records 赵敏, who moves into it
    moving_in = manager.page.get_by_role("form", name="住户")
    moving_in.get_by_label("房号").select_option("sun-3-0101")
    moving_in.get_by_label("姓名").fill("赵敏")
    moving_in.get_by_label("电话").fill("139 0000 5678")
    manager.button("保存", moving_in).click()
    playwright.expect(manager.page.locator("tr", has_text="赵敏")).to_contain_text("+8613900005678")
    manager.check("manager-buildings-and-units")
    # Then, recording a call, the desk finds 赵敏 by her new unit
    manager.tab("工单队列")
    manager.tab("来电/来访登记")
    manager.page.get_by_label("查找住户（房号、姓名或电话）").fill("3-0101")
    playwright.expect(manager.button("3-0101 · 赵敏")).to_be_visible()
    manager.close()


def test_the_manager_changes_the_desk_hours_a_holiday_and_the_callback_rule_and_they_are_kept(
    stack: dict[str, Any], browser: Any
) -> None:
    manager = Screen(browser, stack["console_url"], "manager", DESKTOP)
    manager.tab("资料与设置")
    settings = manager.page.locator("form.settings")
    # Given the desk of 阳光花园 works 08:00-21:00, with no holiday, calling back only the jobs the rule requires
    playwright.expect(settings.get_by_label("前台下班")).to_have_value("21:00")
    playwright.expect(settings.get_by_label("全部回访")).not_to_be_checked()
    # When the manager closes the desk at 20:00, adds the Spring Festival's eve and first day, and calls back every job
    settings.get_by_label("前台下班").fill("20:00")
    settings.get_by_label("节假日（每行一个日期）").fill("2027-02-05\n2027-02-06")
    settings.get_by_label("全部回访").check()
    manager.button("保存", settings).click()
    manager.notice("已保存")
    # Then, back on the settings after another screen, they are as the manager left them
    manager.tab("时效看板")
    manager.tab("资料与设置")
    playwright.expect(settings.get_by_label("前台上班")).to_have_value("08:00")
    playwright.expect(settings.get_by_label("前台下班")).to_have_value("20:00")
    playwright.expect(settings.get_by_label("节假日（每行一个日期）")).to_have_value("2027-02-05\n2027-02-06")
    playwright.expect(settings.get_by_label("全部回访")).to_be_checked()
    manager.check("manager-settings")
    manager.close()
    # And the property the API serves says so
    kept = api(stack, "manager").get(f"{stack['console_url']}/api/properties/prop-sun", timeout=10).json()
    assert (kept["desk_opens"], kept["desk_closes"]) == ("08:00:00", "20:00:00")
    assert kept["holidays"] == ["2027-02-05", "2027-02-06"]
    assert kept["settings"]["callback_all"] is True


def test_the_manager_reads_a_day_of_the_duty_log_with_its_handover_and_reviews_today(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    today = datetime.now(SHANGHAI).date()
    yesterday = today - timedelta(days=1)
    # Given the desk answered a call about tomorrow's water cut today
    desk = api(stack, "desk")
    answered = {"channel": "phone", "request": "询问明日停水时间", "outcome": "answered", "answer": "明日 9-12 点停水"}
    desk.post(f"{url}/api/properties/prop-sun/duty/contacts", json=answered, timeout=10).raise_for_status()
    # When the manager opens the duty log review: yesterday's log, reviewed last night
    manager = Screen(browser, url, "manager", DESKTOP)
    manager.tab("值班记录审阅")
    review = manager.page.locator("dl.review")
    playwright.expect(review).to_contain_text(f"刘洋 · {yesterday:%m/%d} 21:30")
    playwright.expect(review).to_contain_text("记录完整；大堂灯已报工程部，监控录像申请请秩序部今日回复")
    # Then it shows yesterday's six calls and visits, the night's included, and the desk's handover at 21:00
    contacts = manager.page.locator("table.duty-day tbody tr")
    playwright.expect(contacts).to_have_count(6)
    playwright.expect(contacts.filter(has_text="楼上漏水到卫生间")).to_contain_text(f"{yesterday:%m/%d} 22:20")
    handover = manager.page.locator("table.handovers tbody tr")
    playwright.expect(handover).to_have_count(1)
    playwright.expect(handover).to_contain_text(f"{yesterday:%m/%d} 21:00")
    playwright.expect(handover).to_contain_text("前台 → 中控室")
    manager.check("manager-duty-review-yesterday")
    # When the manager turns to today, not reviewed yet, and records the review with a note
    manager.page.get_by_label("日期").fill(today.isoformat())
    playwright.expect(contacts.filter(has_text="询问明日停水时间")).to_contain_text("当场答复: 明日 9-12 点停水")
    form = manager.page.get_by_role("form", name="值班记录审阅")
    playwright.expect(form).to_contain_text("当日尚未审阅")
    form.get_by_label("审阅意见").fill("停水咨询已当场答复，记录完整")
    manager.button("审阅", form).click()
    # Then today shows who reviewed it, the note, and the one contact the day had when reviewed
    playwright.expect(review).to_contain_text("刘洋")
    playwright.expect(review).to_contain_text("停水咨询已当场答复，记录完整")
    playwright.expect(review.locator("dd").nth(2)).to_have_text("1")
    manager.check("manager-duty-review-today")
    manager.close()


def test_the_manager_adds_an_entry_to_the_knowledge_base_in_both_languages_edits_it_and_reads_its_history(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    manager = Screen(browser, url, "manager", DESKTOP)
    manager.tab("答客问")
    # When the manager adds an entry on water cuts, in Chinese and in English
    new = manager.page.get_by_role("form", name="新增条目")
    new.get_by_label("分类").fill("water")
    new.get_by_label("标签（逗号分隔）").fill("停水, 供水")
    new.get_by_label("问题 (zh-CN)").fill("小区停水会提前通知吗？")
    new.get_by_label("答复 (zh-CN)").fill("会，提前一天在大堂和App公告。")
    new.get_by_label("问题 (en)").fill("Are water cuts announced in advance?")
    new.get_by_label("答复 (en)").fill("Yes, a day before, in the lobby and in the app.")
    manager.button("保存", new).click()
    manager.notice("答客问: 已保存")
    entry = manager.page.locator("li.entry", has_text="小区停水会提前通知吗？")
    playwright.expect(entry).to_contain_text("会，提前一天在大堂和App公告。")
    playwright.expect(entry).to_contain_text("v1")
    # And corrects its Chinese answer: at least 24 hours before
    manager.button("修改", entry).click()
    edit = entry.get_by_role("form", name="修改: 小区停水会提前通知吗？")
    playwright.expect(edit.get_by_label("问题 (en)")).to_have_value("Are water cuts announced in advance?")
    edit.get_by_label("答复 (zh-CN)").fill("会，至少提前24小时在大堂和App公告。")
    manager.button("保存", edit).click()
    playwright.expect(entry).to_contain_text("会，至少提前24小时在大堂和App公告。")
    playwright.expect(entry).to_contain_text("v2")
    # Then its history shows who wrote each version, and what it answered
    manager.button("修改记录", entry).click()
    rows = entry.locator("table.history tbody tr")
    playwright.expect(rows).to_have_count(2)
    playwright.expect(rows.nth(0)).to_contain_text("刘洋 · 新增")
    playwright.expect(rows.nth(0)).to_contain_text("会，提前一天在大堂和App公告。")
    playwright.expect(rows.nth(1)).to_contain_text("刘洋 · 修改")
    playwright.expect(rows.nth(1)).to_contain_text("会，至少提前24小时在大堂和App公告。")
    manager.check("manager-knowledge-history")
    # And the desk's search by words finds it, in Chinese by character pairs
    manager.page.get_by_label("查找答客问（关键词）").fill("停水 通知")
    manager.button("查找").click()
    playwright.expect(manager.page.locator("li.entry").first).to_contain_text("小区停水会提前通知吗？")
    manager.close()
    found = (
        api(stack, "desk")
        .get(f"{url}/api/properties/prop-sun/knowledge", params={"q": "water cuts"}, timeout=10)
        .json()
    )
    assert [e["answer"] for e in found] == [
        {"zh-CN": "会，至少提前24小时在大堂和App公告。", "en": "Yes, a day before, in the lobby and in the app."}
    ]


def test_a_group_manager_picks_a_property_and_every_screen_works_on_it_for_the_session(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    # Given the group opens a second property, 明月小区, where the call centre records a lift fault
    group = api(stack, "group-manager")
    moon = {"id": "prop-moon", "code": "MOON", "name": "明月小区 Moon Court", "timezone": "Asia/Shanghai"}
    group.post(f"{url}/api/properties", json=moon, timeout=10).raise_for_status()
    call = {"kind": "repair", "channel": "call_centre", "area": "public", "description": "3号楼电梯异响"}
    lift = api(stack, "callcentre").post(f"{url}/api/properties/prop-moon/tickets", json=call, timeout=10)
    lift.raise_for_status()
    number = lift.json()["number"]
    assert number.startswith("MOON-")
    # When 林峰, the group manager, signs in: both properties are his to pick, and the first one opens
    manager = Screen(browser, url, "group-manager", DESKTOP)
    picker = manager.page.get_by_label("物业项目")
    playwright.expect(picker.locator("option")).to_have_text(["明月小区 Moon Court", "阳光花园 Sunshine Gardens"])
    playwright.expect(manager.page.locator("h1")).to_have_text("明月小区 Moon Court")
    # Then its board counts its one ticket, and its queue shows the lift fault
    playwright.expect(manager.page.locator("#board-title")).to_contain_text("工单数 1")
    manager.tab("工单队列")
    queue = manager.page.locator("table.queue")
    row = queue.locator("tr", has=manager.page.get_by_role("button", name=number, exact=True))
    playwright.expect(row).to_contain_text("3号楼电梯异响")
    playwright.expect(row).to_contain_text("已受理")
    manager.check("group-manager-moon-queue")
    # When he picks 阳光花园
    picker.select_option(label="阳光花园 Sunshine Gardens")
    playwright.expect(manager.page.locator("h1")).to_have_text("阳光花园 Sunshine Gardens")
    # Then its queue holds its own tickets, not 明月小区's lift fault
    manager.tab("工单队列")
    playwright.expect(queue).to_contain_text("SUN-")
    playwright.expect(queue).not_to_contain_text("3号楼电梯异响")
    manager.check("group-manager-sun-queue")
    # And after a reload the console is still on 阳光花园: the choice is kept for the session
    manager.page.reload()
    playwright.expect(manager.page.locator("h1")).to_have_text("阳光花园 Sunshine Gardens")
    playwright.expect(picker).to_have_value("prop-sun")
    # And back on 明月小区, today's duty log holds the call centre's call that opened the ticket
    picker.select_option(label="明月小区 Moon Court")
    playwright.expect(manager.page.locator("h1")).to_have_text("明月小区 Moon Court")
    manager.tab("值班记录审阅")
    manager.page.get_by_label("日期").fill(datetime.now(SHANGHAI).date().isoformat())
    playwright.expect(manager.page.locator("table.duty-day")).to_contain_text(f"已开单: {number}")
    manager.check("group-manager-duty-review")
    manager.close()
    # And 陈静 of the call centre, group-level too, works 明月小区's queue where she recorded the call
    agent = Screen(browser, url, "callcentre", DESKTOP)
    agent.page.get_by_label("物业项目").select_option(label="明月小区 Moon Court")
    playwright.expect(agent.page.locator("h1")).to_have_text("明月小区 Moon Court")
    playwright.expect(agent.page.locator("table.queue")).to_contain_text("3号楼电梯异响")
    agent.check("callcentre-picked-property")
    agent.close()
