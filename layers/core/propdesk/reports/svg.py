"""Inline SVG charts: no scripts, no fonts or images fetched, readable offline and in any browser."""

from __future__ import annotations

import html

PALETTE = ("#2f80ed", "#f2994a", "#eb5757", "#bdbdbd")
STACK_LEGEND = ("按时 On time", "超时完成 Met late", "已超时 Overdue", "未到期 Not yet due")


def _e(text: object) -> str:
    return html.escape(str(text))


def bars(title: str, items: list[tuple[str, int]], width: int = 420) -> str:
    """A horizontal bar chart, one labelled bar per item, its value at the end."""
    row, left, top = 22, 150, 26
    height = top + row * max(len(items), 1) + 8
    peak = max((v for _, v in items), default=0) or 1
    span = width - left - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img"'
        f' aria-label="{_e(title)}" font-size="12">',
        f'<text x="0" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="0" y="{top + 14}" fill="#52606d">无数据 No data</text>')
    for n, (label, value) in enumerate(items):
        y = top + n * row
        w = round(span * value / peak)  # whole pixels keep the labels aligned
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w}" height="14" rx="2" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{left + w + 4}" y="{y + 14}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked(rows: list[tuple[str, list[int]]], width: int = 760) -> str:
    """One 100% bar per SLA target: on time, met late, overdue, not yet due."""
    row, left, top = 24, 210, 34
    height = top + row * max(len(rows), 1) + 8
    span = width - left - 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img"'
        ' aria-label="SLA" font-size="12">'
    ]
    for n, name in enumerate(STACK_LEGEND):
        x = left + n * 135
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[n]}"/>')
        parts.append(f'<text x="{x + 16}" y="16">{_e(name)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{top + 14}" fill="#52606d">无数据 No data</text>')
    for n, (label, values) in enumerate(rows):
        y = top + n * row
        total = sum(values) or 1
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_e(label)}</text>')
        at = float(left)
        for m, value in enumerate(values):
            share = span * value / total
            if share > 0:
                parts.append(
                    f'<rect x="{at:.1f}" y="{y + 2}" width="{share:.1f}" height="16" fill="{PALETTE[m]}">'
                    f"<title>{_e(STACK_LEGEND[m])}: {value}</title></rect>"
                )
                if share > 22:
                    parts.append(f'<text x="{at + 4:.1f}" y="{y + 14}" fill="#fff">{value}</text>')
            at += share
    parts.append("</svg>")
    return "".join(parts)
