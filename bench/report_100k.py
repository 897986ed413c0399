"""Benchmark (not a test): the monthly report of one property with 100,000 tickets on moto, and the sweep's cost.

`python -m bench.report_100k [--tickets N]` prints the numbers and writes them under "## Monthly report"
in BENCHMARKS.md: wall time, Python heap peak while building, DynamoDB requests per ticket (report) and
per open ticket (sweep).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # moto's fake credentials
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_ENDPOINT_URL", None)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _count_requests(counter: Counter[str]) -> None:
    """Count DynamoDB API calls of every client, PynamoDB's included, by wrapping botocore's call."""
    import botocore.client

    original = botocore.client.BaseClient._make_api_call

    def counting(self: botocore.client.BaseClient, operation_name: str, api_params: dict[str, object]) -> object:
        if self.meta.service_model.service_name == "dynamodb":
            counter[operation_name] += 1
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]


def _seed(n: int, as_of: datetime) -> None:
    from propdesk.dal.items import TicketItem
    from propdesk.dal.tickets import _to_item
    from propdesk.models.enums import Channel, Department, Status, TicketKind
    from propdesk.models.ticket import SlaTarget, Ticket

    rng = random.Random(100_000)
    start = datetime(2026, 10, 1, tzinfo=SHANGHAI).astimezone(UTC)
    seconds = 31 * 86_400
    statuses = [Status.CLOSED] * 8 + [Status.IN_PROGRESS, Status.COORDINATION, Status.COMPLETED]
    with TicketItem.batch_write() as batch:
        for i in range(n):
            created = start + timedelta(seconds=rng.uniform(0, seconds - 1))
            status = rng.choice(statuses)
            due = created + timedelta(hours=6)
            met = due + timedelta(minutes=rng.choice([-30, 45])) if status is not Status.IN_PROGRESS else None
            ticket = Ticket(
                id=f"t_bench_{i:07d}",
                number=f"SUN-{created:%Y%m%d}-{i:05d}",
                property_id="SUN",
                kind=rng.choice(list(TicketKind)),
                channel=rng.choice(list(Channel)),
                status=status,
                description="基准测试工单 benchmark ticket: 厨房水管漏水 kitchen pipe leaking",
                department=rng.choice(list(Department)),
                assignee_id="tech",
                created_by="bench",
                created_at=created,
                updated_at=created,
                completed_at=met,
                paid=rng.random() < 0.3,
                fee_cents=rng.choice([5000, 12000]),
                satisfaction=rng.choice([None, 3, 4, 5]),
                sla={
                    "same_day": SlaTarget(
                        name="same_day", started_at=created, due_at=due, met_at=met, breached=bool(met and met > due)
                    )
                },
            )
            batch.save(_to_item(ticket))


def measure_report(n: int, trace: bool = True) -> dict[str, float]:
    from moto import mock_aws

    from propdesk.dal.directory import DirectoryStore
    from propdesk.dal.tickets import TicketStore
    from propdesk.models.directory import Property
    from propdesk.reports.build import ReportBuilder
    from propdesk.reports.periods import ReportKind, previous
    from tests.support import infra

    with mock_aws():
        tables = infra.create_tables()
        buckets = infra.create_buckets()
        store = TicketStore(tables["TicketsTable"])
        directory = DirectoryStore(tables["DirectoryTable"])
        directory.put(Property(id="SUN", code="SUN", name="阳光花园 Sunshine Garden"), create=True)
        as_of = datetime(2026, 11, 1, 6, 0, tzinfo=SHANGHAI).astimezone(UTC)
        t0 = time.perf_counter()
        _seed(n, as_of)
        seeded = time.perf_counter() - t0
        counter: Counter[str] = Counter()
        _count_requests(counter)
        builder = ReportBuilder(store, buckets["ReportsBucket"], "Asia/Shanghai")
        period = previous(ReportKind.MONTHLY, as_of, "Asia/Shanghai")
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        written = builder.build(directory.list_records(Property, None), period, as_of)
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
        received = written[0].figures["received"]
        assert received == n, (received, n)
        return {
            "tickets": n,
            "seed_s": seeded,
            "build_s": elapsed,
            "peak_mib": peak / 2**20,
            "requests": sum(counter.values()),
            "scans": counter["Scan"],
            "per_ticket": sum(counter.values()) / n,
            "unfinished": written[0].figures["unfinished"],
        }


def write_section(result: dict[str, float]) -> str:
    import moto

    n = int(result["tickets"])
    text = (
        "## Monthly report\n\n"
        f"`make bench-report` (bench/report_100k.py): the monthly report of one property with {n:,} tickets "
        "received in the month, streamed from the `by-property-created` index on moto (in-process), "
        "rendered to JSON, CSV, HTML and the unfinished-items CSV, written to S3.\n\n"
        "| measure | value |\n|---|---|\n"
        f"| report build (stream + render + upload) | {result['build_s']:.1f} s |\n"
        f"| Python heap peak while building (tracemalloc, moto included) | {result['peak_mib']:.1f} MiB |\n"
        f"| DynamoDB requests | {int(result['requests'])} ({result['per_ticket']:.4f} per ticket, "
        f"{int(result['scans'])} Scans) |\n"
        f"| unfinished items listed | {int(result['unfinished']):,} |\n"
        f"| seeding {n:,} tickets (batch writes, not part of the report) | {result['seed_s']:.1f} s |\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"moto {moto.__version__}. moto answers each Query page far slower than DynamoDB; the time is an "
        "upper bound; the request count carries over to AWS.\n"
    )
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"## Monthly report\n.*?(?=\n## |\Z)", re.S)
    updated = (
        pattern.sub(text.rstrip("\n") + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text
    )
    path.write_text(updated, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--no-trace", action="store_true", help="skip tracemalloc (it slows moto down)")
    args = parser.parse_args()
    result = measure_report(args.tickets, trace=not args.no_trace)
    print(write_section(result))


if __name__ == "__main__":
    main()
