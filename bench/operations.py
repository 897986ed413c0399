"""DynamoDB requests and request units per operation, counted by botocore hooks on the in-process moto backend."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.capacity import CapacityMeter, Usage, indexes_from_template
from bench.sandbox import QUIET, Sandbox, moto_sandbox

READ_ROUTES = ("GET /tickets/<ticket_id>", "GET /tickets", "GET /me/work")


@dataclass
class Operation:
    name: str  # "POST /tickets/<ticket_id>/actions/accept"
    detail: str  # who, and which variant
    status: int
    usage: Usage
    ms: float

    @property
    def requests(self) -> int:
        return self.usage.total_requests


@dataclass
class Measured:
    operations: list[Operation] = field(default_factory=list)
    lives: dict[str, Usage] = field(default_factory=dict)  # scenario -> whole life (create + every action)
    life_calls: dict[str, int] = field(default_factory=dict)  # scenario -> API calls in that life
    routes: list[str] = field(default_factory=list)  # every route of the API's OpenAPI document
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)  # non-API functions: what was measured
    scans: int = 0

    def worst(self, name: str) -> Operation | None:
        found = [op for op in self.operations if op.name == name]
        return max(found, key=lambda op: op.requests) if found else None


def _route_name(method: str, path: str) -> str:
    return f"{method.upper()} {path.replace('{', '<').replace('}', '>')}"


class Driver:
    """Calls the API in-process as each user, measuring every call."""

    def __init__(self, box: Sandbox, meter: CapacityMeter) -> None:
        from tests.support.api import ApiClient

        self.box = box
        self.meter = meter
        self.api = ApiClient()
        self.world = box.world
        self.result = Measured()

    def call(self, route: str, detail: str, method: str, path: str, who: str, **kwargs: Any) -> Any:
        with self.meter.measure() as usage:
            started = time.perf_counter()
            reply = self.api.call(method, path, self.world[who] if who else None, **kwargs)
            elapsed = (time.perf_counter() - started) * 1000
        self.result.operations.append(Operation(route, detail, reply.status, usage, elapsed))
        return reply


def _routes(api_module: Any) -> list[str]:
    schema = api_module.app.get_openapi_schema()
    return sorted(_route_name(m, p) for p, item in schema.paths.items() for m in item.model_dump(exclude_none=True))


def measure_api(driver: Driver) -> None:
    """Every route once warm (after a first call filled the per-sandbox caches), and every scenario's whole life."""
    from tests.integration.api.flows import SCENARIOS

    d = driver
    d.result.routes = _routes(d.api.module)
    body = {"kind": "repair", "description": "厨房水管漏水"}
    staff_body = {"kind": "repair", "description": "代报: 电梯异响", "channel": "phone", "resident_id": "zhang"}
    d.api.post("/tickets", d.world["zhang"], body=body)
    warm(d)
    d.call("POST /tickets", "resident, no Idempotency-Key", "POST", "/tickets", "zhang", body=body)
    d.call(
        "POST /tickets",
        "resident, Idempotency-Key (first)",
        "POST",
        "/tickets",
        "zhang",
        body=body,
        headers={"Idempotency-Key": "bench-key-0001"},
    )
    d.call(
        "POST /tickets",
        "resident, Idempotency-Key (replay)",
        "POST",
        "/tickets",
        "zhang",
        body=body,
        headers={"Idempotency-Key": "bench-key-0001"},
    )
    d.call(
        "POST /properties/<property_id>/tickets",
        "desk for a resident",
        "POST",
        "/properties/SUN/tickets",
        "desk",
        body=staff_body,
    )
    ticket = d.api.post("/tickets", d.world["zhang"], body=body).body
    tid = ticket["id"]
    d.call("GET /tickets/<ticket_id>", "resident, own", "GET", f"/tickets/{tid}", "zhang")
    d.call("GET /tickets/<ticket_id>", "desk", "GET", f"/tickets/{tid}", "desk")
    d.call("GET /tickets", "resident's own", "GET", "/tickets", "zhang")
    d.call("GET /tickets", "desk, property by created", "GET", "/tickets", "desk")
    d.call("GET /tickets", "desk, by status", "GET", "/tickets", "desk", query={"status": "received"})
    d.call("GET /tickets", "desk, by assignee", "GET", "/tickets", "desk", query={"assignee": "tech"})
    d.call("GET /tickets", "technician, mine", "GET", "/tickets", "tech", query={"mine": "true"})
    d.call("GET /me/work", "technician", "GET", "/me/work", "tech")
    d.call("GET /tickets/<ticket_id>/events", "desk", "GET", f"/tickets/{tid}/events", "desk")
    d.call(
        "POST /tickets/<ticket_id>/attachments",
        "resident photo",
        "POST",
        f"/tickets/{tid}/attachments",
        "zhang",
        body={"purpose": "resident", "content_type": "image/jpeg"},
    )
    for path, who in (("/openapi.json", ""), ("/docs", "")):
        d.call(f"GET {path}", "no auth", "GET", path, who)
    _directory_routes(d)
    if "REPORTS_BUCKET" in d.box.environment("ApiFunction"):
        d.call(
            "GET /reports/<kind>/<period>",
            "manager, not yet built (404)",
            "GET",
            "/reports/daily/2026-11-22",
            "manager",
        )
    # Whole lives: every action route, measured inside the life that reaches it.
    warm(d)
    for scenario, (kind, steps) in SCENARIOS.items():
        life = Usage()
        calls = 0
        created = d.call(
            "POST /tickets",
            f"{scenario}: create",
            "POST",
            "/tickets",
            "zhang",
            body={"kind": kind, "description": f"{kind} 描述"},
        )
        life.add(d.result.operations[-1].usage)
        calls += 1
        tid = created.body["id"]
        for who, action, step_body, _after in steps:
            d.call(
                f"POST /tickets/<ticket_id>/actions/{action}",
                f"{scenario}: {who}",
                "POST",
                f"/tickets/{tid}/actions/{action}",
                who,
                body=step_body,
            )
            life.add(d.result.operations[-1].usage)
            calls += 1
        d.result.lives[scenario] = life
        d.result.life_calls[scenario] = calls


