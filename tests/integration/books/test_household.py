"""Household services (家政) through the public API and the scheduled job, on one moto account per test.

Times are written as the desk sees them, in Shanghai (UTC+8): the frozen clock starts Monday 2026-11-23 10:00.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Department, Role
from tests.integration.api.conftest import never_a_500  # noqa: F401 - a 5xx anywhere fails these scenarios too
from tests.integration.sweep.support import Context
from tests.support.seed import user

BASE = "/properties/SUN/household"


@pytest.fixture
def people(aws, world) -> Any:
    """The demo world plus the cleaning and greening team leaders (班长) and a gardener."""
    store = DirectoryStore(aws["DirectoryTable"])
    for sid, role, dept in (
        ("cleanlead", Role.TEAM_LEADER, Department.CLEANING),
        ("greenlead", Role.TEAM_LEADER, Department.GREENING),
        ("gardener", Role.TECHNICIAN, Department.GREENING),
    ):
        store.put(
            Staff(id=sid, property_id="SUN", name=sid, role=role, department=dept, user_sub=f"sub-{sid}"), create=True
        )
        world.users[sid] = user(f"sub-{sid}", role.value)
    return world


@pytest.fixture
def household_job(jobs) -> Any:
    """Fires the household schedule's event at the sweep function, as EventBridge Scheduler would."""
    sweep = jobs.sweep

    def fire(scheduled_at: str) -> dict[str, Any]:
        return dict(sweep.lambda_handler({"job": "household_visits", "scheduled_at": scheduled_at}, Context()))

    return fire


def _set(clock, local: str) -> None:
    """Move the frozen clock to a wall-clock time written as the desk reads it."""
    clock.current = datetime.fromisoformat(local)


