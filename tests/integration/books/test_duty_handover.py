"""Shift handovers (交接班): at the desk's closing and opening the sweep function writes what is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.books.duty_fixtures import Account, Day, account, today
from tests.integration.sweep.support import Context, create_queues, reset_warm_state
from tests.support import infra
from tests.support.api import load_function

__all__ = ["account", "today"]


@pytest.fixture(scope="module")
def sweep(account: Account) -> Iterator[Any]:
    """The sweep function in-process with the environment the template gives it, on the module's account."""
    with pytest.MonkeyPatch.context() as patch:
        physical = {**account.physical, **create_queues()}
        for key, value in infra.function_environment("SweepFunction", physical).items():
            patch.setenv(key, value)
        patch.delenv("TICKET_WORKFLOW_ARN", raising=False)
        reset_warm_state()
        module = load_function("sweep")
        yield module
        reset_warm_state()


def fire(sweep: Any, at: Any) -> list[dict[str, Any]]:
    """The half-hourly schedule's firing at `at`, as EventBridge Scheduler invokes it: SUN's handovers."""
    event = {"job": "handover", "scheduled_at": at.isoformat().replace("+00:00", "Z")}
    return [h for h in sweep.lambda_handler(event, Context())["handovers"] if h["property_id"] == "SUN"]


def handovers(account: Account, day: Day, offset: int = 0) -> list[dict[str, Any]]:
    from datetime import timedelta

    label = (day.day + timedelta(days=offset)).isoformat()
    reply = account.api.get(f"/properties/SUN/duty/{label}", account.world["desk"])
    assert reply.status == 200, reply.body
    return list(reply.body["handovers"])


def test_the_desk_hands_over_to_the_control_room_at_close_and_takes_back_in_the_morning(account, sweep, today):
    api, world = account.api, account.world
    # Given two matters reported during the day, and an evening call transferred to engineering
    leak = api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "厨房水管漏水"}).body
    today.at(15)
    body = {"kind": "complaint", "channel": "visit", "description": "楼上装修噪音", "resident_id": "smith"}
    noise = api.post("/properties/SUN/tickets", world["desk"], body=body).body
    today.at(20, 40)
    call = {"channel": "phone", "request": "地库灯坏了", "outcome": "transferred", "transferred_to": "engineering"}
    assert api.post("/properties/SUN/duty/contacts", world["desk"], body=call).status == 201

    # When the schedule fires at 21:00, the desk's closing
    closing = fire(sweep, today.at(21))

    # Then one handover, desk to control room, lists both open tickets and the transferred call
    assert closing == [{"property_id": "SUN", "to_shift": "control_room", "open": 2}]
    [evening] = handovers(account, today)
    assert (evening["from_shift"], evening["to_shift"]) == ("desk", "control_room")
    assert evening["at"].startswith(f"{today.label}T13:00:00")  # 21:00 in Shanghai
    assert {t["number"] for t in evening["open_tickets"]} == {leak["number"], noise["number"]}
    assert (evening["open_count"], evening["truncated"], evening["shift_contacts"]) == (2, False, 3)
    assert [c["request"] for c in evening["shift_contacts_unresolved"]] == ["地库灯坏了"]

    # Given a call the control room takes in the night
    today.at(2, 10, days=1)
    night = {"channel": "phone", "request": "电梯困人", "outcome": "transferred", "transferred_to": "security"}
    assert api.post("/properties/SUN/duty/contacts", world["desk"], body=night).status == 201

    # When the schedule fires at 08:00 the next morning
    opening = fire(sweep, today.at(8, days=1))

    # Then the control room hands back to the desk with the night's contact, on the next day's log
    assert opening == [{"property_id": "SUN", "to_shift": "desk", "open": 2}]
    [morning] = handovers(account, today, offset=1)
    assert (morning["from_shift"], morning["to_shift"], morning["shift_contacts"]) == ("control_room", "desk", 1)
    assert [c["request"] for c in morning["shift_contacts_unresolved"]] == ["电梯困人"]


def test_no_handover_between_shift_changes_nor_on_a_holiday(account, sweep, today):
    assert fire(sweep, today.at(12, 30)) == []
    assert fire(sweep, today.at(21, 30)) == []

    store = load_function("sweep").runner().directory
    from propdesk.models.directory import Property

    sun = store.get(Property, None, "SUN")
    store.put(sun.model_copy(update={"holidays": [today.day]}), create=False)
    load_function("sweep").runner().service.cache.clear()
    assert fire(sweep, today.at(8)) == []
    assert fire(sweep, today.at(21)) == []
    assert handovers(account, today) == []
