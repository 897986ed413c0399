"""Render a report to CSV (spreadsheets), JSON (the app) and one self-contained HTML page (people).

The unfinished-items list can be long, so it is streamed from a spool file, never held in memory.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from propdesk.reports import svg
from propdesk.reports.labels import both, en, zh

ITEM_COLUMNS = (
    "number",
    "kind",
    "status",
    "department",
    "responsible",
    "owner",
    "cause",
    "age_hours",
    "next_due",
    "breaches",
)
HTML_ITEM_LIMIT = 500  # the page stays light; the CSV and JSON carry every item


def _items(spool: Path | None) -> Iterator[dict[str, Any]]:
    if spool is None or not spool.exists():
        return
    with spool.open(encoding="utf-8") as rows:
        for line in rows:
            yield json.loads(line)


def write_json(path: Path, head: dict[str, Any], spool: Path | None) -> None:
    """The head as JSON, with the unfinished items streamed in as its last field."""
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',"unfinished_items":[')
        for n, item in enumerate(_items(spool)):
            out.write(("," if n else "") + json.dumps(item, ensure_ascii=False))
        out.write("]}")


def _flat(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else str(key), inner)
    else:
        yield prefix, value


def figures_csv(head: dict[str, Any]) -> str:
    """Long format (scope, figure, value): one row per number, easy to pivot in a spreadsheet."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the Chinese labels only with the BOM
    writer = csv.writer(out)
    writer.writerow(["范围 scope", "指标 figure", "标签 label", "数值 value"])
    scopes = [(head["scope"], head["figures"])] + [(p["property_id"], p["figures"]) for p in head.get("properties", [])]
    for scope, figures in scopes:
        for key, value in _flat("", figures):
            parts = key.split(".")
            writer.writerow([scope, key, " / ".join(both(p) for p in parts), "" if value is None else value])
    counted = {k: v for k, v in head.get("contacts", {}).items() if k not in ("basis", "days", "unreviewed_days")}
    for key, value in _flat("contacts", counted):
        writer.writerow([head["scope"], key, " / ".join(both(p) for p in key.split(".")), value])
    return out.getvalue()


def write_items_csv(path: Path, spool: Path | None) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([both(c) for c in ITEM_COLUMNS])
        for item in _items(spool):
            writer.writerow([";".join(item[c]) if c == "breaches" else item.get(c, "") for c in ITEM_COLUMNS])


