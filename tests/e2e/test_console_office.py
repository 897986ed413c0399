"""The site office's registers and the household services in Debian's Chromium against the local stack.

The clerk issues 王芳's fourth pass card (¥50: her first three were free) and hands it over against the signature
she draws on the screen; a contractor's work permit goes through finance's fee, security's document check and the
office's issue within its 30 minutes; the gate logs a parcel and the clerk hands it to its addressee against her
signature. The cleaning team leader prices a new monthly cleaning on site with the building's butler, and the
butler pauses and resumes 王芳's weekly cleaning and reads its monthly register. Every screen is photographed
under test-output/console/ and checked with axe-core; a console error or a failed request fails the test.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.console_kit import DESKTOP, PHONE, SHANGHAI, Screen, api, browser, playwright, stack, ticket

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

__all__ = ["browser", "stack"]  # the module's fixtures


def sign(screen: Screen, form: Any) -> None:
    """The person signs on the pad with the mouse, a few strokes."""
    pad = form.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    screen.page.mouse.move(box["x"] + 20, box["y"] + 60)
    screen.page.mouse.down()
    for stroke in range(1, 12):
        screen.page.mouse.move(box["x"] + 20 + stroke * 25, box["y"] + 60 + (stroke % 3) * 15)
    screen.page.mouse.up()


def registers(stack: dict[str, Any], segment: str) -> list[dict[str, Any]]:
    reply = api(stack, "clerk").get(f"{stack['console_url']}/api/properties/prop-sun/registers/{segment}", timeout=10)
    assert reply.status_code == 200, reply.text
    entries: list[dict[str, Any]] = reply.json()
    return entries


def test_the_site_office_issues_a_pass_card_a_permit_and_hands_over_mail(stack: dict[str, Any], browser: Any) -> None:
    url = stack["console_url"]
    clerk_api = api(stack, "clerk")
    # Given 王芳 already holds the demo's card and the office issued her two more today: her free three are used
    issued_ids = []
    for card_number in ("SUN-0001002", "SUN-0001003"):
        body = {"resident_id": "res-wang-fang", "card_number": card_number}
        issued = clerk_api.post(f"{url}/api/properties/prop-sun/registers/pass-cards", json=body, timeout=10)
        assert issued.status_code == 201 and issued.json()["fee_cents"] == 0, issued.text
        issued_ids.append(issued.json()["id"])

    # When the clerk issues her a fourth card
    clerk = Screen(browser, url, "clerk", DESKTOP)
    playwright.expect(clerk.page.locator("nav.tabs")).to_have_text("管理处登记")
    clerk.page.get_by_label("查找住户（房号、姓名或电话）").fill("王芳")
    clerk.button("1-0101 · 王芳").click()
    clerk.page.get_by_label("卡号").fill("SUN-0001004")
    clerk.button("发放出入证").click()
    # Then the office sees its fee in yuan, as the free three are used
    clerk.notice("已发卡 · 工本费 ¥50.00")
    number = re.search(r"SUN-PC-\d{8}-\d{3}", clerk.page.get_by_role("status").inner_text())
    assert number is not None
    card = clerk.card(number.group())
    playwright.expect(card).to_contain_text("SUN-0001004")
    playwright.expect(card).to_contain_text("¥50.00")
    playwright.expect(card.locator(".badge.status")).to_have_text("已发放")
    # When she signs on the screen and the clerk hands the card over
    clerk.button("签名领取", card).click()
    form = card.locator("form")
    playwright.expect(form).to_contain_text("签名人: 王芳")
    sign(clerk, form)
    clerk.check("office-pass-card-signature")
    clerk.button("签名领取", form).click()
    clerk.notice(f"{number.group()}: 已签名领取")
    playwright.expect(card.locator(".badge.status")).to_have_text("已领取")
    # When she reports card SUN-0001002 lost, the clerk cancels it with the reason
    lost = clerk.card(issued_ids[0])
    clerk.button("挂失注销", lost).click()
    lost.get_by_label("原因").fill("住户报失")
    clerk.button("挂失注销", lost.locator("form")).click()
    clerk.notice(f"{issued_ids[0]}: 已注销")
    playwright.expect(lost.locator(".badge.status")).to_have_text("已注销")
    playwright.expect(lost).to_contain_text("住户报失")
    playwright.expect(lost.get_by_role("button")).to_have_count(0)
    clerk.check("office-pass-cards")
    handed = next(c for c in registers(stack, "pass-cards") if c["id"] == number.group())
    assert handed["status"] == "handed_over"
    assert handed["signature_key"].startswith(f"registers/prop-sun/pass_cards/{number.group()}/signature-")

    # When a decorator applies for two workers' permits with a ¥200 fee
    clerk.button("施工单位工作证").click()
    application = clerk.page.get_by_role("form", name="受理工作证申请")
    application.get_by_label("施工单位").fill("明辉装饰 Minghui Decoration")
    application.get_by_label("施工内容").fill("卫生间防水 bathroom waterproofing")
    application.get_by_label("房号").select_option(label="2-0801")
    application.get_by_label("施工人员（每行一人）").fill("张师傅\n刘师傅")
    application.get_by_label("证件资料（每行一项）").fill("营业执照\n身份证复印件")
    application.get_by_label("工本费/押金（元）").fill("200")
    clerk.button("受理工作证申请", application).click()
    clerk.notice("已受理 · 应办结")
    permit_id = re.search(r"SUN-WP-\d{8}-\d{3}", clerk.page.get_by_role("status").inner_text())
    assert permit_id is not None
    permit = next(p for p in registers(stack, "permits") if p["id"] == permit_id.group())
    # Then its card shows when it must be issued: 30 minutes after receipt, in Shanghai time
    due = (datetime.fromisoformat(permit["received_at"]).astimezone(SHANGHAI) + timedelta(minutes=30)).strftime(
        "%m/%d %H:%M"
    )
    card = clerk.card(permit_id.group())
    playwright.expect(card).to_contain_text(f"应办结{due}")
    playwright.expect(card).to_contain_text("¥200.00")
    playwright.expect(card).to_contain_text("2-0801")
    clerk.check("office-permit-received")

    # When finance takes the fee: finance sees the permits only, and neither the document check nor the issue
    finance = Screen(browser, url, "finance", DESKTOP)
    card = finance.card(permit_id.group())
    playwright.expect(finance.page.get_by_role("group", name="管理处登记")).to_have_text("施工单位工作证")
    playwright.expect(card.locator(".action-buttons button")).to_have_text(["收费"])
    finance.button("收费", card).click()
    playwright.expect(card.get_by_label("金额（元）")).to_have_value("200.00")
    finance.button("收费", card.locator("form")).click()
    finance.notice(f"{permit_id.group()}: 已收费")
    playwright.expect(card).to_contain_text("财务收费✓")
    finance.check("finance-permit-fee")
    finance.close()

    # And security passes the documents at the gate, where the newspapers register is not kept
    gate = Screen(browser, url, "gate", DESKTOP)
    playwright.expect(gate.page.get_by_role("group", name="管理处登记").get_by_role("button")).to_have_text(
        ["业户出入证", "施工单位工作证", "邮件收发", "访客"]
    )
    gate.button("施工单位工作证").click()
    card = gate.card(permit_id.group())
    playwright.expect(card.locator(".action-buttons button")).to_have_text(["查验证件"])
    gate.button("查验证件", card).click()
    gate.button("证件合格", card.locator("form")).click()
    gate.notice(f"{permit_id.group()}: 证件合格")
    gate.check("gate-permit-documents")

    # Then the office issues the permits: one number per worker, within the 30 minutes
    clerk.button("刷新", clerk.page.locator("h3", has_text="施工单位工作证")).click()
    card = clerk.card(permit_id.group())
    playwright.expect(card).to_contain_text("保安查验✓")
    clerk.button("发证", card).click()
    clerk.button("发证 ✓", card.locator("form")).click()
    clerk.notice(f"{permit_id.group()}: 已发证")
    playwright.expect(card.locator(".badge.status")).to_have_text("已发证")
    playwright.expect(card).to_contain_text(f"张师傅 ({permit_id.group()}-01)、刘师傅 ({permit_id.group()}-02)")
    playwright.expect(card).to_contain_text(f"应办结{due} · 按时")
    clerk.check("office-permit-issued")

    # When the gate logs a parcel from JD for 王芳
    gate.button("邮件收发").click()
    logging = gate.page.get_by_role("form", name="登记邮件")
    logging.get_by_label("查找住户（房号、姓名或电话）").fill("1-0101")
    gate.button("1-0101 · 王芳", logging).click()
    logging.get_by_label("寄件方").fill("京东物流 JD")
    gate.button("登记邮件", logging).click()
    gate.notice("已登记 · 已发送")
    mail_id = re.search(r"SUN-ML-\d{8}-\d{3}", gate.page.get_by_role("status").inner_text())
    assert mail_id is not None
    card = gate.card(mail_id.group())
    playwright.expect(card).to_contain_text("收件人1-0101 · 王芳")
    playwright.expect(card).to_contain_text("邮件类别包裹")
    playwright.expect(card).to_contain_text("短信通知已发送")  # she was told by SMS
    # And the gate does not hand mail over: that is the office's
    playwright.expect(card.get_by_role("button")).to_have_count(0)
    gate.check("gate-mail")
    # And the gate asks the office whether to let in a furniture delivery for 王芳
    gate.button("访客").click()
    asking = gate.page.get_by_role("form", name="门岗询问")
    asking.get_by_label("访客").fill("孙七")
    asking.get_by_label("事由").fill("送家具 furniture delivery")
    asking.get_by_label("查找住户（房号、姓名或电话）").fill("王芳")
    gate.button("1-0101 · 王芳", asking).click()
    gate.button("门岗询问", asking).click()
    gate.notice("已询问管理处")
    visit_id = re.search(r"SUN-VS-\d{8}-\d{3}", gate.page.get_by_role("status").inner_text())
    assert visit_id is not None
    playwright.expect(gate.card(visit_id.group()).locator(".badge.status")).to_have_text("待答复")
    gate.check("gate-visitors")
    gate.close()

    # Then the clerk finds it waiting and hands it to 王芳 against her own signature
    clerk.button("邮件收发").click()
    card = clerk.card(mail_id.group())
    playwright.expect(card.locator(".badge.status")).to_have_text("待领取")
    clerk.button("签名领取", card).click()
    form = card.locator("form")
    playwright.expect(form).to_contain_text("签名人: 1-0101 · 王芳")
    sign(clerk, form)
    clerk.button("签名领取", form).click()
    clerk.notice(f"{mail_id.group()}: 已签名领取")
    playwright.expect(card).to_have_count(0)  # no longer among the waiting
    clerk.check("office-mail")
    collected = next(m for m in registers(stack, "mail") if m["id"] == mail_id.group())
    assert (collected["status"], collected["signed_by"]) == ("handed_over", "res-wang-fang")

    # When the clerk has confirmed the delivery with 王芳 and answers the gate
    clerk.button("访客").click()
    visit = clerk.card(visit_id.group())
    clerk.button("答复门岗", visit).click()
    playwright.expect(visit.get_by_label("确认人")).to_have_value("王芳")
    clerk.button("同意进入", visit.locator("form")).click()
    # Then the register keeps the answer, whom it was confirmed with and when
    clerk.notice(f"{visit_id.group()}: 同意进入")
    playwright.expect(visit.locator(".badge.status")).to_have_text("同意进入")
    answered = next(v for v in registers(stack, "visitors") if v["id"] == visit_id.group())
    answered_at = datetime.fromisoformat(answered["answered_at"]).astimezone(SHANGHAI)
    playwright.expect(visit).to_contain_text(f"答复时间{answered_at:%m/%d %H:%M} · 王芳")
    clerk.check("office-visitors")
    # And the newspapers register shows the demo's year of People's Daily, billed in advance
    clerk.button("报刊订阅").click()
    playwright.expect(clerk.page.locator("article", has_text="人民日报")).to_contain_text("预收¥300.00")
    clerk.check("office-newspapers")
    # And in English, the same registers read in English
    clerk.button("English").click()
    playwright.expect(clerk.page.locator("nav.tabs")).to_have_text("Site office registers")
    clerk.button("Newspapers").click()
    playwright.expect(clerk.page.locator("article", has_text="人民日报")).to_contain_text("Awaiting signature")
    clerk.check("office-newspapers-en")
    clerk.close()


def test_household_requests_are_priced_on_site_and_become_plans_and_orders_and_a_plan_is_paused_and_resumed(
    stack: dict[str, Any], browser: Any
) -> None:
    url = stack["console_url"]
    # Given the desk recorded Alex Morgan's request for a weekly cleaning of 2-0802
    body = {
        "service": "monthly_cleaning",
        "description": "每周清洁一次 weekly cleaning, 2 rooms",
        "resident_id": "res-alex-morgan",
        "channel": "phone",
    }
    made = api(stack, "desk").post(f"{url}/api/properties/prop-sun/household/requests", json=body, timeout=10)
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]

    # When the cleaning team leader, on her phone, prices it on site at ¥180 a visit with the building's butler
    leader = Screen(browser, url, "cleaning-lead", PHONE)
    playwright.expect(leader.page.locator("nav.tabs")).to_have_text("家政服务")
    card = leader.card(request_id)
    playwright.expect(card.locator(".badge.status")).to_have_text("待上门定价")
    playwright.expect(card).to_contain_text("2-0802")
    leader.button("上门定价", card).click()
    form = card.locator("form")
    playwright.expect(form.get_by_label("同去的管家")).to_have_value("staff-zhao-lei")
    form.get_by_label("价格（元）").fill("180")
    leader.check("team-leader-price-on-site")
    leader.button("上门定价", form).click()
    # Then she sees it priced, and it waits for the desk or the butler to set up the plan
    leader.notice(f"{request_id}: 已定价 ¥180.00/次")
    playwright.expect(card.locator(".badge.status")).to_have_text("已定价")
    playwright.expect(card).to_contain_text("¥180.00/次")
    playwright.expect(card.get_by_role("button", name="生成包月计划")).to_have_count(0)
    leader.check("team-leader-requests")
    leader.close()
    priced = api(stack, "desk").get(f"{url}/api/properties/prop-sun/household/requests/{request_id}", timeout=10)
    assert {k: priced.json()[k] for k in ("price_cents", "assessed_by", "butler_id")} == {
        "price_cents": 18000,
        "assessed_by": "staff-ma-li",
        "butler_id": "staff-zhao-lei",
    }

    # When the manager adds glass cleaning to the price list at ¥5 a square metre, then raises it to ¥6
    manager = Screen(browser, url, "manager", DESKTOP)
    manager.tab("家政服务")
    manager.button("有偿服务收费标准").click()
    adding = manager.page.get_by_role("form", name="新增收费项目")
    adding.get_by_label("项目编号").fill("glass")
    adding.get_by_label("服务项目").fill("擦玻璃 glass cleaning")
    adding.get_by_label("计价单位").fill("平方米")
    adding.get_by_label("价格（元）").fill("5")
    manager.button("新增收费项目", adding).click()
    manager.notice("擦玻璃 glass cleaning: ¥5.00/平方米")
    row = manager.page.locator("table.prices tr", has_text="擦玻璃")
    row.get_by_label("擦玻璃 glass cleaning 价格（元）").fill("6")
    manager.button("保存", row).click()
    manager.notice("擦玻璃 glass cleaning: ¥6.00/平方米")
    playwright.expect(row).to_contain_text("¥6.00")
    manager.check("manager-price-list")
    # And turns Alex's priced request into a plan: Tuesdays at 10:00, each visit 何平's order
    manager.button("家政需求").click()
    card = manager.card(request_id)
    manager.button("生成包月计划", card).click()
    form = card.locator("form")
    form.get_by_label("周二").check()
    form.get_by_label("上门时间").fill("10:00")
    form.get_by_label("服务人员").select_option(label="何平")
    manager.button("生成包月计划", form).click()
    manager.notice("包月计划 · 服务中")
    playwright.expect(card.locator(".badge.status")).to_have_text("已确认")
    manager.check("manager-household-requests")
    # And the month's statement lists 王芳's plan, nothing done yet and nothing owed
    manager.button("月结单").click()
    wang = manager.page.locator("table.statement tr", has_text="1-0101 · 王芳")
    playwright.expect(wang).to_contain_text("包月清洁 · 已上门 0 · 未上门 0 · ¥0.00")
    manager.check("manager-household-statement")
    manager.close()
    plans = api(stack, "manager").get(f"{url}/api/properties/prop-sun/household/plans", timeout=10).json()
    alex = next(p for p in plans if p["request_id"] == request_id)
    assert (alex["weekdays"], alex["at"], alex["assignee_id"], alex["price_yuan"]) == (
        [2],
        "10:00:00",
        "staff-he-ping",
        "180.00",
    )

    # When the butler confirms with Alex the time of a move-in deep cleaning the team leader priced at ¥600
    body = {"service": "deep_cleaning", "description": "开荒保洁 move-in cleaning", "resident_id": "res-alex-morgan"}
    deep = api(stack, "desk").post(f"{url}/api/properties/prop-sun/household/requests", json=body, timeout=10).json()
    assessment: dict[str, Any] = {"price_cents": 60000, "unit": "次"}
    priced = api(stack, "cleaning-lead").post(
        f"{url}/api/properties/prop-sun/household/requests/{deep['id']}/assessment", json=assessment, timeout=10
    )
    assert priced.status_code == 200, priced.text
    butler = Screen(browser, url, "butler", DESKTOP)
    butler.tab("家政服务")
    card = butler.card(deep["id"])
    butler.button("与住户确认时间并派单", card).click()
    appointment = datetime.now(SHANGHAI).date() + timedelta(days=5)
    card.get_by_label("预约时间").fill(f"{appointment}T14:00")
    butler.button("与住户确认时间并派单", card.locator("form")).click()
    # Then the priced order is issued for that afternoon, Shanghai time
    butler.notice(f"已生成工单 · {appointment:%m/%d} 14:00")
    playwright.expect(card.locator(".badge.status")).to_have_text("已确认")
    order = re.search(r"SUN-\d{8}-\d{4}", butler.page.get_by_role("status").inner_text())
    assert order is not None
    ordered = ticket(stack, order.group())
    assert (ordered["kind"], ordered["quote_cents"], ordered["paid"]) == ("household_service", 60000, True)

    # When the butler pauses 王芳's weekly cleaning while she is away, then resumes it
    butler.button("包月计划").click()
    plan = butler.card("plan-demo-wang-clean")
    playwright.expect(plan.locator(".badge.status")).to_have_text("服务中")
    playwright.expect(plan).to_contain_text("¥150.00")
    butler.button("暂停", plan).click()
    plan.get_by_label("原因").fill("住户出差两周")
    butler.button("暂停", plan.locator("form")).click()
    butler.notice("plan-demo-wang-clean: 已暂停")
    playwright.expect(plan.locator(".badge.status")).to_have_text("已暂停")
    playwright.expect(plan).to_contain_text("已暂停: 住户出差两周")
    butler.check("butler-plan-paused")
    butler.button("恢复", plan).click()
    plan.get_by_label("原因").fill("住户已回家")
    butler.button("恢复", plan.locator("form")).click()
    butler.notice("plan-demo-wang-clean: 服务中")
    playwright.expect(plan.locator(".badge.status")).to_have_text("服务中")
    # And its monthly register for the month of its next visit lists that visit at 09:00, still to come
    first_visit = datetime.now(SHANGHAI).date() + timedelta(days=3)
    butler.button("包月登记表", plan).click()
    plan.get_by_label("月份").fill(first_visit.strftime("%Y-%m"))
    line = plan.locator("table.register tr", has_text=first_visit.isoformat())
    playwright.expect(line).to_contain_text(f"{first_visit:%m/%d} 09:00")
    playwright.expect(line).to_contain_text("待上门")
    playwright.expect(line).to_contain_text("¥150.00")
    butler.check("butler-plan-register")
    butler.close()
    history = api(stack, "desk").get(f"{url}/api/properties/prop-sun/household/plans/plan-demo-wang-clean", timeout=10)
    assert [(n["action"], n["note"]) for n in history.json()["history"]][-2:] == [
        ("pause", "住户出差两周"),
        ("resume", "住户已回家"),
    ]
