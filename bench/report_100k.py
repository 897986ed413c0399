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
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
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

if TYPE_CHECKING:
    from propdesk.models.ticket import Ticket

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


def _tickets(n: int) -> Iterator[Ticket]:
    """n tickets received in October 2026, of every kind and channel, some unfinished; the same n, the same tickets."""
    from propdesk.models.enums import Channel, Department, Status, TicketKind
    from propdesk.models.ticket import SlaTarget, Ticket

    rng = random.Random(100_000)
    start = datetime(2026, 10, 1, tzinfo=SHANGHAI).astimezone(UTC)
    seconds = 31 * 86_400
    statuses = [Status.CLOSED] * 8 + [Status.IN_PROGRESS, Status.COORDINATION, Status.COMPLETED]
    for i in range(n):
        created = start + timedelta(seconds=rng.uniform(0, seconds - 1))
        status = rng.choice(statuses)
        due = created + timedelta(hours=6)
        met = due + timedelta(minutes=rng.choice([-30, 45])) if status is not Status.IN_PROGRESS else None
        yield Ticket(
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


def _seed(n: int) -> None:
    from propdesk.dal.items import TicketItem
    from propdesk.dal.tickets import _to_item

    with TicketItem.batch_write() as batch:
        for ticket in _tickets(n):
            batch.save(_to_item(ticket))


class GeneratedStore:
    """Stands in for the tickets table's created index: the same tickets, streamed in created order, no storage.

    moto answers each Query page in time that grows with the partition, so at 100,000 tickets the storage
    side, not the report, is what a moto run measures; this source isolates the report's own time and memory.
    """

    def __init__(self, n: int) -> None:
        self.n = n

    def iter_created(self, property_id: str, since: datetime, until: datetime) -> Iterator[Ticket]:
        for ticket in _tickets(self.n):
            if since <= ticket.created_at <= until:
                yield ticket


def measure_report(n: int, trace: bool = True, source: str = "moto") -> dict[str, float]:
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
        store: Any = TicketStore(tables["TicketsTable"]) if source == "moto" else GeneratedStore(n)
        directory = DirectoryStore(tables["DirectoryTable"])
        directory.put(Property(id="SUN", code="SUN", name="阳光花园 Sunshine Garden"), create=True)
        as_of = datetime(2026, 11, 1, 6, 0, tzinfo=SHANGHAI).astimezone(UTC)
        t0 = time.perf_counter()
        if source == "moto":
            _seed(n)
        seeded = time.perf_counter() - t0
        counter: Counter[str] = Counter()
        _count_requests(counter)
        stream_peaks: list[int] = []

        class MeasuredBuilder(ReportBuilder):
            """Records the heap peak of streaming and counting alone, before the output is written."""

            def _stream(self, *args: Any, **kwargs: Any) -> Any:
                if trace:
                    tracemalloc.reset_peak()
                figures = super()._stream(*args, **kwargs)
                if trace:
                    stream_peaks.append(tracemalloc.get_traced_memory()[1])
                return figures

        builder = MeasuredBuilder(store, buckets["ReportsBucket"], "Asia/Shanghai")
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
            "stream_peak_mib": max(stream_peaks, default=0) / 2**20,
            "requests": sum(counter.values()),
            "scans": counter["Scan"],
            "per_ticket": sum(counter.values()) / n,
            "unfinished": written[0].figures["unfinished"],
            "source": source,
        }


def write_section(result: dict[str, float]) -> str:
    import moto

    n = int(result["tickets"])
    heading = "## Monthly report" if result["source"] == "moto" else "## Monthly report, the report's own cost"
    text = (
        heading + "\n\n"
        f"`make bench-report` (bench/report_100k.py): the monthly report of one property with {n:,} tickets "
        + (
            "received in the month, streamed from the `by-property-created` index on moto (in-process), "
            if result["source"] == "moto"
            else "received in the month, streamed from a generator of the same tickets (`--source generated`: "
            "no storage, so the time and memory are the report's own; moto's Query pages grow with the "
            "partition and dominate a 100,000-ticket moto run), "
        )
        + "rendered to JSON, CSV, HTML and the unfinished-items CSV, written to S3 on moto.\n\n"
        "| measure | value |\n|---|---|\n"
        f"| report build (stream + render + upload) | {result['build_s']:.1f} s |\n"
        f"| Python heap peak while streaming and counting (tracemalloc) | {result['stream_peak_mib']:.1f} MiB |\n"
        f"| Python heap peak overall, writing the output included (moto keeps S3 objects in memory) "
        f"| {result['peak_mib']:.1f} MiB |\n"
        f"| DynamoDB requests | {int(result['requests'])} ({result['per_ticket']:.4f} per ticket, "
        f"{int(result['scans'])} Scans) |\n"
        f"| unfinished items listed | {int(result['unfinished']):,} |\n"
        + (
            f"| seeding {n:,} tickets (batch writes, not part of the report) | {result['seed_s']:.1f} s |\n\n"
            if result["source"] == "moto"
            else "\n"
        )
        + f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"moto {moto.__version__}. moto answers each Query page far slower than DynamoDB; the time is an "
        "upper bound; the request count carries over to AWS.\n"
    )
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    # A section ends at the next heading or at bench's own markers, which it must never swallow.
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\n<!-- |\Z)", re.S)
    updated = (
        pattern.sub(text.rstrip("\n") + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text
    )
    path.write_text(updated, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--no-trace", action="store_true", help="skip tracemalloc (it slows moto down)")
    parser.add_argument(
        "--source",
        choices=["moto", "generated"],
        default="moto",
        help="moto: seed the tickets table and query it; generated: stream the same tickets without storage",
    )
    args = parser.parse_args()
    result = measure_report(args.tickets, trace=not args.no_trace, source=args.source)
    print(write_section(result))


if __name__ == "__main__":
    main()