# ---- HTML -------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:24px;color:#1f2933;
background:#f7f9fb}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:2px solid #d9e2ec;padding-bottom:4px}
.meta{color:#52606d;font-size:13px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:24px;color:#102a43}.card span{font-size:12px;color:#52606d}
.grid{display:flex;flex-wrap:wrap;gap:16px}
.panel{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:12px}
table{border-collapse:collapse;font-size:12px;background:#fff}
th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:right}
th{background:#f0f4f8}td:first-child,th:first-child{text-align:left}.note{font-size:12px;color:#52606d}
.warn{font-size:13px;color:#ab091e;font-weight:bold}
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _card(key: str, value: Any) -> str:
    return f'<div class="card"><b>{_e(value)}</b><span>{_e(zh(key))}<br>{_e(en(key))}</span></div>'


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def render_html(head: dict[str, Any], spool: Path | None) -> str:
    f = head["figures"]
    title = f"{head['scope_name']} · {both(head['report'])} {head['period']}"
    parts = [
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<div class="meta">{_e(head["from"])} — {_e(head["to"])} ({_e(head["timezone"])}) · '
        f"生成于 generated {_e(head['as_of'])}</div>",
        '<div class="cards">',
        _card("received", f["received"]),
        _card("finished", f["finished"]),
        _card("unfinished", f["unfinished"]),
        _card("made", f"{f['callbacks']['made']}/{f['callbacks']['due']}"),
        _card("average", f["satisfaction"]["average"] if f["satisfaction"]["average"] is not None else "–"),
        _card("opened", f"{f['coordination']['opened']} ({f['coordination']['still_open']})"),
        _card("jobs", f["paid"]["jobs"]),
        _card("revenue", f"¥{f['paid']['revenue_cents'] / 100:,.2f}"),
        "</div>",
        *_duty_log(head.get("contacts")),
        f"<h2>{_e(both('tickets'))}</h2><div class='grid'>",
        f"<div class='panel'>{svg.bars(both('by_channel'), _labelled(f['tickets']['by_channel']))}</div>",
        f"<div class='panel'>{svg.bars(both('by_kind'), _labelled(f['tickets']['by_kind']))}</div>",
        "</div>",
        _tickets_table(f),
        _table(
            [both("by_category"), both("total")],
            [[both(category), n] for category, n in f["by_category"].items()],
        ),
        f"<h2>{_e(both('sla'))}</h2>",
        f"<div class='panel'>{svg.stacked(_sla_rows(f))}</div>",
        _table(
            [both("sla"), *[both(m) for m in _SLA_COLUMNS], both("on_time_rate")],
            [
                [both(name), *[row[m] for m in _SLA_COLUMNS], _pct(row["on_time_rate"])]
                for name, row in f["sla"].items()
            ],
        ),
        f"<h2>{_e(both('overdue_by_department'))} · {_e(both('satisfaction'))}</h2><div class='grid'>",
        f"<div class='panel'>{svg.bars(both('overdue_by_department'), _labelled(f['overdue_by_department']))}</div>",
        f"<div class='panel'>{svg.bars(both('satisfaction'), list(f['satisfaction']['distribution'].items()))}</div>",
        "</div>",
        f"<h2>{_e(both('callbacks'))} · {_e(both('coordination'))} · {_e(both('paid'))}</h2>",
        _table(
            [both("callbacks"), both("due"), both("made"), both("made_on_time"), both("late")],
            [[both("total"), *f["callbacks"].values()]],
        ),
        _table(
            [
                both("coordination"),
                both("opened"),
                both("still_open"),
                both("paid"),
                both("jobs"),
                both("revenue"),
                both("free_jobs"),
            ],
            [
                [
                    both("total"),
                    f["coordination"]["opened"],
                    f["coordination"]["still_open"],
                    "",
                    f["paid"]["jobs"],
                    f"{f['paid']['revenue_cents'] / 100:.2f}",
                    f["paid"]["free_jobs"],
                ]
            ],
        ),
    ]
    if f.get("registers"):  # the site office's registers: work permits and mail
        parts.append(f"<h2>{_e(both('registers'))}</h2>")
        parts.append(_table([both(name) for name in f["registers"]], [list(f["registers"].values())]))
    if head.get("properties"):
        parts.append(f"<h2>{_e(both('properties'))}</h2>")
        cols = ["received", "finished", "unfinished"]
        parts.append(
            _table(
                [both("properties"), *[both(c) for c in cols], both("made"), both("average"), both("revenue")],
                [
                    [
                        p["name"],
                        *[p["figures"][c] for c in cols],
                        p["figures"]["callbacks"]["made"],
                        p["figures"]["satisfaction"]["average"] or "–",
                        f"{p['figures']['paid']['revenue_cents'] / 100:.2f}",
                    ]
                    for p in head["properties"]
                ],
            )
        )
    if head["report"] == "monthly":
        zone = ZoneInfo(head["timezone"])
        parts.append(f"<h2>{_e(both('unfinished_items'))} ({f['unfinished']})</h2>")
        rows = []
        for n, item in enumerate(_items(spool)):
            if n >= HTML_ITEM_LIMIT:
                break
            rows.append([_cell(c, item.get(c, ""), zone) for c in ITEM_COLUMNS[:-1]])
            rows[-1].append(", ".join(both(b) for b in item["breaches"]))
        parts.append(_table([both(c) for c in ITEM_COLUMNS], rows))
        if f["unfinished"] > HTML_ITEM_LIMIT:
            parts.append(
                f"<p class='note'>仅显示前 {HTML_ITEM_LIMIT} 条，完整清单见 CSV / first {HTML_ITEM_LIMIT}"
                " shown; the CSV has every item.</p>"
            )
    parts.append("</body></html>")
    return "".join(parts)


def _cell(column: str, value: Any, zone: ZoneInfo) -> Any:
    if column in ("kind", "department"):
        return both(value)
    if column == "next_due":
        return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "–"
    return value


_SLA_COLUMNS = ("met_on_time", "met_late", "open_overdue", "open_pending", "total")


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(both(key), value) for key, value in counts.items()]


def _sla_rows(f: dict[str, Any]) -> list[tuple[str, list[int]]]:
    return [
        (both(name), [row[m] for m in ("met_on_time", "met_late", "open_overdue", "open_pending")])
        for name, row in f["sla"].items()
    ]


def _tickets_table(f: dict[str, Any]) -> str:
    kinds = sorted(f["tickets"]["by_kind"])
    rows = [
        [
            both(channel),
            *[f["tickets"]["matrix"][channel].get(k, 0) for k in kinds],
            f["tickets"]["by_channel"][channel],
        ]
        for channel in sorted(f["tickets"]["matrix"])
    ]
    return _table([both("tickets"), *[both(k) for k in kinds], both("total")], rows)


def _duty_log(contacts: dict[str, Any] | None) -> list[str]:
    """The duty log's contacts by channel and outcome, and every day the manager has not reviewed."""
    if contacts is None:
        return []
    outcomes = list(contacts["by_outcome"])
    rows = [
        [both(channel), *[by_outcome[o] for o in outcomes], contacts["by_channel"][channel]]
        for channel, by_outcome in contacts["matrix"].items()
    ]
    rows.append([both("total"), *[contacts["by_outcome"][o] for o in outcomes], contacts["total"]])
    parts = [
        f"<h2>{_e(both('contacts'))}</h2>",
        _table([both("contacts"), *[both(o) for o in outcomes], both("total")], rows),
        _table([both("by_shift"), both("total")], [[both(s), n] for s, n in contacts["by_shift"].items()]),
    ]
    missing = contacts["unreviewed_days"]
    if missing:
        days = ", ".join(f"{d['day']} ({d['property_id']})" for d in missing)
        parts.append(f"<p class='warn'>{_e(both('unreviewed_days'))}: {_e(days)}</p>")
    for day in contacts["days"]:
        if day["reviewed"]:
            who = f"{day['day']} · {day['reviewed_by']}: {day['note']}"
            parts.append(f"<p class='note'>{_e(both('review'))} {_e(who)}</p>")
    return parts
