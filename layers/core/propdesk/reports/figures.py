"""The report's figures, counted one ticket at a time so memory stays flat however long the period.

Tickets are those received (created) in the period; every figure describes them as of the report time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from propdesk import targets
from propdesk.models.enums import Status, TicketKind
from propdesk.models.ticket import Ticket

SLA_MEASURES = ("met_on_time", "met_late", "open_overdue", "open_pending")
UNASSIGNED = "unassigned"
PLAN_VISIT_MEASURES = ("issued", "done", "missed", "pending")
UNCLASSIFIED = "unclassified"
# Jobs (工单 with work done) that are paid or free; complaints, inquiries and suggestions are not jobs.
JOB_KINDS = frozenset({TicketKind.REPAIR, TicketKind.WARRANTY, TicketKind.HOUSEHOLD_SERVICE, TicketKind.QUICK_TASK})


def finished(ticket: Ticket) -> bool:
    """Work done (completed at some point), or an answered/closed matter that never needed work."""
    return ticket.completed_at is not None or ticket.status is Status.CLOSED


def sla_measure(ticket: Ticket, name: str, as_of: datetime) -> str:
    target = ticket.sla[name]
    if target.met_at is not None:
        return "met_late" if target.breached else "met_on_time"
    overdue = targets.due_of(target) < as_of
    return "open_overdue" if overdue else "open_pending"


def overdue(ticket: Ticket, as_of: datetime) -> bool:
    """Any target met late, or still open past its (pause-adjusted) due time."""
    return any(sla_measure(ticket, name, as_of) in ("met_late", "open_overdue") for name in ticket.sla)


@dataclass
class Figures:
    received: int = 0
    finished: int = 0
    unfinished: int = 0
    tickets: Counter[tuple[str, str]] = field(default_factory=Counter)  # (channel, kind); contacts: the duty log
    by_department: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    sla: Counter[tuple[str, str]] = field(default_factory=Counter)  # (target, measure)
    overdue_by_department: Counter[str] = field(default_factory=Counter)
    callbacks: Counter[str] = field(default_factory=Counter)
    ratings: Counter[int] = field(default_factory=Counter)
    coordination: Counter[str] = field(default_factory=Counter)
    paid: Counter[str] = field(default_factory=Counter)
    plan_visits: Counter[str] = field(default_factory=Counter)  # household plans' visits that fell in the period

    def add(self, ticket: Ticket, as_of: datetime) -> None:
        dept = ticket.department.value if ticket.department else UNASSIGNED
        self.received += 1
        self.tickets[ticket.channel.value, ticket.kind.value] += 1
        self.by_department[dept] += 1
        self.by_category[ticket.category or UNCLASSIFIED] += 1
        if finished(ticket):
            self.finished += 1
        if ticket.is_open:
            self.unfinished += 1
        for name in ticket.sla:
            self.sla[name, sla_measure(ticket, name, as_of)] += 1
        if overdue(ticket, as_of):
            self.overdue_by_department[dept] += 1
        if "callback" in ticket.sla:
            measure = sla_measure(ticket, "callback", as_of)
            self.callbacks["due"] += 1
            self.callbacks["made"] += measure.startswith("met")
            self.callbacks["made_on_time"] += measure == "met_on_time"
            self.callbacks["late"] += measure in ("met_late", "open_overdue")
        if ticket.satisfaction is not None:
            self.ratings[ticket.satisfaction] += 1
        if ticket.coordination_opened_at is not None:
            self.coordination["opened"] += 1
            self.coordination["still_open"] += ticket.is_open
        if ticket.paid:
            self.paid["jobs"] += 1
            self.paid["revenue_cents"] += ticket.fee_cents or 0
        elif ticket.kind in JOB_KINDS:
            self.paid["free_jobs"] += 1  # free jobs are counted too, apart from the paid ones

    def merge(self, other: Figures) -> None:
        self.received += other.received
        self.finished += other.finished
        self.unfinished += other.unfinished
        for name in ("tickets", "by_department", "by_category", "sla", "overdue_by_department", "callbacks", "ratings"):
            getattr(self, name).update(getattr(other, name))
        self.coordination.update(other.coordination)
        self.paid.update(other.paid)
        self.plan_visits.update(other.plan_visits)

    def to_dict(self) -> dict[str, Any]:
        """The JSON the app reads; every count present, zeros included, so charts never miss a bar."""
        channels: dict[str, int] = Counter()
        kinds: dict[str, int] = Counter()
        matrix: dict[str, dict[str, int]] = {}
        for (channel, kind), n in sorted(self.tickets.items()):
            channels[channel] += n
            kinds[kind] += n
            matrix.setdefault(channel, {})[kind] = n
        targets = sorted({name for name, _ in self.sla})
        sla = {}
        for name in targets:
            row = {m: self.sla[name, m] for m in SLA_MEASURES}
            row["total"] = sum(row.values())
            met = row["met_on_time"] + row["met_late"] + row["open_overdue"]
            row["on_time_rate"] = round(row["met_on_time"] / met, 4) if met else None  # type: ignore[assignment]
            sla[name] = row
        rated = sum(self.ratings.values())
        total_score = sum(score * n for score, n in self.ratings.items())
        return {
            "received": self.received,
            "finished": self.finished,
            "unfinished": self.unfinished,
            "tickets": {"by_channel": dict(channels), "by_kind": dict(kinds), "matrix": matrix},
            "by_department": dict(sorted(self.by_department.items())),
            "by_category": dict(sorted(self.by_category.items())),
            "sla": sla,
            "overdue_by_department": dict(sorted(self.overdue_by_department.items())),
            "callbacks": {k: self.callbacks[k] for k in ("due", "made", "made_on_time", "late")},
            "satisfaction": {
                "count": rated,
                "average": round(total_score / rated, 2) if rated else None,
                "distribution": {str(score): self.ratings[score] for score in range(1, 6)},
            },
            "coordination": {k: self.coordination[k] for k in ("opened", "still_open")},
            "paid": {k: self.paid[k] for k in ("jobs", "revenue_cents", "free_jobs")},
            "plan_visits": {k: self.plan_visits[k] for k in PLAN_VISIT_MEASURES},
        }
