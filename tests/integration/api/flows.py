"""Scripted ticket lives: each step is (who, action, body, status after); used to reach any status."""

from __future__ import annotations

from typing import Any

from tests.support.api import ApiClient

Step = tuple[str, str, dict[str, Any] | None, str]

DEADLINE = "2026-12-10T18:00:00+08:00"
APPOINTMENT = "2026-11-24T15:00:00+08:00"

FREE_REPAIR: list[Step] = [
    ("desk", "classify", {"category": "lock", "paid": False, "department": "engineering"}, "classified"),
    ("desk", "dispatch", {"assignee_id": "tech", "department": "engineering"}, "dispatched"),
    ("tech", "accept", None, "accepted"),
    ("tech", "arrive", {"note": "在现场"}, "on_site"),
    ("tech", "start", None, "in_progress"),
    ("tech", "complete", {"notes": "换了锁芯", "materials": [{"name": "锁芯", "quantity": 1}]}, "completed"),
    ("zhang", "sign_off", {"rating": 5}, "signed_off"),
    ("desk", "close", None, "closed"),
]
PAID_REPAIR: list[Step] = [
    ("desk", "classify", {"paid": True, "department": "engineering"}, "classified"),
    ("dispatcher", "dispatch", {"assignee_id": "tech"}, "dispatched"),
    ("desk", "book_appointment", {"appointment_at": APPOINTMENT}, "dispatched"),
    ("tech", "accept", None, "accepted"),
    ("tech", "arrive", None, "on_site"),
    ("tech", "quote", {"amount_cents": 12000}, "quoted"),
    ("zhang", "approve_quote", None, "quote_approved"),
    ("tech", "start", None, "in_progress"),
    ("tech", "complete", {"fee_cents": 12000}, "completed"),
    ("zhang", "refuse", {"reason": "还在漏水"}, "rework"),
    ("tech", "start", None, "in_progress"),
    ("tech", "complete", None, "completed"),
    ("zhang", "sign_off", {"rating": 3}, "signed_off"),
    ("desk", "record_callback", {"satisfaction": 4, "notes": "满意"}, "callback_done"),
    ("desk", "close", None, "closed"),
    ("manager", "reopen", {"reason": "业主反映又漏了"}, "received"),
]
REJECTED_QUOTE: list[Step] = [
    ("desk", "classify", {"paid": True}, "classified"),
    ("desk", "dispatch", {"assignee_id": "tech"}, "dispatched"),
    ("tech", "accept", None, "accepted"),
    ("tech", "arrive", None, "on_site"),
    ("tech", "quote", {"amount_cents": 50000}, "quoted"),
    ("zhang", "reject_quote", {"note": "太贵"}, "closed"),
]
WARRANTY: list[Step] = [
    ("desk", "classify", {"department": "engineering"}, "classified"),
    ("desk", "dispatch", {"assignee_id": "warranty"}, "dispatched"),
    ("warranty", "accept", None, "accepted"),
    ("warranty", "arrive", None, "on_site"),
    ("warranty", "route", {"contractor_id": "contractor", "deadline": DEADLINE}, "routed"),
    ("zhang", "consent", None, "plan_agreed"),
    ("contractor", "start", None, "in_progress"),
    ("contractor", "complete", {"notes": "裂缝已修补"}, "completed"),
    ("warranty", "reinspect", {"note": "复验合格"}, "reinspected"),
    ("zhang", "sign_off", {"rating": 4}, "signed_off"),
    ("desk", "record_callback", {"satisfaction": 5}, "callback_done"),
    ("desk", "close", None, "closed"),
]
COMPLAINT: list[Step] = [
    ("desk", "classify", {"category": "noise"}, "classified"),
    ("desk", "dispatch", {"departments": ["engineering", "cleaning"]}, "dispatched"),
    ("zhang", "urge", None, "dispatched"),
    ("dispatcher", "resolve_subtask", {"department": "engineering", "outcome": "done"}, "dispatched"),
    ("desk", "resolve_subtask", {"department": "cleaning", "outcome": "rejected", "note": "非本部门"}, "completed"),
    # Unsatisfied: the complaint stays open with the manager, who closes it with a reason
    ("callcentre", "record_callback", {"satisfaction": 2}, "completed"),
    ("manager", "close", {"reason": "经理已与业主面谈，结案"}, "closed"),
]
INVALID_COMPLAINT: list[Step] = [
    ("desk", "mark_invalid", {"reason": "业主自身原因"}, "invalid"),
    ("desk", "reopen", {"reason": "复核后有效"}, "received"),
    ("desk", "comment", {"text": "已联系业主"}, "received"),
    ("zhang", "void", {"reason": "不需要了"}, "voided"),
]
INQUIRY: list[Step] = [
    ("desk", "answer", {"answer": "物业费每月五号前缴纳", "outcome": "answered"}, "closed"),
]
ESCALATED_INQUIRY: list[Step] = [
    ("desk", "escalate", {"answer": "涉及收费调整，需经理答复"}, "escalated"),
    ("manager", "answer", {"answer": "明年起不调整", "outcome": "answered"}, "closed"),
]
# An adopted suggestion stays open until it is carried out.
SUGGESTION: list[Step] = [
    ("desk", "adopt", {"answer": "采纳，下月在地库增设充电桩"}, "adopted"),
    ("desk", "answer", {"answer": "充电桩已投入使用", "outcome": "done"}, "closed"),
]
COORDINATION: list[Step] = [
    ("desk", "classify", {"paid": False}, "classified"),
    ("desk", "dispatch", {"assignee_id": "tech"}, "dispatched"),
    ("desk", "coordinate", {"owner_id": "tech", "note": "材料未到"}, "coordination"),
    ("tech", "arrive", None, "on_site"),
    ("tech", "start", None, "in_progress"),
    ("dispatcher", "coordinate", None, "coordination"),
    ("tech", "complete", None, "completed"),
    ("desk", "void", {"reason": "重复工单"}, "voided"),
]

