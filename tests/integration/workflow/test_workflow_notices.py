"""What each person receives, as the SMS reads on their phone: the workflow's notices through the real notifier.

Every expected text is written out by hand from DOMAIN.md's rules: money in yuan with two decimals, times as
the property's wall clock (Asia/Shanghai: the test clock's 02:00 UTC is 10:00 local), each in the
recipient's language (张伟 reads Chinese, John Smith English).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Language
from tests.support import infra
from tests.support.api import LambdaContext, load_function
from tests.support.events import sms_sent, sqs_records

pytestmark = pytest.mark.workflow

ZHANG, SMITH = "+8613800000001", "+8613800000002"
PHONES = {
    "tech": "+8613700000001",
    "dispatcher": "+8613700000002",
    "desk": "+8613700000003",
    "manager": "+8613700000004",
    "contractor": "+8613700000005",
    "warranty": "+8613700000006",
    "callcentre": "+8613700000007",
}


class Phones:
    """The notifier function fed from the workflow's notices queue; `inbox` is what each phone received."""

    def __init__(self, flow: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.flow = flow
        for key, value in infra.function_environment("NotifierFunction", flow.physical).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NOTICES_QUEUE_URL", flow.queue_url)
        self.module = load_function("notifier")
        self.module.settings.cache_clear()
        self.module.sandbox.cache_clear()
        store = DirectoryStore(flow.physical["DirectoryTable"])
        for sid, phone in PHONES.items():
            pid = None if sid == "callcentre" else "SUN"
            member = store.get(Staff, pid, sid)
            assert member is not None
            store.put(member.model_copy(update={"phone": phone}), create=False)
        self.seen = 0

    def deliver(self) -> None:
        """Hand every queued notice to the notifier as its event source mapping would."""
        sqs = boto3.client("sqs", region_name=infra.REGION)
        self.flow.settle()
        while True:
            got = sqs.receive_message(QueueUrl=self.flow.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"])
            if not got.get("Messages"):
                return
            records = sqs_records(got, "arn:aws:sqs:us-east-1:123456789012:notices")
            result = self.module.lambda_handler({"Records": records}, LambdaContext())
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            assert not failed, [r["body"] for r in records if r["messageId"] in failed]
            for message in got["Messages"]:
                sqs.delete_message(QueueUrl=self.flow.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def new(self) -> list[tuple[str, str]]:
        """The SMS sent since the last call, after delivering what is queued."""
        self.deliver()
        sent = sms_sent()
        fresh, self.seen = sent[self.seen :], len(sent)
        return fresh

    def close(self) -> None:
        self.module.settings.cache_clear()
        self.module.sandbox.cache_clear()


@pytest.fixture
def phones(flow, monkeypatch):
    box = Phones(flow, monkeypatch)
    yield box
    box.close()


def _paid_job_on_site(flow, world, who: str, description: str) -> str:
    desk, tech = world["desk"], world["tech"]
    tid = flow.create(world[who], description=description)
    flow.act(tid, desk, "classify", {"paid": True})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    return tid


def test_the_quote_reaches_the_resident_with_its_amount_in_yuan(flow, world, clock, phones):
    zh = _paid_job_on_site(flow, world, "zhang", "热水器更换")
    en = _paid_job_on_site(flow, world, "smith", "water heater")
    phones.new()
    flow.act(zh, world["tech"], "quote", {"amount_cents": 12050})
    flow.act(en, world["tech"], "quote", {"amount_cents": 8000})
    zh_number, en_number = flow.ticket(zh).number, flow.ticket(en).number

    assert sorted(phones.new()) == [
        (ZHANG, f"工单{zh_number}报价120.50元，同意请回复“是”，不同意请回复“否”。"),
        (SMITH, f"Ticket {en_number}: the quote is CNY 80.00. Reply YES to accept or NO to decline."),
    ]


def test_a_booked_appointment_tells_the_resident_and_the_technician_the_local_time(flow, world, clock, phones):
    desk = world["desk"]
    tid = flow.create(world["smith"], description="door lock broken")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    phones.new()
    # 2026-11-24 06:30 UTC is 14:30 in Shanghai
    flow.act(tid, desk, "book_appointment", {"appointment_at": "2026-11-24T06:30:00+00:00"})
    number = flow.ticket(tid).number

    assert sorted(phones.new()) == [
        (PHONES["tech"], f"工单{number}已预约上门时间：2026年11月24日 14:30。"),
        (SMITH, f"Ticket {number}: visit booked for 24 Nov 2026, 14:30."),
    ]


def test_the_contractor_is_told_the_deadline_as_a_local_time(flow, world, clock, phones):
    desk, warranty = world["desk"], world["warranty"]
    tid = flow.create_for(desk, kind="warranty", channel="phone", description="墙体裂缝", resident_id="zhang")
    flow.act(tid, desk, "classify", {"department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "warranty", "department": "engineering"})
    flow.act(tid, warranty, "accept")
    flow.act(tid, warranty, "arrive")
    phones.new()
    # 2026-12-03 10:00 UTC is 18:00 in Shanghai
    flow.act(tid, warranty, "route", {"contractor_id": "contractor", "deadline": "2026-12-03T10:00:00+00:00"})
    number = flow.ticket(tid).number

    assert sorted(phones.new()) == [
        (PHONES["contractor"], f"维保工单{number}已转施工单位，完成期限2026年12月3日 18:00。"),
        (ZHANG, f"工单{number}的维修方案待您确认，请联系前台或在App中确认。"),
    ]


def test_an_escalation_names_the_step_that_is_overdue(flow, world, clock, phones):
    desk = world["desk"]
    tid = flow.create(world["zhang"], description="门禁坏了")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    number = flow.ticket(tid).number
    phones.new()
    # Nobody on site by 10:15 and no appointment booked by 10:30: the dispatcher and desk, then the manager
    flow.run_until(tid, datetime(2026, 11, 23, 2, 31, tzinfo=UTC))

    assert sorted(phones.new()) == sorted(
        [
            (PHONES["dispatcher"], f"工单{number}超时未到场，请与业主预约上门时间。"),
            (PHONES["desk"], f"工单{number}超时未到场，请与业主预约上门时间。"),
            (PHONES["manager"], f"工单{number}的预约上门已超时，已升级处理。"),
        ]
    )


def test_a_callback_falling_due_sends_the_resident_the_survey_and_the_digit_records_it(flow, world, clock, phones):
    desk, tech = world["desk"], world["tech"]
    tid = flow.create(world["smith"], description="window does not close")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    for action in ("accept", "arrive", "start", "complete"):
        flow.act(tid, tech, action)
    phones.new()
    flow.act(tid, world["smith"], "sign_off", {"rating": 2})  # not satisfied: the callback is due
    number = flow.ticket(tid).number

    assert phones.new() == [
        (SMITH, f"Ticket {number} is done. Please reply 1-5 to rate our service (5 = very satisfied)."),
    ]
    # The resident's digit, by SMS, records the callback and the workflow closes the ticket
    from propdesk.intake.conversation import InboundText, IntakeRules
    from propdesk.intake.wiring import intake_service

    intake = intake_service(flow.physical["TicketsTable"], flow.physical["DirectoryTable"], IntakeRules("SUN"))
    clock.advance(hours=1)
    reply = intake.handle_text(InboundText("SM-survey-1", SMITH, "+8610000000000", "4"))
    assert reply.text == f"Thank you for rating ticket {number} 4/5; your callback answer is recorded."
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert (ticket.status, ticket.satisfaction, ticket.sla["callback"].breached) == ("closed", 4, False)


def test_a_complaint_callback_sends_the_survey_in_chinese(flow, world, clock, phones):
    callcentre, desk = world["callcentre"], world["desk"]
    tid = flow.create_for(
        callcentre, kind="complaint", channel="call_centre", description="楼道卫生", resident_id="zhang"
    )
    flow.act(tid, desk, "classify", {"department": "cleaning"})
    flow.act(tid, desk, "dispatch", {"department": "cleaning"})
    phones.new()
    flow.act(tid, desk, "resolve_subtask", {"department": "cleaning", "outcome": "done"})
    number = flow.ticket(tid).number

    assert phones.new() == [(ZHANG, f"工单{number}已完成，请回复1-5为本次服务评分（5为非常满意）。")]


def test_an_inquirys_answer_is_sent_to_the_resident(flow, world, clock, phones):
    desk = world["desk"]
    zh = flow.create_for(desk, kind="inquiry", channel="phone", description="物业费怎么交", resident_id="zhang")
    en = flow.create_for(desk, kind="inquiry", channel="phone", description="parking fee?", resident_id="smith")
    phones.new()
    flow.act(zh, desk, "answer", {"answer": "可在APP内缴纳，每月2.5元/平方米。"})
    flow.act(en, desk, "answer", {"answer": "CNY 300 a month, paid at the desk."})
    flow.wait_ended(zh)
    flow.wait_ended(en)

    assert sorted(phones.new()) == [
        (ZHANG, f"您的咨询{flow.ticket(zh).number}答复：可在APP内缴纳，每月2.5元/平方米。"),
        (SMITH, f"Answer to your inquiry {flow.ticket(en).number}: CNY 300 a month, paid at the desk."),
    ]


def test_a_suggestions_outcome_is_sent_to_the_resident_and_an_adopted_one_when_it_is_done(flow, world, clock, phones):
    desk = world["desk"]
    adopted = flow.create_for(desk, kind="suggestion", channel="visit", description="增加充电桩", resident_id="zhang")
    declined = flow.create_for(desk, kind="suggestion", channel="app", description="more parking", resident_id="smith")
    phones.new()
    flow.act(adopted, desk, "answer", {"answer": "下月在地库增设10个充电桩。", "outcome": "adopted"})
    flow.act(declined, desk, "answer", {"answer": "there is no room left on site.", "outcome": "declined"})
    flow.wait_ended(declined)
    # The adopted one stays open, tracked until it is carried out
    flow.wait_until("the adoption is told", lambda: flow.notices(adopted, "suggestion_adopted"), adopted)
    assert (flow.ticket(adopted).status, flow.waiting(adopted)) == ("adopted", ["answer"])

    assert sorted(phones.new()) == [
        (ZHANG, f"感谢您的建议（{flow.ticket(adopted).number}），我们已采纳：下月在地库增设10个充电桩。"),
        (
            SMITH,
            f"Thank you for your suggestion ({flow.ticket(declined).number}); we cannot adopt it because:"
            " there is no room left on site.",
        ),
    ]
    clock.advance(days=20)
    flow.act(adopted, desk, "answer", {"answer": "地库10个充电桩已投入使用。", "outcome": "done"})
    flow.wait_ended(adopted)
    assert phones.new() == [(ZHANG, f"您的建议（{flow.ticket(adopted).number}）已落实：地库10个充电桩已投入使用。")]


def test_an_invalid_complaint_is_returned_to_the_call_centre_agent_who_recorded_it(flow, world, clock, phones):
    callcentre, desk = world["callcentre"], world["desk"]
    tid = flow.create_for(
        callcentre, kind="complaint", channel="call_centre", description="邻居装修噪音", resident_id="zhang"
    )
    phones.new()
    flow.act(tid, desk, "mark_invalid", {"reason": "业主自家装修引起，不属物业范围"})
    flow.wait_ended(tid)
    number = flow.ticket(tid).number

    assert phones.new() == [
        (PHONES["callcentre"], f"投诉{number}经判定为无效投诉，退回呼叫中心，原因：业主自家装修引起，不属物业范围"),
    ]


def test_no_notice_ever_reaches_a_phone_with_a_dash_for_a_value(flow, world, clock, phones):
    tid = _paid_job_on_site(flow, world, "zhang", "更换水龙头")
    flow.act(tid, world["tech"], "quote", {"amount_cents": 12000})
    flow.run_until(tid, clock.current + timedelta(days=8))  # reminder, then expiry
    flow.wait_ended(tid)
    texts = [text for _, text in phones.new()]
    assert texts and not [t for t in texts if "-元" in t or "：-" in t or " - " in t]
    notices = [json.dumps(n, ensure_ascii=False) for n in flow.notices(tid)]
    assert any("quote_reminder" in n for n in notices)


def test_an_escalated_inquiry_stays_open_with_its_reply_target_until_the_manager_answers(flow, world, clock, phones):
    desk, manager = world["desk"], world["manager"]
    tid = flow.create_for(desk, kind="inquiry", channel="phone", description="明年物业费涨吗", resident_id="zhang")
    number = flow.ticket(tid).number
    phones.new()
    # When the desk cannot answer and escalates (the reply is due 24 hours after the call: 10:00 tomorrow)
    clock.advance(hours=1)
    flow.act(tid, desk, "answer", {"answer": "涉及收费标准，需经理答复", "outcome": "escalated"})
    # Then the manager owns it: it is open, waiting for the manager's answer, its reply target running
    ticket = flow.ticket(tid)
    assert (ticket.status, flow.waiting(tid)) == ("escalated", ["answer"])
    assert ticket.sla["desk_reply"].met_at is None
    assert phones.new() == [
        (PHONES["manager"], f"咨询{number}前台无法答复，已转经理处理，请于2026年11月24日 10:00前答复业主。")
    ]
    flow.act(tid, desk, "answer", {"answer": "不涨"}, status=409)  # the desk no longer answers it
    # When the manager answers in time, the resident is told and the ticket closes
    clock.advance(hours=3)
    flow.act(tid, manager, "answer", {"answer": "明年物业费标准不变。"})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.sla["desk_reply"].breached is False
    assert phones.new() == [(ZHANG, f"您的咨询{number}答复：明年物业费标准不变。")]


def test_warranty_work_is_reinspected_by_the_engineer_before_the_resident_signs(flow, world, clock, phones):
    desk, warranty, contractor, zhang = world["desk"], world["warranty"], world["contractor"], world["zhang"]
    tid = flow.create_for(desk, kind="warranty", channel="phone", description="门框变形", resident_id="zhang")
    flow.act(tid, desk, "classify", {"department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "warranty", "department": "engineering"})
    flow.act(tid, warranty, "accept")
    flow.act(tid, warranty, "arrive")
    flow.act(tid, warranty, "route", {"contractor_id": "contractor", "deadline": "2026-12-03T10:00:00+00:00"})
    flow.act(tid, zhang, "consent")
    flow.act(tid, contractor, "start")
    number = flow.ticket(tid).number
    phones.new()
    # When the contractor reports completion, the warranty engineer is asked to re-inspect (复验), not the resident
    flow.act(tid, contractor, "complete", {"notes": "门框已更换"})
    assert phones.new() == [(PHONES["warranty"], f"维保工单{number}施工单位已完工，请复验。")]
    flow.act(tid, zhang, "sign_off", {"rating": 5}, status=409)
    # A failed re-inspection sends the work back to the contractor
    flow.act(tid, warranty, "refuse", {"reason": "门框未对齐"})
    assert flow.ticket(tid).status == "rework"
    assert sorted(phones.new()) == [
        (PHONES["dispatcher"], f"工单{number}验收未通过，请返工。"),
        (PHONES["contractor"], f"工单{number}验收未通过，请返工。"),
    ]
    flow.act(tid, contractor, "start")
    flow.act(tid, contractor, "complete", {"notes": "重新调整"})
    phones.new()
    # When the engineer passes it, the resident is asked to sign off, and signs
    flow.act(tid, warranty, "reinspect", {"note": "复验合格"})
    assert phones.new() == [(ZHANG, f"工单{number}已完工，请验收签字。")]
    flow.act(tid, zhang, "sign_off", {"rating": 5})
    flow.wait_ended(tid)
    assert flow.ticket(tid).status == "closed"


def test_a_warranty_request_outside_the_warranty_is_returned_invalid_with_its_reason(flow, world, clock, phones):
    desk, warranty = world["desk"], world["warranty"]
    tid = flow.create_for(desk, kind="warranty", channel="phone", description="wall cracks", resident_id="smith")
    flow.act(tid, desk, "classify", {"department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "warranty", "department": "engineering"})
    flow.act(tid, warranty, "accept")
    flow.act(tid, warranty, "arrive")
    number = flow.ticket(tid).number
    phones.new()
    flow.act(tid, warranty, "mark_invalid", {"reason": "caused by the resident's own renovation"})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert (ticket.status, ticket.invalid_reason) == ("invalid", "caused by the resident's own renovation")
    assert phones.new() == [
        (
            SMITH,
            f"Ticket {number} is not covered by the warranty. Reason: caused by the resident's own renovation."
            " Please contact the desk with questions.",
        )
    ]


def _speaks_english(flow, staff_id: str) -> None:
    store = DirectoryStore(flow.physical["DirectoryTable"])
    member = store.get(Staff, "SUN", staff_id)
    assert member is not None
    store.put(member.model_copy(update={"language": Language.EN}), create=False)


def test_an_unsatisfied_callback_sends_the_repair_back_to_its_technician_and_dispatcher(flow, world, clock, phones):
    desk, tech = world["desk"], world["tech"]
    _speaks_english(flow, "dispatcher")
    tid = flow.create(world["zhang"], description="卫生间漏水")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    for action in ("accept", "arrive", "start", "complete"):
        flow.act(tid, tech, action)
    flow.act(tid, world["zhang"], "sign_off", {"rating": 3})  # not satisfied: the callback is due
    phones.new()
    flow.act(tid, desk, "record_callback", {"satisfaction": 2, "notes": "仍有渗水"})
    number = flow.ticket(tid).number

    assert sorted(phones.new()) == [
        (PHONES["tech"], f"工单{number}回访业主不满意（评分2分），请返工。"),
        (PHONES["dispatcher"], f"Ticket {number}: the resident rated the job 2/5 at the callback. Rework it."),
    ]
    assert flow.ticket(tid).status == "rework"


def test_an_unsatisfied_complaint_callback_tells_the_manager(flow, world, clock, phones):
    callcentre, desk = world["callcentre"], world["desk"]
    complaints = []
    for description in ("楼道卫生", "垃圾清运不及时"):
        tid = flow.create_for(
            callcentre, kind="complaint", channel="call_centre", description=description, resident_id="zhang"
        )
        flow.act(tid, desk, "classify", {"department": "cleaning"})
        flow.act(tid, desk, "dispatch", {"department": "cleaning"})
        flow.act(tid, desk, "resolve_subtask", {"department": "cleaning", "outcome": "done"})
        complaints.append(tid)
    first, second = complaints
    phones.new()

    flow.act(first, desk, "record_callback", {"satisfaction": 3})
    assert phones.new() == [
        (PHONES["manager"], f"投诉{flow.ticket(first).number}回访业主不满意（评分3分），已转经理跟进处理。"),
    ]
    _speaks_english(flow, "manager")
    flow.act(second, desk, "record_callback", {"satisfaction": 1})
    number = flow.ticket(second).number
    assert phones.new() == [
        (
            PHONES["manager"],
            f"Complaint {number}: the resident rated it 1/5 at the callback; it is yours to follow up.",
        ),
    ]
    assert [flow.ticket(t).status for t in complaints] == ["completed", "completed"]  # open, with the manager
