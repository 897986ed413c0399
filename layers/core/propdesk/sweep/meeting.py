"""The morning-meeting list (早会清单): written in parts page by page, assembled once per property and day."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from propdesk.reports import storage

COLUMNS = ("department", "number", "kind", "status", "responsible", "age_hours", "next_due", "breaches", "coordination")
HEADERS_ZH = ("部门", "工单号", "类型", "状态", "责任人", "时长(小时)", "下一到期", "超时项", "协调单")


def part_key(property_id: str, day: str, page: int) -> str:
    return f"meetings/{property_id}/{day}/parts/{page:06d}.jsonl"


def list_key(property_id: str, day: str, ext: str) -> str:
    return f"meetings/{property_id}/{day}.{ext}"


def lists_folder(property_id: str) -> str:
    """Where a property's lists lie, each day's parts in a folder of its own below."""
    return f"meetings/{property_id}/"


def manual_prefix(property_id: str, day: str) -> str:
    """The keys of the runs made by hand on a day (`{day}-manual-{HHMMSS}`), which sort by time of day."""
    return f"meetings/{property_id}/{day}-manual-"


def write_part(bucket: str, property_id: str, day: str, page: int, rows: Iterable[dict[str, Any]]) -> None:
    """One page's rows; rewriting a page after a crash overwrites the same key with the same rows."""
    text = "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows)
    storage.put_text(bucket, part_key(property_id, day, page), text)


def assemble(bucket: str, property_id: str, day: str, as_of: str, mail: list[dict[str, Any]] | None = None) -> int:
    """Group every part's rows by department into the day's JSON and CSV; returns the number of orders.

    Rows are spooled to one file per department on local disk, so memory stays flat however long the list.
    Mail not yet collected (`mail`, rows in the same columns) follows the orders, under the site office.
    """
    seen: set[str] = set()  # a ticket whose due time moved during the sweep may appear in two pages
    with tempfile.TemporaryDirectory(prefix="meeting-") as tmp:
        folder = Path(tmp)
        spools: dict[str, Any] = {}
        files: dict[str, Path] = {}
        try:
            for key in storage.list_keys(bucket, f"meetings/{property_id}/{day}/parts/"):
                for line in (storage.get_text(bucket, key) or "").splitlines():
                    row = json.loads(line)
                    if row["ticket_id"] in seen:
                        continue
                    seen.add(row["ticket_id"])
                    dept = row["department"]
                    if dept not in spools:
                        files[dept] = folder / f"dept-{len(files)}.jsonl"
                        spools[dept] = files[dept].open("w", encoding="utf-8")
                    spools[dept].write(line + "\n")
        finally:
            for handle in spools.values():
                handle.close()
        departments = sorted(files)
        json_path, csv_path = folder / "list.json", folder / "list.csv"
        _write_json(json_path, property_id, day, as_of, len(seen), departments, files, mail)
        _write_csv(csv_path, departments, files, mail or [])
        storage.put_file(bucket, list_key(property_id, day, "json"), json_path)
        storage.put_file(bucket, list_key(property_id, day, "csv"), csv_path)
    return len(seen)


def _write_json(
    path: Path,
    property_id: str,
    day: str,
    as_of: str,
    total: int,
    departments: list[str],
    files: dict[str, Path],
    mail: list[dict[str, Any]] | None,
) -> None:
    with path.open("w", encoding="utf-8") as out:
        head = {"property_id": property_id, "day": day, "as_of": as_of, "total": total}
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',"departments":[')
        for n, dept in enumerate(departments):
            out.write(("," if n else "") + json.dumps({"department": dept})[:-1] + ',"items":[')
            with files[dept].open(encoding="utf-8") as rows:
                for m, line in enumerate(rows):
                    out.write(("," if m else "") + line.rstrip("\n"))
            out.write("]}")
        out.write("]")
        if mail is not None:
            out.write(',"mail_waiting":' + json.dumps(mail, ensure_ascii=False, separators=(",", ":")))
        out.write("}")


def _write_csv(path: Path, departments: list[str], files: dict[str, Path], mail: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # the BOM lets Excel read the Chinese headers
        writer = csv.writer(out)
        writer.writerow([f"{zh} {en}" for zh, en in zip(HEADERS_ZH, COLUMNS, strict=True)])
        for dept in departments:
            with files[dept].open(encoding="utf-8") as rows:
                for line in rows:
                    row = json.loads(line)
                    writer.writerow([";".join(row[c]) if c == "breaches" else row[c] for c in COLUMNS])
        for row in mail:
            writer.writerow([";".join(row[c]) if c == "breaches" else row[c] for c in COLUMNS])
