"""Where reports live in the bucket; light enough for the API to import without the renderers."""

from __future__ import annotations

from propdesk.reports.periods import ReportKind

GROUP = "_group"  # the scope of the group-wide report


def report_key(kind: ReportKind | str, scope: str, label: str, ext: str) -> str:
    """reports/daily/SUN/2026-11-22.html; the group's scope is _group."""
    return f"reports/{ReportKind(kind).value}/{scope}/{label}.{ext}"


def items_key(kind: ReportKind | str, scope: str, label: str) -> str:
    """The monthly list of every unfinished item, as CSV."""
    return f"reports/{ReportKind(kind).value}/{scope}/{label}-unfinished.csv"
