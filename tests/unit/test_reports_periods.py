"""Report periods and rendering details, pure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from propdesk.errors import InvalidRequest
from propdesk.reports import svg
from propdesk.reports.labels import LABELS, both
from propdesk.reports.periods import ReportKind, parse, previous


def test_yesterday_and_last_month_are_seen_from_the_property_timezone():
    as_of = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December, 07:30, in Shanghai
    daily = previous(ReportKind.DAILY, as_of, "Asia/Shanghai")
    assert (daily.first, daily.end, daily.label) == (date(2026, 11, 30), date(2026, 12, 1), "2026-11-30")
    monthly = previous(ReportKind.MONTHLY, as_of, "Asia/Shanghai")
    assert (monthly.first, monthly.end, monthly.label) == (date(2026, 11, 1), date(2026, 12, 1), "2026-11")
    january = previous(ReportKind.MONTHLY, datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "Asia/Shanghai")
    assert january.label == "2026-12"


def test_bounds_are_local_midnights_inclusive_to_the_microsecond():
    start, stop = parse(ReportKind.DAILY, "2026-11-22").bounds("Asia/Shanghai")
    assert start == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    assert stop == datetime(2026, 11, 22, 15, 59, 59, 999_999, tzinfo=UTC)
    december = parse(ReportKind.MONTHLY, "2026-12")
    assert (december.first, december.end) == (date(2026, 12, 1), date(2027, 1, 1))


@pytest.mark.parametrize(("kind", "label"), [(ReportKind.DAILY, "2026-13-01"), (ReportKind.MONTHLY, "2026-11-01")])
def test_a_malformed_label_is_refused(kind, label):
    with pytest.raises(InvalidRequest):
        parse(kind, label)


def test_every_label_is_bilingual_and_charts_are_plain_svg():
    assert all(zh and en for zh, en in LABELS.values())
    assert both("received") == "受理工单 Tickets received" and both("App") == "App"
    chart = svg.bars("t", [("<a>", 3), ("b", 0)]) + svg.stacked([("x", [1, 0, 2, 0])]) + svg.bars("empty", [])
    assert "<script" not in chart and "&lt;a&gt;" in chart and "No data" in chart