def warm(d: Driver) -> None:
    """A warm sandbox: every user's principal cached, clients built (a cold sandbox pays its lookups once)."""
    for who in d.world.users:
        d.api.get("/tickets/warm-up-0000", d.world[who])


def _directory_routes(d: Driver) -> None:
    d.call("GET /properties", "manager", "GET", "/properties", "manager")
    d.call("GET /properties/<property_id>", "manager", "GET", "/properties/SUN", "manager")
    prop = d.api.get("/properties/SUN", d.world["manager"]).body
    if isinstance(prop, dict):
        d.call("PUT /properties/<property_id>", "manager", "PUT", "/properties/SUN", "manager", body=prop)
    d.call(
        "POST /properties",
        "group manager",
        "POST",
        "/properties",
        "groupmanager",
        body={"id": "STAR", "code": "STR", "name": "星河湾 Star Bay"},
    )
    records = {
        "buildings": {"id": "B9", "name": "9栋"},
        "units": {"id": "U909", "building_id": "B1", "number": "909"},
        "residents": {"id": "wang", "unit_id": "U101", "name": "王芳", "phone": "+8613800000099"},
        "staff": {"id": "tech9", "name": "Tech Nine", "role": "technician", "department": "engineering"},
    }
    for segment, record in records.items():
        base = f"/properties/SUN/{segment}"
        d.call(f"GET /properties/<property_id>/{segment}", "manager", "GET", base, "manager")
        d.call(f"POST /properties/<property_id>/{segment}", "manager", "POST", base, "manager", body=record)
        d.call(
            f"PUT /properties/<property_id>/{segment}/<record_id>",
            "manager",
            "PUT",
            f"{base}/{record['id']}",
            "manager",
            body=record,
        )


# ---- non-API functions: drivers by code folder, used only when the template declares the function ----------