SCENARIOS: dict[str, tuple[str, list[Step]]] = {
    "free_repair": ("repair", FREE_REPAIR),
    "paid_repair": ("repair", PAID_REPAIR),
    "rejected_quote": ("repair", REJECTED_QUOTE),
    "warranty": ("warranty", WARRANTY),
    "complaint": ("complaint", COMPLAINT),
    "invalid_complaint": ("complaint", INVALID_COMPLAINT),
    "inquiry": ("inquiry", INQUIRY),
    "escalated_inquiry": ("inquiry", ESCALATED_INQUIRY),
    "suggestion": ("suggestion", SUGGESTION),
    "coordination": ("repair", COORDINATION),
}


def create(api: ApiClient, world: Any, kind: str = "repair", who: str = "zhang", **extra: Any) -> dict[str, Any]:
    """A resident reports a matter; the created ticket's body."""
    reply = api.post("/tickets", world[who], body={"description": f"{kind} 描述", "kind": kind, **extra})
    assert reply.status == 201, reply.body
    return dict(reply.body)


def act(api: ApiClient, world: Any, who: str, tid: str, action: str, body: dict[str, Any] | None = None) -> Any:
    return api.post(f"/tickets/{tid}/actions/{action}", world[who], body=body)


def ticket_at(api: ApiClient, world: Any, scenario: str, status: str, clock: Any = None) -> dict[str, Any]:
    """A new ticket walked along `scenario` until it first reaches `status`."""
    kind, steps = SCENARIOS[scenario]
    ticket = create(api, world, kind)
    if ticket["status"] == status:
        return ticket
    for who, action, body, after in steps:
        if clock is not None:
            clock.advance(minutes=5)
        reply = act(api, world, who, ticket["id"], action, body)
        assert reply.status == 200, (scenario, action, reply.body)
        ticket = reply.body
        if after == status:
            return ticket
    raise AssertionError(f"{scenario} never reaches {status}")
