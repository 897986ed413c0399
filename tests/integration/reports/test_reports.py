"""Daily and monthly reports on moto: every figure against an independent count, the files, the API route."""

from __future__ import annotations

import csv
import io
import os
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from propdesk.dal.tickets import TicketStore
from propdesk.models.enums import Channel, Department, Status, TicketKind
from propdesk.models.ticket import Ticket
from tests.integration.sweep.support import Context, make_ticket, target

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATUSES = [
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.COORDINATION,
    Status.COMPLETED,
    Status.SIGNED_OFF,
    Status.CALLBACK_DONE,
    Status.CLOSED,
    Status.VOIDED,
    Status.INVALID,
]
TARGETS = ["on_site", "same_day", "callback", "coordination_contact"]


def _random_ticket(store: TicketStore, rng: random.Random, property_id: str, created: datetime, as_of: datetime):
    status = rng.choice(STATUSES)
    sla = {}
    for name in rng.sample(TARGETS, rng.randint(0, 3)):
        due = created + timedelta(hours=rng.choice([1, 6, 30]))
        met = rng.choice([None, due - timedelta(minutes=5), due + timedelta(hours=2)])
        if met is not None and met > as_of:
            met = None
        sla[name] = target(name, created, due, met, paused_seconds=rng.choice([0, 0, 7200]))
    done = status in (Status.COMPLETED, Status.SIGNED_OFF, Status.CALLBACK_DONE) or (
        status is Status.CLOSED and rng.random() < 0.7
    )
    paid = rng.random() < 0.3
    return make_ticket(
        store,
        property_id=property_id,
        status=status,
        kind=rng.choice(list(TicketKind)),
        channel=rng.choice(list(Channel)),
        created_at=created,
        sla=sla,
        department=rng.choice([None, *Department]),
        assignee_id=rng.choice([None, "tech", "tech2"]),
        completed_at=created + timedelta(hours=3) if done else None,
        paid=paid,
        fee_cents=rng.choice([None, 5000, 12050]) if paid else None,
        satisfaction=rng.choice([None, 1, 2, 3, 4, 5]),
        coordination_opened_at=created + timedelta(hours=4) if rng.random() < 0.2 else None,
    )


def seed_period(store: TicketStore, start_local: datetime, end_local: datetime, as_of: datetime, n: int, seed: int):
    """n tickets inside [start, end) per property, plus decoys just outside; returns the inside ones."""
    rng = random.Random(seed)
    inside: dict[str, list[Ticket]] = defaultdict(list)
    span = (end_local - start_local).total_seconds()
    for property_id in ("SUN", "MOON"):
        for i in range(n):
            at = start_local + timedelta(seconds=rng.uniform(0, span - 1))
            if i == 0:
                at = start_local  # the first instant belongs to the period
            inside[property_id].append(_random_ticket(store, rng, property_id, at.astimezone(UTC), as_of))
        for decoy in (start_local - timedelta(microseconds=1), end_local):
            _random_ticket(store, rng, property_id, decoy.astimezone(UTC), as_of)
    return inside


FREE_JOB_KINDS = (TicketKind.REPAIR, TicketKind.WARRANTY, TicketKind.HOUSEHOLD_SERVICE, TicketKind.QUICK_TASK)