def _invoke(box: Sandbox, logical_id: str, event: dict[str, Any]) -> Any:
    import os

    from tests.support.api import LambdaContext, load_function

    info = box.functions[logical_id]
    saved = dict(os.environ)
    os.environ.update(box.environment(logical_id))
    os.environ.update(QUIET)
    try:
        module = load_function(info.folder_name)
        return getattr(module, info.handler.rpartition(".")[2])(event, LambdaContext())
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _open_tickets(driver: Driver, count: int) -> None:
    for n in range(count):
        tid = driver.api.post("/tickets", driver.world["zhang"], body={"kind": "repair", "description": f"开放 {n}"})
        tid = tid.body["id"]
        driver.api.post(f"/tickets/{tid}/actions/dispatch", driver.world["desk"], body={"assignee_id": "tech"})


def _sweep(driver: Driver, logical_id: str, tickets: int) -> dict[str, Any]:
    import boto3

    box = driver.box
    with driver.meter.measure() as usage:
        started = _invoke(box, logical_id, {"scheduled_at": "2026-11-23T12:30:00Z"})
        queue = box.environment(logical_id).get("SWEEP_QUEUE_URL")
        sqs = boto3.client("sqs", region_name="us-east-1")
        rounds = 0
        while queue and rounds < 50:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1).get("Messages", [])
            if not messages:
                break
            _invoke(box, logical_id, {"Records": [{"body": messages[0]["Body"], "messageId": "m"}]})
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
            rounds += 1
    return {"per": "open ticket", "units": tickets, "usage": usage, "note": f"start: {json.dumps(started)[:80]}"}


def _report(driver: Driver, logical_id: str, tickets: int) -> dict[str, Any]:
    with driver.meter.measure() as usage:
        _invoke(driver.box, logical_id, {"report": "monthly", "period": "2026-11"})
    return {"per": "ticket of the period", "units": tickets, "usage": usage, "note": "monthly report of 2026-11"}


JobDriver = Callable[[Driver, str, int], dict[str, Any]]
JOB_DRIVERS: dict[str, JobDriver] = {"sweep": _sweep, "reports": _report}


def measure_jobs(driver: Driver, open_tickets: int = 20) -> None:
    from bench.capacity import Usage as _Usage

    _open_tickets(driver, open_tickets)
    tickets = sum(1 for op in driver.result.operations if op.name.startswith("POST /") and "tickets" in op.name)
    for logical_id, info in driver.box.functions.items():
        if logical_id == "ApiFunction":
            continue
        job = JOB_DRIVERS.get(info.folder_name)
        if job is None:
            driver.result.jobs[logical_id] = {"note": "no bench driver yet (webhook or workflow step): not measured"}
            continue
        units = open_tickets if info.folder_name == "sweep" else tickets + open_tickets
        try:
            driver.result.jobs[logical_id] = job(driver, logical_id, units)
        except Exception as err:  # noqa: BLE001 - a job still being written must not stop the other measures
            driver.result.jobs[logical_id] = {"note": f"driver failed: {type(err).__name__}: {err}"[:160]}
        driver.result.jobs[logical_id].setdefault("usage", _Usage())


def measure() -> Measured:
    from tests.support import infra

    with moto_sandbox() as box:
        meter = CapacityMeter(indexes_from_template(infra.template().resources))
        meter.install()
        try:
            driver = Driver(box, meter)
            measure_api(driver)
            measure_jobs(driver)
        finally:
            meter.uninstall()
        driver.result.scans = meter.usage.requests["Scan"] + sum(
            op.usage.requests["Scan"] for op in driver.result.operations
        )
        return driver.result


def requests_table(result: Measured) -> list[tuple[str, str, int, str, float, float]]:
    """(route, detail, status, requests by operation, RRU, WRU incl. indexes) per measured call."""
    rows = []
    for op in result.operations:
        ops = ", ".join(f"{name} {n}" for name, n in sorted(op.usage.requests.items())) or "none"
        rows.append((op.name, op.detail, op.status, ops, op.usage.rru, op.usage.total_wru))
    return rows


def total_counter(result: Measured) -> Counter[str]:
    total: Counter[str] = Counter()
    for op in result.operations:
        total.update(op.usage.requests)
    return total
