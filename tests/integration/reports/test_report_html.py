"""The HTML report opened in headless Chromium: it renders, offline, with nothing in the console."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from propdesk.dal.tickets import TicketStore
from tests.integration.reports.test_reports import seed_period
from tests.integration.sweep.support import Context

CHROMIUM = Path("/usr/bin/chromium")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def screenshot(page: Path, out: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed argv without a shell; the binary path is a constant
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--window-size=1280,2200",
            f"--screenshot={out}",
            "--enable-logging=stderr",
            "--v=0",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (make test installs it: make chromium)")
def test_the_monthly_html_report_renders_in_headless_chromium(jobs, world, tmp_path):
    # Given a monthly report of October with data in both properties
    store = TicketStore(os.environ["TICKETS_TABLE"])
    as_of = datetime(2026, 11, 1, 6, 0, tzinfo=SHANGHAI).astimezone(UTC)
    start = datetime(2026, 10, 1, tzinfo=SHANGHAI)
    seed_period(store, start, start + timedelta(days=31), as_of, 40, seed=7)
    jobs.reports.lambda_handler({"report": "monthly", "scheduled_at": as_of.isoformat()}, Context())
    page = tmp_path / "report.html"
    page.write_text(jobs.get_text("reports/monthly/_group/2026-10.html"), encoding="utf-8")
    shot = tmp_path / "report.png"

    # When Chromium opens it from disk and takes a screenshot
    run = screenshot(page, shot, tmp_path / "profile")

    # Then the screenshot exists and the page logged nothing to the console
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    keep = os.environ.get("PROPDESK_KEEP_SCREENSHOT")
    if keep:
        shutil.copy(shot, keep)