def expected(tickets: list[Ticket], as_of: datetime) -> dict:
    """The report's figures counted independently, straight from the definitions."""

    def state(t: Ticket, name: str) -> str:
        s = t.sla[name]
        if s.met_at:
            return "met_late" if s.met_at > s.due_at + timedelta(seconds=s.paused_seconds) else "met_on_time"
        return "open_overdue" if s.due_at + timedelta(seconds=s.paused_seconds) < as_of else "open_pending"

    final = {Status.CLOSED, Status.VOIDED, Status.INVALID}
    by_channel, by_kind = Counter(t.channel.value for t in tickets), Counter(t.kind.value for t in tickets)
    matrix: dict = defaultdict(dict)
    for (c, k), n in Counter((t.channel.value, t.kind.value) for t in tickets).items():
        matrix[c][k] = n
    dept = lambda t: t.department.value if t.department else "unassigned"  # noqa: E731
    sla = {}
    for name in sorted({n for t in tickets for n in t.sla}):
        row = Counter(state(t, name) for t in tickets if name in t.sla)
        out = {m: row[m] for m in ("met_on_time", "met_late", "open_overdue", "open_pending")}
        out["total"] = sum(out.values())
        judged = out["met_on_time"] + out["met_late"] + out["open_overdue"]
        out["on_time_rate"] = round(out["met_on_time"] / judged, 4) if judged else None
        sla[name] = out
    overdue = Counter(dept(t) for t in tickets if any(state(t, n) in ("met_late", "open_overdue") for n in t.sla))
    cb = [state(t, "callback") for t in tickets if "callback" in t.sla]
    ratings = [t.satisfaction for t in tickets if t.satisfaction is not None]
    coord = [t for t in tickets if t.coordination_opened_at]
    paid = [t for t in tickets if t.paid]
    return {
        "received": len(tickets),
        "finished": sum(1 for t in tickets if t.completed_at or t.status is Status.CLOSED),
        "unfinished": sum(1 for t in tickets if t.status not in final),
        "tickets": {"by_channel": dict(by_channel), "by_kind": dict(by_kind), "matrix": dict(matrix)},
        "by_department": dict(Counter(dept(t) for t in tickets)),
        "by_category": dict(Counter(t.category or "unclassified" for t in tickets)),
        "sla": sla,
        "overdue_by_department": dict(overdue),
        "callbacks": {
            "due": len(cb),
            "made": sum(1 for s in cb if s.startswith("met")),
            "made_on_time": cb.count("met_on_time"),
            "late": cb.count("met_late") + cb.count("open_overdue"),
        },
        "satisfaction": {
            "count": len(ratings),
            "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "distribution": {str(s): ratings.count(s) for s in range(1, 6)},
        },
        "coordination": {"opened": len(coord), "still_open": sum(1 for t in coord if t.status not in final)},
        "paid": {
            "jobs": len(paid),
            "revenue_cents": sum(t.fee_cents or 0 for t in paid),
            "free_jobs": sum(1 for t in tickets if not t.paid and t.kind in FREE_JOB_KINDS),
        },
        # These tests keep no site-office registers: their lines are there, at zero (test_registers.py counts them).
        "registers": {
            "permits_received": 0,
            "permits_issued": 0,
            "permits_on_time": 0,
            "permits_late": 0,
            "permits_overdue": 0,
            "mail_received": 0,
            "mail_waiting": 0,
        },
        # These worlds hold no household plans (tests/integration/books counts plan visits).
        "plan_visits": {"issued": 0, "done": 0, "missed": 0, "pending": 0},
    }


@pytest.fixture
def store(jobs) -> TicketStore:
    return TicketStore(os.environ["TICKETS_TABLE"])


DAILY_AS_OF = datetime(2026, 11, 23, 7, 30, tzinfo=SHANGHAI).astimezone(UTC)


def test_the_daily_report_counts_yesterday_exactly(jobs, world, store):
    # Given 60 tickets per property on 22 November (local), and decoys on either side of midnight
    day_start = datetime(2026, 11, 22, tzinfo=SHANGHAI)
    inside = seed_period(store, day_start, day_start + timedelta(days=1), DAILY_AS_OF, 60, seed=22)

    # When the 07:30 schedule fires on the 23rd
    result = jobs.reports.lambda_handler({"report": "daily", "scheduled_at": "2026-11-22T23:30:00Z"}, Context())

    # Then each property's figures, and the group's, equal the independent counts
    assert result["period"] == "2026-11-22"
    for scope, tickets in (
        ("SUN", inside["SUN"]),
        ("MOON", inside["MOON"]),
        ("_group", inside["SUN"] + inside["MOON"]),
    ):
        report = jobs.get_json(f"reports/daily/{scope}/2026-11-22.json")
        assert report["figures"] == expected(tickets, DAILY_AS_OF), scope
        assert report["unfinished_items"] == []  # the item analysis is the monthly report's
    group = jobs.get_json("reports/daily/_group/2026-11-22.json")
    assert [p["property_id"] for p in group["properties"]] == ["MOON", "SUN"]
    # The CSV carries the same numbers, one per row
    rows = list(csv.reader(io.StringIO(jobs.get_text("reports/daily/SUN/2026-11-22.csv").lstrip("\ufeff"))))
    values = {r[1]: r[3] for r in rows[1:] if r[0] == "SUN"}
    figures = expected(inside["SUN"], DAILY_AS_OF)
    assert values["received"] == str(figures["received"])
    assert values["callbacks.late"] == str(figures["callbacks"]["late"])
    assert values["satisfaction.distribution.5"] == str(figures["satisfaction"]["distribution"]["5"])
    assert any(r[2].startswith("受理工单 Tickets received") for r in rows)


