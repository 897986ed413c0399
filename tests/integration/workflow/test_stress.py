"""Many tickets of every kind driven through their whole lives at once, as phone apps do: no pause, no polling.

Each ticket's people send their next action as soon as the previous one was answered, while every
ticket's workflow runs on the real state machine and the clock moves on (so on-site timers fire
meanwhile). Nobody else acts on a ticket while its script runs, so no action may be refused: every
answer is 200 (201 for a create), every execution ends SUCCEEDED and every audit trail holds exactly
the actions taken, in order. Counts only: nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from tests.support.lives import FREE_WORK, LIVES, creation

# Coverage is measured by the tests of each rule; traced, these hundreds of lives would take twice as long.
pytestmark = [pytest.mark.workflow, pytest.mark.no_cover]

# 50 tickets of each of the 7 kinds + 3 late orders = 353; PROPDESK_STRESS_PER_KIND=7 gives a quick run by hand
PER_KIND = int(os.environ.get("PROPDESK_STRESS_PER_KIND", "50"))
CLIENTS = 8
CLOCK_STEP = timedelta(minutes=2)  # every CLOCK_PAUSE seconds of real time
CLOCK_PAUSE = 0.2
LATE_ORDERS = 3
CLOCK_SPAN = timedelta(hours=5)  # 10:00 to 15:00: on-site targets fall due, the day's close does not


def test_many_tickets_of_every_kind_at_once_are_never_refused_or_lost(flow, world, clock):
    api_lock = threading.Lock()  # one API sandbox answers one request at a time, as Lambda does
    answers: Counter[int] = Counter()
    refusals: list[tuple[str, str, int, Any]] = []
    taken: dict[str, list[str]] = {}
    auto_closed: dict[str, bool] = {}
    record = threading.Lock()

    def call(path: str, who: str, body: Any) -> Any:
        with api_lock:
            reply = flow.api.post(path, world[who], body=body)
        with record:
            answers[reply.status] += 1
        return reply

    def live(name: str, n: int) -> str:
        kind, reporter, actions, closed_by_workflow = LIVES[name]
        path, body = creation(kind, f"{name} {n}")
        reply = call(path, reporter, body)
        assert reply.status == 201, reply.body
        tid = str(reply.body["id"])
        done = ["create"]
        for who, action, body in actions:
            reply = call(f"/tickets/{tid}/actions/{action}", who, body)
            if reply.status != 200:
                with record:
                    refusals.append((name, action, reply.status, reply.body))
                break
            done.append(action)
        taken[tid] = done
        auto_closed[tid] = closed_by_workflow
        return tid

    # Given a property whose residents may report as many matters an hour as this test lives through
    prop = flow.api.get("/properties/SUN", world["manager"]).body
    prop["settings"]["tickets_per_resident_hour"] = 1_000
    assert flow.api.put("/properties/SUN", world["manager"], body=prop).status == 200
    # PER_KIND tickets of every kind, a kind's lives taking turns (repairs: free, paid, coordinated, voided),
    # the kinds mixed in time
    by_kind: dict[str, list[str]] = {}
    for name, (kind, *_rest) in LIVES.items():
        by_kind.setdefault(kind, []).append(name)
    lives = sorted(
        ((names[n % len(names)], n) for names in by_kind.values() for n in range(PER_KIND)), key=lambda x: x[1]
    )
    finished = threading.Event()

    def move_the_clock() -> None:
        end = clock.current + CLOCK_SPAN
        while not finished.is_set() and clock.current < end:
            clock.current = clock.current + CLOCK_STEP
            finished.wait(CLOCK_PAUSE)

    def late_orders() -> list[str]:
        """Orders dispatched as the lives start whose technicians come late: their on-site timers fall due
        while the lives run, however fast this machine answers."""
        late = []
        for n in range(LATE_ORDERS):
            reply = call("/tickets", "zhang", {"kind": "repair", "description": f"late {n}"})
            tid = str(reply.body["id"])
            for who, action, body in FREE_WORK[:2]:
                assert call(f"/tickets/{tid}/actions/{action}", who, body).status == 200
            late.append(tid)
        return late

    mover = threading.Thread(target=move_the_clock, name="clock")
    mover.start()
    try:
        late = late_orders()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            tids = list(pool.map(lambda life: live(*life), lives))
        for tid in late:
            flow.wait_until(f"the on-site timer of {tid}", lambda tid=tid: _timer_fired(flow, tid), tid)
    finally:
        finished.set()
        mover.join()
    for tid in late:  # the technician arrives late: the breach stands, the rest of the life goes on
        for who, action, body in FREE_WORK[2:]:
            assert call(f"/tickets/{tid}/actions/{action}", who, body).status == 200
        taken[tid] = ["create"] + [action for _who, action, _body in FREE_WORK]
        auto_closed[tid] = True
    tids += late

    # No action was refused: no 409 (nobody else acted on these tickets), no 404, no 5xx
    assert refusals == []
    assert set(answers) == {200, 201}, answers
    assert len(tids) == PER_KIND * len(by_kind) + LATE_ORDERS
    # Every workflow ends SUCCEEDED and every trail holds the actions taken, once each, in order
    timers = 0
    kinds: Counter[str] = Counter()
    for tid in tids:
        assert flow.wait_ended(tid)["status"] == "SUCCEEDED"
        ticket = flow.ticket(tid)
        kinds[ticket.kind.value] += 1
        assert not ticket.is_open, (tid, ticket.status)
        timeline = flow.timeline(tid)
        timers += sum(1 for e in timeline if e.action == "timer")
        trail = [e.action for e in timeline if e.action not in ("notice", "timer", "workflow_ended")]
        expected = taken[tid] + (["close"] if auto_closed[tid] else [])
        assert trail == expected, (tid, trail)
    assert timers > 0  # timers fired while people acted
    assert min(kinds.values()) >= PER_KIND, kinds  # every kind of ticket, PER_KIND lives or more of each
    print(f"\nSTRESS {len(tids)} tickets {dict(kinds)}, {sum(answers.values())} answers {dict(answers)}")
    print(f"STRESS {timers} timers fired")


def _timer_fired(flow: Any, tid: str) -> bool:
    return any(e.action == "timer" for e in flow.timeline(tid))
