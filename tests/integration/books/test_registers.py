"""The site office's registers through the public API: pass cards, work permits, mail, newspapers, visitors.

Given the test world (10:00 on Monday 23 November 2026 in Shanghai) and the office's staff, each register is
walked as the office walks it; answers, the SMS a resident receives and refusals are what is asserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Resident
from tests.integration.books.registers_world import Office, office_account, sms_sent, upload_signature

SUN = "/properties/SUN/registers"


@pytest.fixture(scope="module")
def account() -> Iterator[Office]:
    # The permit timer has its own test (test_registers_permit_timer.py); here no timer is deployed.
    yield from office_account({"PERMIT_TIMER_ARN": ""})


@pytest.fixture
def office(account: Office, clock: Any) -> Office:
    account.fresh_books()
    return account


@pytest.fixture
def api(office: Office) -> Any:
    return office.api


@pytest.fixture
def aws(office: Office) -> dict[str, str]:
    return office.physical


@pytest.fixture
def world(office: Office) -> Any:
    return office.world


def test_three_free_pass_cards_per_family_member_then_fifty_yuan_each(api, office, aws):
    fees = []
    for n in range(1, 5):
        reply = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": f"C-{n}"})
        assert reply.status == 201, reply.body
        fees.append(reply.body["fee_cents"])
    assert fees == [0, 0, 0, 5000]
    # Another member of the family starts with three free cards of their own.
    reply = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "smith", "card_number": "C-9"})
    assert reply.body["fee_cents"] == 0
    assert reply.body["holder"] == "John Smith"


def test_a_pass_card_is_handed_over_only_against_an_uploaded_signature(api, office, aws):
    card = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": "C-1"}).body
    path = f"{SUN}/pass-cards/{card['id']}"
    assert card["id"] == "SUN-PC-20261123-001"

    never_uploaded = f"registers/SUN/pass_cards/{card['id']}/signature-x.png"
    refused = api.post(f"{path}/handover", office["clerk"], body={"signature_key": never_uploaded})
    assert refused.status == 400
    assert refused.body["details"] == [{"field": "signature_key", "problem": "the signature image was not uploaded"}]
    assert api.get(path, office["clerk"]).body["status"] == "issued"

    key = upload_signature(api, office["clerk"], path, aws["AttachmentsBucket"])
    handed = api.post(f"{path}/handover", office["clerk"], body={"signature_key": key})
    assert handed.status == 200, handed.body
    assert handed.body["status"] == "handed_over"
    assert handed.body["handed_over_at"] == "2026-11-23T02:00:00Z"


def test_a_lost_pass_card_is_cancelled_and_still_counts_towards_the_free_three(api, office):
    first = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": "C-1"}).body
    cancelled = api.post(f"{SUN}/pass-cards/{first['id']}/cancel", office["clerk"], body={"reason": "丢失 lost"})
    assert cancelled.status == 200
    assert cancelled.body["status"] == "cancelled"
    assert cancelled.body["cancel_reason"] == "丢失 lost"
    again = api.post(f"{SUN}/pass-cards/{first['id']}/cancel", office["clerk"], body={"reason": "丢失 lost"})
    assert again.status == 409
    for n in (2, 3):
        api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": f"C-{n}"})
    replacement = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": "C-4"})
    assert replacement.body["fee_cents"] == 5000


def test_a_permit_needs_the_fee_from_finance_and_documents_passed_by_security_before_it_is_issued(api, office, clock):
    application = {
        "contractor": "平安装修公司",
        "work": "1栋101 厨房改造",
        "unit_id": "U101",
        "workers": [{"name": "王师傅"}, {"name": "李师傅"}],
        "documents": ["营业执照", "施工方案"],
        "fee_cents": 20000,
    }
    permit = api.post(f"{SUN}/permits", office["clerk"], body=application)
    assert permit.status == 201, permit.body
    assert permit.body["id"] == "SUN-WP-20261123-001"
    assert permit.body["due_at"] == "2026-11-23T02:30:00Z"  # 10:30 in Shanghai
    path = f"{SUN}/permits/{permit.body['id']}"

    early = api.post(f"{path}/issue", office["clerk"])
    assert early.status == 409
    assert [d["field"] for d in early.body["details"]] == ["fee", "documents"]

    assert api.post(f"{path}/fee", office["clerk"], body={"amount_cents": 20000}).status == 403
    wrong = api.post(f"{path}/fee", office["finance"], body={"amount_cents": 2000})
    assert wrong.status == 400
    assert wrong.body["details"] == [{"field": "amount_cents", "problem": "the permit's fee is 20000"}]
    assert api.post(f"{path}/fee", office["finance"], body={"amount_cents": 20000}).status == 200
    assert api.post(f"{path}/documents", office["finance"], body={"passed": True}).status == 403
    assert api.post(f"{path}/documents", office["gate"], body={"passed": 1}).status == 422
    assert api.post(f"{path}/documents", office["gate"], body={"passed": True}).status == 200

    clock.advance(minutes=20)
    issued = api.post(f"{path}/issue", office["clerk"])
    assert issued.status == 200, issued.body
    assert issued.body["issued_at"] == "2026-11-23T02:20:00Z"
    assert issued.body["met_target"] is True
    assert [w["permit_number"] for w in issued.body["workers"]] == ["SUN-WP-20261123-001-01", "SUN-WP-20261123-001-02"]
    assert [s["action"] for s in issued.body["trail"]] == ["receive", "take_fee", "check_documents", "issue"]


def test_mail_is_counted_and_the_addressee_is_told_in_their_language(api, office):
    letter = api.post(f"{SUN}/mail", office["gate"], body={"resident_id": "zhang", "item": "parcel", "sender": "顺丰"})
    parcel = api.post(f"{SUN}/mail", office["clerk"], body={"resident_id": "smith", "item": "registered"})
    assert (letter.status, parcel.status) == (201, 201)
    assert [letter.body["id"], parcel.body["id"]] == ["SUN-ML-20261123-001", "SUN-ML-20261123-002"]
    assert sms_sent() == [
        ("+8613800000001", "张伟您好，您有一件包裹已到管理处（编号SUN-ML-20261123-001），请本人携带证件签名领取。"),
        (
            "+8613800000002",
            "Dear John Smith, a registered letter for you has arrived at the site office "
            "(no. SUN-ML-20261123-002). Please collect it in person and sign for it.",
        ),
    ]
    assert (letter.body["notified"], parcel.body["notified"]) == ("sent", "sent")
    # A resident who opted out of SMS is not texted; the item is logged all the same.
    quiet = Resident(id="quiet", property_id="SUN", unit_id="U102", name="安静", phone="+8613800000009")
    DirectoryStore(office.physical["DirectoryTable"]).put(quiet.model_copy(update={"sms_opt_out": True}), create=True)
    unannounced = api.post(f"{SUN}/mail", office["clerk"], body={"resident_id": "quiet", "item": "letter"})
    assert (unannounced.status, unannounced.body["notified"]) == (201, "opted_out")
    assert len(sms_sent()) == 2
    waiting = api.get(f"{SUN}/mail", office["clerk"], query={"status": "waiting"})
    assert [m["id"] for m in waiting.body] == ["SUN-ML-20261123-001", "SUN-ML-20261123-002", "SUN-ML-20261123-003"]


def test_mail_goes_only_to_the_addressee_and_the_office_never_signs_for_a_resident(api, office, aws):
    item = api.post(f"{SUN}/mail", office["gate"], body={"resident_id": "zhang", "item": "parcel"}).body
    path = f"{SUN}/mail/{item['id']}"
    key = upload_signature(api, office["clerk"], path, aws["AttachmentsBucket"])

    by_office = api.post(f"{path}/handover", office["clerk"], body={"signed_by": "clerk", "signature_key": key})
    assert by_office.status == 400
    assert by_office.body["error"] == "invalid_request"
    assert by_office.body["details"] == [
        {"field": "signed_by", "problem": "the office never signs on a resident's behalf"}
    ]
    by_neighbour = api.post(f"{path}/handover", office["clerk"], body={"signed_by": "smith", "signature_key": key})
    assert by_neighbour.status == 400
    assert by_neighbour.body["details"] == [{"field": "signed_by", "problem": "not the addressee"}]
    assert api.get(path, office["clerk"]).body["status"] == "waiting"

    handed = api.post(f"{path}/handover", office["clerk"], body={"signed_by": "zhang", "signature_key": key})
    assert handed.status == 200, handed.body
    assert (handed.body["status"], handed.body["signed_by"]) == ("handed_over", "zhang")
    assert api.get(f"{SUN}/mail", office["clerk"], query={"status": "waiting"}).body == []


def test_a_subscription_is_billed_in_advance_confirmed_by_signature_and_never_refunded(api, office, aws):
    too_short = {"resident_id": "zhang", "title": "人民日报", "first_month": "2026-12", "months": 0}
    refused = api.post(f"{SUN}/newspapers", office["clerk"], body={**too_short, "monthly_price_cents": 2500})
    assert refused.status == 422
    assert [d["field"] for d in refused.body["details"]] == ["body.months"]
    assert api.get(f"{SUN}/newspapers", office["clerk"]).body == []

    order = {**too_short, "months": 3, "monthly_price_cents": 2500}
    subscription = api.post(f"{SUN}/newspapers", office["clerk"], body=order)
    assert subscription.status == 201, subscription.body
    assert (subscription.body["billed_cents"], subscription.body["status"]) == (7500, "awaiting_confirmation")
    path = f"{SUN}/newspapers/{subscription.body['id']}"
    key = upload_signature(api, office["clerk"], path, aws["AttachmentsBucket"])
    confirmed = api.post(f"{path}/confirm", office["clerk"], body={"signature_key": key})
    assert confirmed.body["status"] == "confirmed"

    cancelled = api.post(f"{path}/cancel", office["clerk"], body={"reason": "搬家 moving out"})
    assert cancelled.status == 200, cancelled.body
    assert cancelled.body["refund_cents"] == 0
    assert cancelled.body["message"] == {
        "zh-CN": "订阅已取消；预付的订阅期不予退款。",
        "en": "The subscription is cancelled; prepaid periods are not refundable.",
    }
    assert cancelled.body["subscription"]["status"] == "cancelled"
    assert cancelled.body["subscription"]["cancel_reason"] == "搬家 moving out"


def test_the_gate_asks_and_the_office_answers_after_confirming_with_the_resident(api, office, clock):
    both = {"visitor": "赵六", "purpose": "送货", "resident_id": "zhang", "department": "engineering"}
    assert api.post(f"{SUN}/visitors", office["gate"], body=both).status == 422
    visit = {"visitor": "赵六", "purpose": "探亲", "resident_id": "zhang"}
    asked = api.post(f"{SUN}/visitors", office["gate"], body=visit)
    assert asked.status == 201, asked.body
    assert (asked.body["asked_at"], asked.body["unit_id"]) == ("2026-11-23T02:00:00Z", "U101")
    path = f"{SUN}/visitors/{asked.body['id']}"
    admitted = {"outcome": "admitted", "confirmed_with": "张伟"}
    assert api.post(f"{path}/answer", office["gate"], body=admitted).status == 403

    clock.advance(minutes=3)
    answered = api.post(f"{path}/answer", office["clerk"], body=admitted)
    assert answered.status == 200, answered.body
    assert (answered.body["status"], answered.body["answered_at"]) == ("admitted", "2026-11-23T02:03:00Z")
    assert answered.body["confirmed_with"] == "张伟"
    department = {"visitor": "供电局 Wang", "purpose": "抄表", "department": "engineering"}
    refused_visit = api.post(f"{SUN}/visitors", office["gate"], body=department).body
    refused = api.post(
        f"{SUN}/visitors/{refused_visit['id']}/answer",
        office["clerk"],
        body={"outcome": "refused", "confirmed_with": "工程部 周强"},
    )
    assert refused.body["status"] == "refused"


def test_another_property_sees_nothing_and_other_roles_are_refused(api, office, world):
    card = api.post(f"{SUN}/pass-cards", office["clerk"], body={"resident_id": "zhang", "card_number": "C-1"}).body
    mail = api.post(f"{SUN}/mail", office["clerk"], body={"resident_id": "zhang", "item": "letter"}).body
    for path in (f"{SUN}/pass-cards", f"{SUN}/pass-cards/{card['id']}", f"{SUN}/mail/{mail['id']}"):
        assert api.get(path, world["moondesk"]).status == 404
        assert api.get(path, office["moonclerk"]).status == 404
        assert api.get(path, world["tech"]).status == 403
        assert api.get(path, world["moonres"]).status == 404
        assert api.get(path, world["zhang"]).status == 403
    # The id of a SUN entry means nothing in MOON.
    assert api.get(f"/properties/MOON/registers/mail/{mail['id']}", office["moonclerk"]).status == 404
    moon_mail = api.post(
        "/properties/MOON/registers/mail", office["moonclerk"], body={"resident_id": "zhang", "item": "letter"}
    )
    assert moon_mail.status == 400  # zhang lives in SUN
    assert moon_mail.body["details"] == [{"field": "resident_id", "problem": "no such resident in this property"}]
    assert api.get("/properties/MOON/registers/mail", office["moonclerk"]).body == []
    assert api.post(f"{SUN}/pass-cards", world["tech"], body={"resident_id": "zhang", "card_number": "X"}).status == 403
    assert api.post(f"{SUN}/mail", world["zhang"], body={"resident_id": "zhang", "item": "letter"}).status == 403


def test_uncollected_mail_is_on_the_morning_list_and_the_reports_count_permits_and_mail(api, office, jobs, clock):
    from tests.integration.sweep.support import Context
    from tests.support.api import reset_api_state

    reset_api_state()  # the API now reads the jobs' environment, the template's
    parcel = api.post(f"{SUN}/mail", office["gate"], body={"resident_id": "zhang", "item": "parcel"}).body
    letter = api.post(f"{SUN}/mail", office["gate"], body={"resident_id": "smith", "item": "letter"}).body
    key = upload_signature(api, office["clerk"], f"{SUN}/mail/{letter['id']}", office.physical["AttachmentsBucket"])
    signed = {"signed_by": "smith", "signature_key": key}
    assert api.post(f"{SUN}/mail/{letter['id']}/handover", office["clerk"], body=signed).status == 200
    application = {"contractor": "平安装修公司", "work": "刷墙", "workers": [{"name": "王师傅"}]}
    application |= {"documents": ["营业执照"], "fee_cents": 0}
    for minutes_to_issue in (20, 40, None):  # on time, late, still waiting
        permit = api.post(f"{SUN}/permits", office["clerk"], body=application).body
        if minutes_to_issue is None:
            continue
        path = f"{SUN}/permits/{permit['id']}"
        api.post(f"{path}/fee", office["finance"], body={"amount_cents": 0})
        api.post(f"{path}/documents", office["gate"], body={"passed": True})
        clock.advance(minutes=minutes_to_issue)
        assert api.post(f"{path}/issue", office["clerk"]).status == 200
        clock.advance(minutes=-minutes_to_issue)

    # The 21:30 sweep: the parcel waiting since 10:00 is on the morning list, under the site office
    clock.current = clock.current.replace(hour=13, minute=30)
    jobs.fire_sweep("2026-11-23T13:30:00Z")
    morning = jobs.get_json("meetings/SUN/2026-11-23.json")
    assert [(m["number"], m["kind"], m["responsible"], m["age_hours"]) for m in morning["mail_waiting"]] == [
        (parcel["id"], "mail:parcel", "U101/zhang", 11.5)
    ]
    assert parcel["id"] in jobs.get_text("meetings/SUN/2026-11-23.csv")

    # The daily report of the 23rd (07:30 on the 24th) and the monthly report of November (06:00 on 1 December)
    expected = {
        "permits_received": 3,
        "permits_issued": 2,
        "permits_on_time": 1,
        "permits_late": 1,
        "permits_overdue": 0,
        "mail_received": 2,
        "mail_waiting": 1,
    }
    jobs.reports.lambda_handler({"report": "daily", "scheduled_at": "2026-11-23T23:30:00Z"}, Context())
    assert jobs.get_json("reports/daily/SUN/2026-11-23.json")["figures"]["registers"] == expected
    assert jobs.get_json("reports/daily/MOON/2026-11-23.json")["figures"]["registers"]["mail_received"] == 0
    jobs.reports.lambda_handler({"report": "monthly", "scheduled_at": "2026-11-30T22:00:00Z"}, Context())
    assert jobs.get_json("reports/monthly/_group/2026-11.json")["figures"]["registers"] == expected
    assert "待领邮件 Mail waiting" in jobs.get_text("reports/daily/SUN/2026-11-23.csv")
    assert "30分钟内办结 Issued within 30 minutes" in jobs.get_text("reports/daily/SUN/2026-11-23.html")


def test_the_office_and_the_gate_find_the_resident_an_entry_names_and_field_staff_do_not(api, office, world):
    # Given the office's clerk and the gate, who name a resident on a pass card, a parcel or a visitor
    for who in ("clerk", "gate"):
        # When they read the property's residents; Then they find 张伟 of U101 by name
        reply = api.get("/properties/SUN/residents", office[who])
        assert reply.status == 200, reply.body
        assert {"id": "zhang", "unit_id": "U101", "name": "张伟"}.items() <= next(
            r for r in reply.body if r["id"] == "zhang"
        ).items()
    # And the clerk, who confirms a visitor with the resident, reads 张伟's number; the gate reads no number at all
    clerk_sees = api.get("/properties/SUN/residents", office["clerk"]).body
    assert next(r for r in clerk_sees if r["id"] == "zhang")["phone"].startswith("+86")
    gate_sees = api.get("/properties/SUN/residents", office["gate"])
    assert gate_sees.body and all(r["phone"] is None for r in gate_sees.body)
    assert "+86" not in json.dumps(gate_sees.body)
    # And finance, a technician and another property's clerk are refused as before
    assert api.get("/properties/SUN/residents", office["finance"]).status == 403
    assert api.get("/properties/SUN/residents", world["tech"]).status == 403
    assert api.get("/properties/SUN/residents", office["moonclerk"]).status == 404