def test_the_monthly_report_counts_last_month_and_lists_every_unfinished_item(jobs, world, store):
    as_of = datetime(2026, 11, 1, 6, 0, tzinfo=SHANGHAI).astimezone(UTC)
    month_start = datetime(2026, 10, 1, tzinfo=SHANGHAI)
    inside = seed_period(store, month_start, datetime(2026, 11, 1, tzinfo=SHANGHAI), as_of, 50, seed=10)

    result = jobs.reports.lambda_handler({"report": "monthly", "scheduled_at": "2026-10-31T22:00:00Z"}, Context())

    assert result["period"] == "2026-10"
    final = {Status.CLOSED, Status.VOIDED, Status.INVALID}
    for scope, tickets in (("SUN", inside["SUN"]), ("_group", inside["SUN"] + inside["MOON"])):
        report = jobs.get_json(f"reports/monthly/{scope}/2026-10.json")
        assert report["figures"] == expected(tickets, as_of), scope
        unfinished = {t.number for t in tickets if t.status not in final}
        assert {i["number"] for i in report["unfinished_items"]} == unfinished
        items_csv = jobs.get_text(f"reports/monthly/{scope}/2026-10-unfinished.csv")
        assert len(items_csv.strip().splitlines()) == len(unfinished) + 1
    html = jobs.get_text("reports/monthly/SUN/2026-10.html")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "未完成工单分析 Every unfinished item" in html and "<svg" in html


def test_managers_read_reports_of_their_own_property_only(api, jobs, world, store):
    day_start = datetime(2026, 11, 22, tzinfo=SHANGHAI)
    seed_period(store, day_start, day_start + timedelta(days=1), DAILY_AS_OF, 5, seed=1)
    jobs.reports.lambda_handler({"report": "daily", "scheduled_at": "2026-11-22T23:30:00Z"}, Context())

    own = api.get("/reports/daily/2026-11-22", world["manager"])
    assert own.status == 200 and own.body["scope"] == "SUN" and own.body["figures"]["received"] == 5
    link = api.get("/reports/daily/2026-11-22", world["manager"], query={"format": "html"})
    assert link.status == 200 and "reports/daily/SUN/2026-11-22.html" in link.body["url"]
    assert api.get("/reports/daily/2026-11-22", world["manager"], query={"property_id": "MOON"}).status == 404
    assert api.get("/reports/daily/2026-11-22", world["manager"], query={"property_id": "_group"}).status == 404
    assert api.get("/reports/daily/2026-11-22", world["desk"]).status == 200  # the desk reads the daily report
    assert api.get("/reports/monthly/2026-10", world["desk"]).status == 403  # the month is the managers'
    assert api.get("/reports/daily/2026-11-21", world["manager"]).status == 404
    assert api.get("/reports/daily/2026-13-01", world["manager"]).status == 400
    group = api.get("/reports/daily/2026-11-22", world["groupmanager"])
    assert group.status == 200 and group.body["scope"] == "_group" and group.body["figures"]["received"] == 10
    moon = api.get("/reports/daily/2026-11-22", world["groupmanager"], query={"property_id": "MOON"})
    assert moon.status == 200 and moon.body["scope"] == "MOON"
