"""Build the daily or monthly report for every property and for the group, and write it to S3."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from propdesk.books.registers import RegisterStore
from propdesk.dal.tickets import TicketStore
from propdesk.logic.registers import REGISTER_FIGURES, register_figures
from propdesk.models.directory import Property
from propdesk.reports import render, storage
from propdesk.reports.figures import Figures
from propdesk.reports.keys import GROUP, items_key, report_key
from propdesk.reports.periods import Period, ReportKind
from propdesk.sweep.rules import meeting_row


@dataclass
class Written:
    scope: str
    keys: list[str]
    figures: dict[str, Any]


# A property's household plan visits on the local days [first, last], as they stand at as_of, by measure.
PlanVisitCounter = Callable[[Property, date, date, datetime], Mapping[str, int]]


class ReportBuilder:
    def __init__(
        self,
        store: TicketStore,
        bucket: str,
        group_timezone: str,
        registers: RegisterStore | None = None,
        plan_visits: PlanVisitCounter | None = None,
    ) -> None:
        self.store = store
        self.bucket = bucket
        self.group_timezone = group_timezone
        self.registers = registers  # the site office's registers: permits and mail figures
        self.plan_visits = plan_visits

    def build(self, properties: Iterable[Property], period: Period, as_of: datetime) -> list[Written]:
        """One report per property, then the group's, each streamed from the by-property-created index."""
        written: list[Written] = []
        group = Figures()
        group_registers: Counter[str] = Counter()
        summaries: list[dict[str, Any]] = []
        monthly = period.kind is ReportKind.MONTHLY
        with tempfile.TemporaryDirectory(prefix="report-") as tmp:
            folder = Path(tmp)
            group_spool = folder / "group-items.jsonl"
            with group_spool.open("w", encoding="utf-8") as group_items:
                for prop in sorted(properties, key=lambda p: p.id):
                    spool = folder / f"{prop.id}-items.jsonl"
                    figures = self._stream(prop, period, as_of, spool if monthly else None)
                    if monthly:
                        with spool.open(encoding="utf-8") as rows:
                            for line in rows:
                                group_items.write(line)
                    head = self._head(prop.id, prop.name, prop.timezone, period, as_of, figures)
                    if self.registers is not None:
                        lines = register_figures(self.registers, prop.id, *period.bounds(prop.timezone))
                        head["figures"]["registers"] = lines
                        group_registers.update(lines)
                    written.append(self._write(head, spool if monthly else None, folder))
                    group.merge(figures)
                    summaries.append({"property_id": prop.id, "name": prop.name, "figures": head["figures"]})
            head = self._head(GROUP, "集团 Group", self.group_timezone, period, as_of, group)
            if self.registers is not None:
                head["figures"]["registers"] = {name: group_registers[name] for name in REGISTER_FIGURES}
            head["properties"] = summaries
            written.append(self._write(head, group_spool if monthly else None, folder))
        return written

    def _stream(self, prop: Property, period: Period, as_of: datetime, spool: Path | None) -> Figures:
        figures = Figures()
        since, until = period.bounds(prop.timezone)
        out = spool.open("w", encoding="utf-8") if spool else None
        try:
            for ticket in self.store.iter_created(prop.id, since, until):
                figures.add(ticket, as_of)
                if out is not None and ticket.is_open:
                    row = meeting_row(ticket, as_of)
                    row["property_id"] = prop.id
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if out is not None:
                out.close()
        if self.plan_visits is not None:
            figures.plan_visits.update(self.plan_visits(prop, period.first, period.end - timedelta(days=1), as_of))
        return figures

    @staticmethod
    def _head(
        scope: str, name: str, timezone: str, period: Period, as_of: datetime, figures: Figures
    ) -> dict[str, Any]:
        return {
            "report": period.kind.value,
            "period": period.label,
            "scope": scope,
            "scope_name": name,
            "timezone": timezone,
            "from": period.first.isoformat(),
            "to": period.end.isoformat(),
            "as_of": as_of.isoformat(),
            "basis": "tickets received in the period, as they stand at as_of",
            "figures": figures.to_dict(),
        }

    def _write(self, head: dict[str, Any], spool: Path | None, folder: Path) -> Written:
        kind, scope, label = head["report"], head["scope"], head["period"]
        keys = []
        json_path = folder / f"{scope}.json"
        render.write_json(json_path, head, spool)
        for ext, path_or_text in (
            ("json", json_path),
            ("csv", render.figures_csv(head)),
            ("html", render.render_html(head, spool)),
        ):
            key = report_key(kind, scope, label, ext)
            if isinstance(path_or_text, Path):
                storage.put_file(self.bucket, key, path_or_text)
            else:
                storage.put_text(self.bucket, key, path_or_text)
            keys.append(key)
        if spool is not None:
            items_path = folder / f"{scope}-items.csv"
            render.write_items_csv(items_path, spool)
            key = items_key(kind, scope, label)
            storage.put_file(self.bucket, key, items_path)
            keys.append(key)
        return Written(scope, keys, head["figures"])
