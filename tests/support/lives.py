"""Whole ticket lives as people live them, for the stress test and the local benchmark.

Each life is the people's actions only, in order, with no step another person or the workflow could race:
where the workflow ends a life (a satisfied free repair, a recorded callback) no person closes it too.
"""

from __future__ import annotations

from typing import Any

DEADLINE = "2026-12-10T18:00:00+08:00"

Action = tuple[str, str, dict[str, Any] | None]
FREE_WORK: list[Action] = [
    ("desk", "classify", {"paid": False, "department": "engineering"}),
    ("desk", "dispatch", {"assignee_id": "tech", "department": "engineering"}),
    ("tech", "accept", None),
    ("tech", "arrive", None),
    ("tech", "start", None),
    ("tech", "complete", {"notes": "修好了"}),
    ("zhang", "sign_off", {"rating": 5}),
]
# life -> (kind, who reports it, the people's actions, whether the workflow closes it at the end)
LIVES: dict[str, tuple[str, str, list[Action], bool]] = {
    "free_repair": ("repair", "zhang", FREE_WORK, True),
    "paid_repair": (
        "repair",
        "zhang",
        [
            ("desk", "classify", {"paid": True, "department": "engineering"}),
            ("dispatcher", "dispatch", {"assignee_id": "tech"}),
            ("tech", "accept", None),
            ("tech", "arrive", None),
            ("tech", "quote", {"amount_cents": 12000}),
            ("zhang", "approve_quote", None),
            ("tech", "start", None),
            ("tech", "complete", {"fee_cents": 12000}),
            ("zhang", "sign_off", {"rating": 4}),
            ("desk", "record_callback", {"satisfaction": 5, "notes": "满意"}),
        ],
        True,
    ),
    "household_service": ("household_service", "zhang", FREE_WORK, True),
    "warranty": (
        "warranty",
        "zhang",
        [
            ("desk", "classify", {"department": "engineering"}),
            ("desk", "dispatch", {"assignee_id": "warranty"}),
            ("warranty", "accept", None),
            ("warranty", "arrive", None),
            ("warranty", "route", {"contractor_id": "contractor", "deadline": DEADLINE}),
            ("zhang", "consent", None),
            ("contractor", "start", None),
            ("contractor", "complete", {"notes": "裂缝已修补"}),
            ("warranty", "reinspect", None),
            ("zhang", "sign_off", {"rating": 5}),
        ],
        True,
    ),
    "complaint": (
        "complaint",
        "zhang",
        [
            ("desk", "classify", {"category": "noise"}),
            ("desk", "dispatch", {"departments": ["engineering", "cleaning"]}),
            ("zhang", "urge", None),
            ("dispatcher", "resolve_subtask", {"department": "engineering", "outcome": "done"}),
            ("desk", "resolve_subtask", {"department": "cleaning", "outcome": "rejected", "note": "非本部门"}),
            ("callcentre", "record_callback", {"satisfaction": 4}),
        ],
        True,
    ),
    "inquiry": ("inquiry", "zhang", [("desk", "answer", {"answer": "每月五号前缴纳", "outcome": "answered"})], False),
    "suggestion": (
        "suggestion",
        "zhang",
        [
            ("desk", "adopt", {"answer": "已采纳"}),  # stays open until it is done
            ("desk", "answer", {"answer": "已落实", "outcome": "done"}),
        ],
        False,
    ),
    "coordination": (
        "repair",
        "zhang",
        [
            ("desk", "classify", {"paid": False}),
            ("desk", "dispatch", {"assignee_id": "tech"}),
            ("desk", "coordinate", {"owner_id": "tech", "note": "材料未到"}),
            ("desk", "comment", {"text": "已答复业主"}),
            ("tech", "arrive", None),
            ("tech", "start", None),
            ("tech", "complete", None),
            ("zhang", "sign_off", {"rating": 5}),
        ],
        True,
    ),
    "voided": (
        "repair",
        "zhang",
        [
            ("desk", "classify", {"paid": False}),
            ("desk", "dispatch", {"assignee_id": "tech"}),
            ("tech", "accept", None),
            ("desk", "void", {"reason": "重复工单"}),
        ],
        False,
    ),
    # The desk records an errand it did on the spot (口头派工); its workflow closes it at once
    "quick_task": ("quick_task", "desk", [], True),
}


def creation(kind: str, description: str) -> tuple[str, dict[str, Any]]:
    """Where a life's ticket is recorded, and with what: a resident reports through /tickets; the desk
    records its quick tasks for the property, about a public area."""
    if kind == "quick_task":
        body = {"kind": kind, "channel": "visit", "description": description, "area": "public"}
        return "/properties/SUN/tickets", body
    return "/tickets", {"kind": kind, "description": description}
