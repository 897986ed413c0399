"""The reports' contact figures, counted from the duty log (值班记录), not from tickets, with each day's review."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from propdesk.books.duty import ContactOutcome, DutyDay, Shift
from propdesk.models.enums import Channel


@dataclass
class ContactFigures:
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)  # (channel, outcome)
    shifts: Counter[str] = field(default_factory=Counter)
    days: list[dict[str, Any]] = field(default_factory=list)

    def add_day(self, log: DutyDay) -> None:
        for contact in log.contacts:
            self.counts[contact.channel.value, contact.outcome.value] += 1
            self.shifts[contact.shift.value] += 1
        review = log.review
        self.days.append(
            {
                "property_id": log.property_id,
                "day": log.day.isoformat(),
                "contacts": len(log.contacts),
                "reviewed": review is not None,
                "reviewed_by": review.reviewed_by if review else None,
                "note": review.note if review else None,
            }
        )

    def merge(self, other: ContactFigures) -> None:
        self.counts.update(other.counts)
        self.shifts.update(other.shifts)
        self.days.extend(other.days)

    def to_dict(self) -> dict[str, Any]:
        """Every channel, outcome and shift present, zeros included; the days the manager did not review."""
        by_channel = {c.value: sum(n for (ch, _), n in self.counts.items() if ch == c.value) for c in Channel}
        by_outcome = {o.value: sum(n for (_, out), n in self.counts.items() if out == o.value) for o in ContactOutcome}
        matrix = {c.value: {o.value: self.counts[c.value, o.value] for o in ContactOutcome} for c in Channel}
        unreviewed = [{"property_id": d["property_id"], "day": d["day"]} for d in self.days if not d["reviewed"]]
        return {
            "basis": "the duty log: every contact of the period, whether or not it became a ticket",
            "total": sum(self.counts.values()),
            "by_channel": by_channel,
            "by_outcome": by_outcome,
            "matrix": matrix,
            "by_shift": {s.value: self.shifts[s.value] for s in Shift},
            "reviewed_days": sum(1 for d in self.days if d["reviewed"]),
            "unreviewed_days": unreviewed,
            "days": self.days,
        }