def _ok(reply: Any, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body


def _priced_monthly_request(api, people, price_cents: int = 15000) -> str:
    request = _ok(
        api.post(
            f"{BASE}/requests",
            people["desk"],
            body={"service": "monthly_cleaning", "resident_id": "zhang", "description": "每周二上门清洁 weekly clean"},
        ),
        201,
    )
    body = {"price_cents": price_cents, "butler_id": "butler", "note": "三室两厅"}
    _ok(api.post(f"{BASE}/requests/{request['id']}/assessment", people["cleanlead"], body=body))
    return str(request["id"])


def _tuesday_plan(api, people, **extra: Any) -> dict[str, Any]:
    request_id = _priced_monthly_request(api, people)
    body = {
        "request_id": request_id,
        "weekdays": [2],
        "at": "09:00",
        "starts_on": "2026-11-24",
        "assignee_id": "cleaner",
    }
    return dict(_ok(api.post(f"{BASE}/plans", people["desk"], body={**body, **extra}), 201))


def _register(api, people, plan_id: str, month: str, who: str = "desk") -> list[dict[str, Any]]:
    reply = api.get(f"{BASE}/plans/{plan_id}/register", people[who], query={"month": month})
    return list(_ok(reply)["lines"])


def _act(api, people, who: str, ticket_id: str, action: str, body: Any = None) -> dict[str, Any]:
    return dict(_ok(api.post(f"/tickets/{ticket_id}/actions/{action}", people[who], body=body or {})))


def test_a_monthly_plan_issues_each_visit_the_day_before_once_and_the_visit_runs_the_ticket_flow(
    api, people, clock, household_job
):
    # Given a new customer's weekly cleaning, priced on site by the cleaning team leader with the butler
    request_id = _priced_monthly_request(api, people)
    # (the greening team leader does not price cleaning; no plan before the price)
    assert (
        api.post(f"{BASE}/requests/{request_id}/assessment", people["greenlead"], body={"price_cents": 1}).status == 403
    )
    body = {
        "request_id": request_id,
        "weekdays": [2],
        "at": "09:00",
        "starts_on": "2026-11-24",
        "assignee_id": "cleaner",
    }
    plan = _ok(api.post(f"{BASE}/plans", people["desk"], body=body), 201)
    assert (plan["price_yuan"], plan["status"]) == ("150.00", "active")

    # When the schedule fires on Monday 10:00, and fires again, and once more late in the afternoon
    first = household_job("2026-11-23T02:00:00Z")
    again = household_job("2026-11-23T02:00:00Z")
    late = household_job("2026-11-23T08:30:00Z")

    # Then Tuesday's 09:00 visit became exactly one order, dispatched to the cleaner for 09:00 Shanghai time
    assert (first["issued"]["SUN"], again["issued"]["SUN"], late["issued"]["SUN"]) == (1, 0, 0)
    lines = _register(api, people, plan["id"], "2026-11")
    assert [(line["slot"], line["at"], line["state"]) for line in lines] == [
        ("2026-11-24", "2026-11-24T09:00:00+08:00", "pending")
    ]
    ticket_id = lines[0]["ticket_id"]
    orders = _ok(api.get("/tickets", people["desk"], query={"kind": "household_service"}))["items"]
    assert [o["id"] for o in orders] == [ticket_id]
    order = _ok(api.get(f"/tickets/{ticket_id}", people["cleaner"]))
    assert (order["status"], order["assignee_id"], order["department"]) == ("dispatched", "cleaner", "cleaning")
    assert (order["appointment_at"], order["quote_cents"], order["paid"]) == ("2026-11-24T09:00:00+08:00", 15000, True)
    assert order["resident_id"] == "zhang" and order["title"] == "包月清洁 2026-11-24 09:00"

    # When the cleaner comes on Tuesday, works at the agreed price without a quote, and the desk calls back
    _set(clock, "2026-11-24T08:55:00+08:00")
    for action in ("accept", "arrive", "start"):
        _act(api, people, "cleaner", ticket_id, action)
    _act(api, people, "cleaner", ticket_id, "complete", {"notes": "客厅、厨房、卫生间"})
    _act(api, people, "zhang", ticket_id, "sign_off", {"rating": 5})
    done = _act(api, people, "desk", ticket_id, "record_callback", {"satisfaction": 5})
    assert done["status"] == "callback_done"
    # Then the register shows the visit done
    assert [line["state"] for line in _register(api, people, plan["id"], "2026-11")] == ["done"]


def test_a_plan_is_paused_changed_moved_and_ended(api, people, clock, household_job):
    plan = _tuesday_plan(api, people)
    pid = plan["id"]
    # (a request makes one plan: the second answers 409 and writes nothing)
    again = {"request_id": plan["request_id"], "weekdays": [3], "at": "10:00", "starts_on": "2026-11-25"}
    assert api.post(f"{BASE}/plans", people["desk"], body={**again, "assignee_id": "cleaner"}).status == 409
    assert [p["id"] for p in _ok(api.get(f"{BASE}/plans", people["desk"]))] == [pid]
    # Given Tuesday 1 December's visit moved to Wednesday 14:00 with the resident's agreement
    move = {"at": "2026-12-02T14:00:00+08:00", "agreed_with_resident": True, "note": "业主周二出差"}
    refused = api.post(
        f"{BASE}/plans/{pid}/visits/2026-12-01/move", people["desk"], body={**move, "agreed_with_resident": False}
    )
    assert refused.status == 400 and refused.body["details"][0]["field"] == "agreed_with_resident"
    _ok(api.post(f"{BASE}/plans/{pid}/visits/2026-12-01/move", people["butler"], body=move))
    # When the schedule fires on Monday 30 November and on Tuesday 1 December
    _set(clock, "2026-11-30T10:00:00+08:00")
    monday = household_job("2026-11-30T02:00:00Z")
    _set(clock, "2026-12-01T10:00:00+08:00")
    tuesday = household_job("2026-12-01T02:00:00Z")
    # Then nothing is issued for Tuesday, and the moved visit is issued the day before Wednesday
    assert (monday["issued"]["SUN"], tuesday["issued"]["SUN"]) == (0, 1)
    lines = _register(api, people, pid, "2026-12")
    assert (lines[0]["slot"], lines[0]["at"], lines[0]["moved_from"]) == (
        "2026-12-01",
        "2026-12-02T14:00:00+08:00",
        "2026-12-01T09:00:00+08:00",
    )
    order = _ok(api.get(f"/tickets/{lines[0]['ticket_id']}", people["desk"]))
    assert order["appointment_at"] == "2026-12-02T14:00:00+08:00"

    # Given the plan paused: the next Monday's run issues nothing; resumed and changed to Thursdays 15:30
    reason = {"reason": "业主出国一周"}
    assert _ok(api.post(f"{BASE}/plans/{pid}/pause", people["desk"], body=reason))["status"] == "paused"
    assert api.post(f"{BASE}/plans/{pid}/pause", people["desk"], body=reason).status == 409
    _set(clock, "2026-12-07T10:00:00+08:00")
    assert household_job("2026-12-07T02:00:00Z")["issued"]["SUN"] == 0
    _ok(api.post(f"{BASE}/plans/{pid}/resume", people["desk"], body={"reason": "业主回来了"}))
    changed = _ok(api.post(f"{BASE}/plans/{pid}/change", people["desk"], body={"weekdays": [4], "at": "15:30"}))
    assert (changed["weekdays"], changed["at"]) == ([4], "15:30:00")
    # Only the manager changes the price
    assert api.post(f"{BASE}/plans/{pid}/change", people["desk"], body={"price_cents": 9000}).status == 403
    _set(clock, "2026-12-09T10:00:00+08:00")
    assert household_job("2026-12-09T02:00:00Z")["issued"]["SUN"] == 1  # Thursday 10 December 15:30
    thursday = [line for line in _register(api, people, pid, "2026-12") if line["slot"] == "2026-12-10"]
    assert thursday[0]["at"] == "2026-12-10T15:30:00+08:00" and thursday[0]["ticket_number"].startswith("SUN-20261209-")

    # When the plan ends today, Wednesday 9 December; Then next week's run issues nothing
    ended = _ok(api.post(f"{BASE}/plans/{pid}/end", people["desk"], body={"reason": "业主搬走"}))
    assert (ended["status"], ended["ends_on"]) == ("ended", "2026-12-09")
    _set(clock, "2026-12-16T10:00:00+08:00")
    assert household_job("2026-12-16T02:00:00Z")["issued"]["SUN"] == 0
    assert [h["action"] for h in ended["history"]] == ["create", "pause", "resume", "change", "end"]


def test_the_price_list_in_yuan_and_one_off_work_priced_on_site_before_any_order(api, people, clock):
    # Given the manager's price for a monthly cleaning visit, in fen
    price = {"id": "clean-visit", "department": "cleaning", "name": "包月清洁 每次", "unit": "次", "price_cents": 12050}
    _ok(api.post(f"{BASE}/prices", people["manager"], body=price), 201)
    # When a resident reads the list; Then it shows yuan with two decimals
    listed = _ok(api.get(f"{BASE}/prices", people["zhang"]))
    assert [(p["name"], p["price_yuan"]) for p in listed] == [("包月清洁 每次", "120.50")]
    # And the desk cannot change it, another property's desk cannot see it, a security price is refused
    assert api.post(f"{BASE}/prices", people["desk"], body={**price, "id": "x"}).status == 403
    assert api.get(f"{BASE}/prices", people["moondesk"]).status == 404
    refused = api.post(f"{BASE}/prices", people["manager"], body={**price, "id": "guard", "department": "security"})
    assert refused.status == 422 and refused.body["details"][0]["field"] == "body.department"
    changed = api.put(f"{BASE}/prices/clean-visit", people["manager"], body={**price, "price_cents": 13000})
    assert _ok(changed)["price_yuan"] == "130.00"

    # Given a resident asking for a move-in deep cleaning from the app
    asked = _ok(
        api.post(f"{BASE}/requests", people["zhang"], body={"service": "deep_cleaning", "description": "新房开荒"}), 201
    )
    rid = asked["id"]
    confirm = {"appointment_at": "2026-11-25T09:00:00+08:00"}
    # Then no order before the cleaning team leader's on-site assessment
    assert api.post(f"{BASE}/requests/{rid}/order", people["desk"], body=confirm).status == 409
    # When the cleaning team leader prices it on site (no butler needed) and the desk confirms the time
    assessed = _ok(api.post(f"{BASE}/requests/{rid}/assessment", people["cleanlead"], body={"price_cents": 88000}))
    assert (assessed["status"], assessed["price_yuan"]) == ("assessed", "880.00")
    order = _ok(api.post(f"{BASE}/requests/{rid}/order", people["desk"], body=confirm), 201)
    # Then the order exists, priced and booked, ready for dispatch
    ticket = order["ticket"]
    assert (ticket["kind"], ticket["status"], ticket["quote_cents"]) == ("household_service", "classified", 88000)
    assert ticket["appointment_at"] == "2026-11-25T09:00:00+08:00" and order["request"]["status"] == "confirmed"
    assert api.post(f"{BASE}/requests/{rid}/order", people["desk"], body=confirm).status == 409

    # Given an hourly cleaning: the team leader agrees a time, and the desk must confirm that time
    hourly = _ok(
        api.post(
            f"{BASE}/requests",
            people["butler"],
            body={"service": "hourly_cleaning", "resident_id": "smith", "description": "2 hours"},
        ),
        201,
    )
    hid = hourly["id"]
    no_time = api.post(
        f"{BASE}/requests/{hid}/assessment", people["cleanlead"], body={"price_cents": 5000, "butler_id": "butler"}
    )
    assert no_time.status == 400 and no_time.body["details"][0]["field"] == "agreed_at"
    agreed = {"price_cents": 5000, "unit": "小时", "butler_id": "butler", "agreed_at": "2026-11-26T14:00:00+08:00"}
    _ok(api.post(f"{BASE}/requests/{hid}/assessment", people["cleanlead"], body=agreed))
    wrong = api.post(
        f"{BASE}/requests/{hid}/order", people["desk"], body={"appointment_at": "2026-11-26T16:00:00+08:00"}
    )
    assert wrong.status == 400 and wrong.body["details"][0]["field"] == "appointment_at"
    right = _ok(
        api.post(f"{BASE}/requests/{hid}/order", people["desk"], body={"appointment_at": "2026-11-26T14:00:00+08:00"}),
        201,
    )
    assert right["ticket"]["resident_id"] == "smith"


def test_household_records_stay_with_their_property_and_resident(api, people, clock):
    plan = _tuesday_plan(api, people)
    path = f"{BASE}/plans/{plan['id']}"
    # The resident reads their own plan; another resident, another property's desk and a contractor do not
    assert _ok(api.get(path, people["zhang"]))["id"] == plan["id"]
    assert api.get(path, people["smith"]).status == 404
    assert api.get(path, people["moondesk"]).status == 404
    assert api.get(path, people["contractor"]).status == 404
    assert api.get(f"/properties/MOON/household/plans/{plan['id']}", people["moondesk"]).status == 404
    assert _ok(api.get(f"{BASE}/plans", people["smith"])) == []
    # Roles: a resident cannot keep plans, a technician cannot price, a team leader cannot pause
    assert api.post(f"{path}/pause", people["zhang"], body={"reason": "不要了"}).status == 403
    asked = _ok(
        api.post(
            f"{BASE}/requests",
            people["desk"],
            body={"service": "monthly_greening", "resident_id": "zhang", "description": "花园"},
        ),
        201,
    )
    assert (
        api.post(f"{BASE}/requests/{asked['id']}/assessment", people["cleaner"], body={"price_cents": 100}).status
        == 403
    )
    assert api.post(f"{path}/pause", people["cleanlead"], body={"reason": "人手不够"}).status == 403
    # A resident of another property cannot record a request here
    assert (
        api.post(f"{BASE}/requests", people["moonres"], body={"service": "deep_cleaning", "description": "x"}).status
        == 404
    )
    # Bad input answers 400 naming its field: a visit moved a year ahead, a day that does not exist, a far month
    move = {"at": "2027-12-01T09:00:00+08:00", "agreed_with_resident": True}
    far = api.post(f"{path}/visits/2026-12-01/move", people["desk"], body=move)
    assert far.status == 400 and far.body["details"][0]["field"] == "at"
    no_day = api.post(f"{path}/visits/2026-02-30/move", people["desk"], body=move)
    assert no_day.status == 400 and no_day.body["details"][0]["field"] == "slot"
    assert api.get(f"{BASE}/statements/9999-12", people["manager"]).body["details"][0]["field"] == "month"
    # Nothing was written by the refusals
    assert [h["action"] for h in _ok(api.get(path, people["desk"]))["history"]] == ["create"]


def test_month_end_archives_a_statement_per_plan_and_the_reports_count_visits(api, people, clock, household_job, jobs):
    # Given a Tuesday plan whose 24 November visit was done and whose 1 December visit was issued but not done
    plan = _tuesday_plan(api, people)
    household_job("2026-11-23T02:00:00Z")
    ticket_id = _register(api, people, plan["id"], "2026-11")[0]["ticket_id"]
    _set(clock, "2026-11-24T09:00:00+08:00")
    for action in ("accept", "arrive", "start", "complete"):
        _act(api, people, "cleaner", ticket_id, action)
    _set(clock, "2026-11-30T10:00:00+08:00")
    household_job("2026-11-30T02:00:00Z")

    # When the schedule fires on 1 December (the month end), and the daily reports of 24 Nov and 1 Dec are built
    _set(clock, "2026-12-02T10:00:00+08:00")
    fired = household_job("2026-12-01T02:00:00Z")
    key = f"household/SUN/2026-11/plan-{plan['id']}.json"
    assert key in fired["archived"]
    statement = jobs.get_json(key)
    assert (statement["month"], statement["done"], statement["missed"], statement["amount_yuan"]) == (
        "2026-11",
        1,
        0,
        "150.00",
    )
    customers = jobs.get_json("household/SUN/2026-11/customers.json")["customers"]
    assert [(c["resident_id"], c["plans"], c["amount_yuan"]) for c in customers] == [("zhang", [plan["id"]], "150.00")]
    # And the manager checks the month's statement through the API; the desk may not
    assert _ok(api.get(f"{BASE}/statements/2026-11", people["manager"]))["plans"][0]["done"] == 1
    assert api.get(f"{BASE}/statements/2026-11", people["desk"]).status == 403

    for day in ("2026-11-24", "2026-12-01"):
        jobs.reports.lambda_handler(
            {"report": "daily", "period": day, "scheduled_at": "2026-12-02T02:00:00Z"}, Context()
        )
    done_day = jobs.get_json("reports/daily/SUN/2026-11-24.json")["figures"]["plan_visits"]
    missed_day = jobs.get_json("reports/daily/SUN/2026-12-01.json")["figures"]["plan_visits"]
    assert done_day == {"issued": 1, "done": 1, "missed": 0, "pending": 0}
    assert missed_day == {"issued": 1, "done": 0, "missed": 1, "pending": 0}
    # And November's monthly report counts its one visit, done (1 December's belongs to December)
    event = {"report": "monthly", "period": "2026-11", "scheduled_at": "2026-12-02T02:00:00Z"}
    jobs.reports.lambda_handler(event, Context())
    month = jobs.get_json("reports/monthly/SUN/2026-11.json")["figures"]["plan_visits"]
    assert month == {"issued": 1, "done": 1, "missed": 0, "pending": 0}
