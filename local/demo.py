"""`make demo`: a scripted day at the desk through the public API, checked step by step."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from local import seed as demo
from local.auth import DevKey
from local.runtime import token_for

TIMEOUT_S = 15  # the workflow may move a ticket asynchronously; give it time before calling it stuck


class DemoFailed(Exception):
    """A step did not do what the desk expects."""


class Desk:
    """The API as each demo user sees it."""

    def __init__(self, info: dict[str, Any], key: DevKey) -> None:
        self.info = info
        self.url = next(a["url"] for a in info["apis"].values() if a["issuer"])
        self.tokens = {u.key: token_for(info, key, u.key) for u in demo.DEMO_USERS}
        self.step = 0

    def call(self, user: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        response = requests.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
            timeout=30,
        )
        if response.status_code != expect:
            raise DemoFailed(
                f"{method} {path} as {user}: {response.status_code} (wanted {expect}) {response.text[:500]}"
            )
        return response.json() if response.content else None

    def say(self, text: str) -> None:
        self.step += 1
        print(f"{self.step:>2}. {text}", flush=True)

    def act(self, user: str, ticket_id: str, action: str, body: dict[str, Any], status: str) -> dict[str, Any]:
        self.call(user, "POST", f"/tickets/{ticket_id}/actions/{action}", body)
        return self.wait_for(user, ticket_id, lambda t: t["status"] == status, f"status {status}")

    def wait_for(self, user: str, ticket_id: str, check: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            ticket: dict[str, Any] = self.call(user, "GET", f"/tickets/{ticket_id}")
            if check(ticket):
                return ticket
            if time.monotonic() > deadline:
                raise DemoFailed(f"ticket {ticket_id} never reached {what}; it is {ticket['status']}")
            time.sleep(0.3)


def day_at_the_desk(desk: Desk) -> None:
    technician = demo.user("technician")
    desk.say("王芳 (resident, 1-0101) reports a leak from the app")
    ticket = desk.call(
        "resident",
        "POST",
        "/tickets",
        {"kind": "repair", "description": "厨房水槽下水管漏水，地上有积水 the pipe under the kitchen sink is leaking"},
        expect=201,
    )
    ticket_id = ticket["id"]
    print(f"    ticket {ticket['number']} ({ticket_id}) is {ticket['status']}")

    desk.say("李娜 (desk) classifies it: plumbing, free, engineering")
    desk.act(
        "desk",
        ticket_id,
        "classify",
        {"category": "plumbing 水管", "paid": False, "department": "engineering", "area": "in_unit"},
        "classified",
    )
    desk.say(f"李娜 dispatches it to {technician.name} (technician)")
    desk.act(
        "desk", ticket_id, "dispatch", {"department": "engineering", "assignee_id": technician.record_id}, "dispatched"
    )

    desk.say(f"{technician.name} finds it in his work list")
    work = desk.call("technician", "GET", "/me/work")
    if ticket_id not in [t["id"] for t in work["items"]]:
        raise DemoFailed("the dispatched ticket is not in the technician's work list")

    for action, status, body in (
        ("accept", "accepted", {}),
        ("arrive", "on_site", {"note": "on site 到场"}),
        ("start", "in_progress", {}),
        (
            "complete",
            "completed",
            {
                "materials": [{"name": "PPR 弯头 elbow 20mm", "quantity": 1, "unit_price_cents": 800}],
                "notes": "replaced the cracked elbow 更换破裂弯头",
            },
        ),
    ):
        desk.say(f"{technician.name}: {action}")
        desk.act("technician", ticket_id, action, body, status)

    desk.say("王芳 inspects the work and signs off, rating 5 (非常满意)")
    desk.act("resident", ticket_id, "sign_off", {"rating": 5, "note": "修好了，谢谢"}, "signed_off")
    desk.say("李娜 makes the callback (回访): satisfied")
    desk.act("desk", ticket_id, "record_callback", {"satisfaction": 5, "notes": "resident satisfied"}, "callback_done")
    desk.say("李娜 closes the ticket (完结)")
    closed = desk.act("desk", ticket_id, "close", {}, "closed")

    desk.say("the audit trail has every step")
    trail = desk.call("desk", "GET", f"/tickets/{ticket_id}/events")
    actions = [e.get("action") for e in trail["events"]]
    wanted = ["classify", "dispatch", "accept", "arrive", "start", "complete", "sign_off", "record_callback", "close"]
    missing = [a for a in wanted if a not in actions]
    if missing:
        raise DemoFailed(f"the audit trail lacks {missing}: {actions}")
    print(f"    {len(actions)} events; closed at {closed.get('closed_at')}")

    for word in ("sweep", "report"):
        names = [s for s in desk.info["schedules"] if word in s.lower()]
        if not names:
            desk.say(f"the {word} schedule is not in template.yaml yet: skipped")
            continue
        for name in names:
            desk.say(f"fire {name} now")
            outcome = requests.post(f"{desk.info['control_url']}/fire/{name}", timeout=120).json()
            if outcome.get("outcome") in (None, "not delivered") or str(outcome.get("outcome")).startswith("failed"):
                raise DemoFailed(f"{name}: {outcome}")
            print(f"    {outcome['outcome']}")


def run_demo(info: dict[str, Any], key: DevKey) -> int:
    """0 when the whole day went as the desk expects; 1 (with the reason) otherwise."""
    desk = Desk(info, key)
    print(f"A day at the desk of 阳光花园 against {desk.url}\n", flush=True)
    try:
        day_at_the_desk(desk)
    except DemoFailed as err:
        print(f"\nDEMO FAILED at step {desk.step}: {err}", flush=True)
        return 1
    print("\nThe day went as expected.", flush=True)
    return 0
