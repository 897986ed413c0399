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

from propdesk.books.duty import DutyStore
from propdesk.books.registers import RegisterStore
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.logic.registers import REGISTER_FIGURES, register_figures
from propdesk.models.directory import Property, Staff
from propdesk.reports import render, storage
from propdesk.reports.contacts import ContactFigures
from propdesk.reports.figures import Figures
from propdesk.reports.keys import GROUP, items_key, report_key
from propdesk.reports.periods import Period, ReportKind
from propdesk.sweep.rules import meeting_row

NO_SHEET = "未转协调单 / no coordination sheet"
# A sheet the day's close opened (the workflow or the sweep) before anyone wrote down why.
NO_REASON = "未能当日完成，协调单未写明原因 / not finished the same day; the sheet states no reason"


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
        duty: DutyStore | None = None,
        directory: DirectoryStore | None = None,
    ) -> None:
        self.store = store
        self.bucket = bucket
        self.group_timezone = group_timezone
        self.registers = registers  # the site office's registers: permits and mail figures
        self.plan_visits = plan_visits
        self.duty = duty  # the duty log the contact figures are counted from
        self.directory = directory  # the names of the unfinished items' owners

    def build(self, properties: Iterable[Property], period: Period, as_of: datetime) -> list[Written]:
        """One report per property, then the group's, each streamed from the by-property-created index."""
        written: list[Written] = []
        group = Figures()
        group_registers: Counter[str] = Counter()
        group_contacts = ContactFigures()
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
                    contacts = self._contacts(prop, period)
                    head = self._head(prop.id, prop.name, prop.timezone, period, as_of, figures, contacts)
                    if self.registers is not None:
                        lines = register_figures(self.registers, prop.id, *period.bounds(prop.timezone))
                        head["figures"]["registers"] = lines
                        group_registers.update(lines)
                    written.append(self._write(head, spool if monthly else None, folder))
                    group.merge(figures)
                    group_contacts.merge(contacts)
                    summaries.append({"property_id": prop.id, "name": prop.name, "figures": head["figures"]})
            head = self._head(GROUP, "集团 Group", self.group_timezone, period, as_of, group, group_contacts)
            if self.registers is not None:
                head["figures"]["registers"] = {name: group_registers[name] for name in REGISTER_FIGURES}
            head["properties"] = summaries
            written.append(self._write(head, group_spool if monthly else None, folder))
        return written

    def _stream(self, prop: Property, period: Period, as_of: datetime, spool: Path | None) -> Figures:
        figures = Figures()
        since, until = period.bounds(prop.timezone)
        out = spool.open("w", encoding="utf-8") if spool else None
        names = self._staff_names(prop.id) if out is not None else {}
        try:
            for ticket in self.store.iter_created(prop.id, since, until):
                figures.add(ticket, as_of)
                if out is not None and ticket.is_open:
                    row = meeting_row(ticket, as_of)
                    row["property_id"] = prop.id
                    # The analysis of an unfinished item: why (its coordination sheet's reason) and whose it is.
                    row["cause"] = ticket.coordination_reason or (
                        NO_SHEET if ticket.coordination_opened_at is None else NO_REASON
                    )
                    row["owner"] = names.get(row["responsible"], row["responsible"])
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if out is not None:
                out.close()
        if self.plan_visits is not None:
            figures.plan_visits.update(self.plan_visits(prop, period.first, period.end - timedelta(days=1), as_of))
        return figures

    def _contacts(self, prop: Property, period: Period) -> ContactFigures:
        """Each day of the period from the duty log: one Query per day, whatever the number of contacts."""
        contacts = ContactFigures()
        if self.duty is None:
            return contacts
        day = period.first
        while day < period.end:
            contacts.add_day(self.duty.day(prop.id, day))
            day += timedelta(days=1)
        return contacts

    def _staff_names(self, property_id: str) -> dict[str, str]:
        if self.directory is None:
            return {}
        return {s.id: s.name for s in self.directory.list_records(Staff, property_id)}

    @staticmethod
    def _head(
        scope: str,
        name: str,
        timezone: str,
        period: Period,
        as_of: datetime,
        figures: Figures,
        contacts: ContactFigures,
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
            "contacts": contacts.to_dict(),
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
