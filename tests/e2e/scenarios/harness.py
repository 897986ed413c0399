"""Drive the local stack as the desk's people do, on a clock the scenario moves, and read what they receive.

The stack starts at a chosen instant (`python -m local up --start`) and its clock moves only forward: real
seconds while people act, and jumps (`at`) over the hours a scenario does not need to watch. Every timer,
schedule and function sees the same time. Times are written as the property's wall clock ("2026-12-01 09:15").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from local import seed
from local.auth import DevKey
from local.runtime import token_for

ZONE = ZoneInfo("Asia/Shanghai")  # the demo property's timezone
WAIT_S = 30.0  # a step the workflow takes asynchronously; longer means it is lost
TIMER_S = 3.0  # a timer due within this many real seconds is part of what was set off
POLL_S = 0.05


class ScenarioFailed(AssertionError):
    """The stack did not reach what the scenario waited for."""


def local_time(at: str | None) -> str | None:
    """An instant from the API as the property's wall clock, to the nearest minute: "2026-12-01 09:15".

    People act a few real seconds after the clock lands on a minute, so an instant counted from an action
    is that many seconds off the minute the scenario wrote; the nearest minute is the one a person reads.
    """
    if at is None:
        return None
    return (datetime.fromisoformat(at) + timedelta(seconds=30)).astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def instant(wall_clock: str) -> datetime:
    """A wall-clock time of the property ("2026-12-01 09:15") as an aware instant."""
    return datetime.strptime(wall_clock, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)


class Harness:
    """The public API as each demo user sees it, the stack's clock, and every SMS sent."""

    def __init__(self, info: dict[str, Any], state: Path) -> None:
        self.info = info
        self.url: str = next(a["url"] for a in info["apis"].values() if a["issuer"])
        self.control: str = info["control_url"]
        key = DevKey.load_or_create(state)
        self.tokens = {u.key: token_for(info, key, u.key) for u in seed.DEMO_USERS}
        self.people_by_phone = {seed.phone(u.key): u.key for u in seed.DEMO_USERS}
        self.http = requests.Session()

    # ------------------------------------------------------------ the API, as a person

    def call(self, user: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        """One request as `user`; fails the scenario unless the answer has status `expect`."""
        response = self.http.request(
            method, f"{self.url}{path}", json=body, headers={"Authorization": f"Bearer {self.tokens[user]}"}, timeout=60
        )
        if response.status_code != expect:
            raise ScenarioFailed(f"{method} {path} as {user}: {response.status_code}, wanted {expect}: {response.text}")
        return response.json() if response.content else None

    def report(self, user: str, expect: int = 201, **fields: Any) -> dict[str, Any]:
        """POST /tickets as `user`; the new ticket."""
        ticket: dict[str, Any] = self.call(user, "POST", "/tickets", fields, expect)
        return ticket

    def record(self, user: str, expect: int = 201, **fields: Any) -> dict[str, Any]:
        """POST /properties/{demo property}/tickets: a desk or call-centre agent records a matter; the new ticket."""
        ticket: dict[str, Any] = self.call(user, "POST", f"/properties/{seed.PROPERTY_ID}/tickets", fields, expect)
        return ticket

    def act(self, user: str, ticket: dict[str, Any] | str, action: str, expect: int = 200, **body: Any) -> Any:
        """POST /tickets/{id}/actions/{action} as `user`; `ticket`, `sms` and `at` wait for what it sets off."""
        ticket_id = ticket if isinstance(ticket, str) else ticket["id"]
        return self.call(user, "POST", f"/tickets/{ticket_id}/actions/{action}", body, expect)

    def ticket(self, ticket: dict[str, Any] | str, user: str = "desk") -> dict[str, Any]:
        """The ticket as `user` sees it once the stack has done what the last actions set off."""
        self.settle()
        ticket_id = ticket if isinstance(ticket, str) else ticket["id"]
        found: dict[str, Any] = self.call(user, "GET", f"/tickets/{ticket_id}")
        return found

    def wait_for(
        self, ticket: dict[str, Any] | str, check: Callable[[dict[str, Any]], bool], what: str, user: str = "desk"
    ) -> dict[str, Any]:
        """The ticket as `user` sees it once `check` holds (the workflow moves some tickets by itself)."""
        deadline = time.monotonic() + WAIT_S
        ticket_id = ticket if isinstance(ticket, str) else ticket["id"]
        while True:
            found: dict[str, Any] = self.call(user, "GET", f"/tickets/{ticket_id}")
            if check(found):
                return found
            if time.monotonic() > deadline:
                raise ScenarioFailed(f"{found['number']} never reached {what}; it is {found['status']}: {found}")
            time.sleep(0.2)

    def wait_for_status(self, ticket: dict[str, Any] | str, status: str, user: str = "desk") -> dict[str, Any]:
        return self.wait_for(ticket, lambda t: t["status"] == status, f"status {status}", user)

    # ------------------------------------------------------------ time

    def now(self) -> str:
        """The stack's clock as the property's wall clock, the minute it is in."""
        at = self.http.get(f"{self.control}/clock", timeout=10).json()["now"]
        return datetime.fromisoformat(at).astimezone(ZONE).strftime("%Y-%m-%d %H:%M")

    def at(self, wall_clock: str) -> None:
        """Move the clock forward to `wall_clock` (schedules on the way fire at their times), then settle."""
        self.settle()
        now = self.now()
        if wall_clock < now:
            raise ScenarioFailed(
                f"the clock is at {now} already: {wall_clock} is past (scenarios of a module run in order)"
            )
        response = self.http.post(f"{self.control}/clock", json={"to": instant(wall_clock).isoformat()}, timeout=300)
        if response.status_code != 200:
            raise ScenarioFailed(f"the clock cannot move to {wall_clock}: {response.text}")
        self.settle()

    def settle(self) -> None:
        """Wait until nothing is under way in the stack (no invoke, hand-over or running execution that has not
        parked again): it has done what the last actions set off."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            activity = self.http.get(f"{self.control}/activity", timeout=10).json()
            # A timer about to fire (a reminder catching up after a jump waits a second between fires) is work too.
            imminent = activity.get("next_timer_s") is not None and activity["next_timer_s"] < TIMER_S
            if not activity["busy"] and not imminent:
                return
            time.sleep(POLL_S)
        raise ScenarioFailed(f"the stack was still busy after {WAIT_S} s: {activity}")

    # ------------------------------------------------------------ what people receive

    def sms(self, number: str) -> dict[str, list[str]]:
        """Every SMS about ticket `number` so far, full text in order, by demo user (other phones by number)."""
        self.settle()
        messages = self.http.get(f"{self.control}/sms", timeout=10).json()["messages"]
        inbox: dict[str, list[str]] = {}
        for message in messages:
            if number in message["text"]:
                person = self.people_by_phone.get(message["to"], message["to"])
                inbox.setdefault(person, []).append(message["text"])
        return inbox

    def sms_at(self, number: str) -> list[tuple[str, str, str]]:
        """Every SMS about ticket `number` as (wall-clock minute it was sent, demo user, text)."""
        self.settle()
        messages = self.http.get(f"{self.control}/sms", timeout=10).json()["messages"]
        return [
            (local_time(m["at"]) or "", self.people_by_phone.get(m["to"], m["to"]), m["text"])
            for m in messages
            if number in m["text"]
        ]

    # ------------------------------------------------------------ what people see

    @staticmethod
    def targets(ticket: dict[str, Any]) -> dict[str, str]:
        """Each SLA target as a person reads it: "due 2026-12-01 09:15, met 09:10" / "…, breached by 2 min"."""
        readable = {}
        for name, target in (ticket.get("sla") or {}).items():
            # The due a person is held to: the stored due moved on by the time the resident kept the clock paused.
            due = datetime.fromisoformat(target["due_at"]) + timedelta(seconds=target.get("paused_seconds") or 0)
            text = f"due {local_time(due.isoformat())}"
            met = local_time(target.get("met_at"))
            if met is not None:
                text += f", met {met[11:] if met[:10] == text[4:14] else met}"
            if target.get("breached"):
                text += f", breached by {round(target['breach_seconds'] / 60)} min" if met else ", breached"
            elif met is None:
                text += ", open"
            readable[name] = text
        return readable
