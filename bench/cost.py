"""The cost model: AWS list prices (constants with source and date) applied to counted usage.

Prices are US East (N. Virginia) on-demand list prices, without the free tier, as published on the AWS pricing
pages named beside each constant; read 2025 (DynamoDB after its 2024-11-01 on-demand price cut). This machine has
no internet: re-read them before quoting a figure to anyone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PRICES_AS_OF = "2025 (AWS list prices, us-east-1, no free tier)"

# https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-seconds a month)
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_ARM_PER_GB_SECOND = 0.0000133334
# https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million a month, per 512 KB)
HTTP_API_PER_REQUEST = 1.00 / 1_000_000
# https://aws.amazon.com/dynamodb/pricing/on-demand/ (standard table class)
DDB_PER_WRU = 0.625 / 1_000_000
DDB_PER_RRU = 0.125 / 1_000_000
DDB_STORAGE_PER_GB_MONTH = 0.25
# https://aws.amazon.com/step-functions/pricing/ (Standard workflows)
SFN_PER_TRANSITION = 0.025 / 1_000
# https://aws.amazon.com/sqs/pricing/ (standard queues, per 64 KB request)
SQS_PER_REQUEST = 0.40 / 1_000_000
# https://aws.amazon.com/s3/pricing/ (S3 Standard)
S3_PER_PUT = 0.005 / 1_000
S3_PER_GET = 0.0004 / 1_000
# https://aws.amazon.com/eventbridge/pricing/ (Scheduler invocations)
SCHEDULER_PER_INVOCATION = 1.00 / 1_000_000
# https://aws.amazon.com/end-user-messaging/pricing/ : outbound SMS to China mainland (CN) sent through AWS End
# User Messaging SMS from us-east-1, one message part (70 Chinese characters). ASSUMPTION: the per-country price
# and carrier fee vary and could not be re-read offline; this figure is a planning value, check it.
SMS_CN_PER_MESSAGE = 0.035

LAMBDA_MEMORY_GB = 0.5  # MemorySize 512 in template.yaml Globals


@dataclass(frozen=True, slots=True)
class LifeUsage:
    """What one ticket uses through its whole life, averaged over a mix of tickets."""

    api_requests: float  # HTTP API requests = API Lambda invocations
    api_ms: float  # billed duration of one API invocation (ms, rounded up to 1 ms by Lambda)
    rru: float
    wru: float  # base table and index writes
    transitions: float  # Step Functions state transitions
    step_invocations: float  # Lambda invocations by the workflow and streams
    step_ms: float
    sqs_requests: float  # notices: send + receive + delete
    s3_puts: float  # photo and signature uploads
    s3_gets: float
    sms: float  # outbound SMS messages (notifications, SMS channel replies)
    item_bytes: float  # stored bytes per ticket (ticket + audit events)


@dataclass(frozen=True, slots=True)
class Line:
    item: str
    quantity: float
    unit: str
    usd: float


@dataclass
class Bill:
    lines: list[Line] = field(default_factory=list)

    def add(self, item: str, quantity: float, unit: str, unit_price: float) -> None:
        self.lines.append(Line(item, quantity, unit, quantity * unit_price))

    def total(self, *, sms: bool = True) -> float:
        return sum(line.usd for line in self.lines if sms or not line.item.startswith("SMS"))


def lambda_cost(invocations: float, ms: float, memory_gb: float = LAMBDA_MEMORY_GB) -> tuple[float, float]:
    """(request charge, compute charge) of `invocations` of `ms` each."""
    return invocations * LAMBDA_PER_REQUEST, invocations * (ms / 1000) * memory_gb * LAMBDA_ARM_PER_GB_SECOND


def tickets_bill(usage: LifeUsage, tickets: int = 1000) -> Bill:
    """The bill for `tickets` tickets through their whole life."""
    bill = Bill()
    n = tickets
    bill.add("HTTP API requests", usage.api_requests * n, "requests", HTTP_API_PER_REQUEST)
    bill.add("Lambda requests (API)", usage.api_requests * n, "invocations", LAMBDA_PER_REQUEST)
    bill.add(
        "Lambda compute (API)",
        usage.api_requests * n * usage.api_ms / 1000 * LAMBDA_MEMORY_GB,
        "GB-s",
        LAMBDA_ARM_PER_GB_SECOND,
    )
    bill.add("Lambda requests (workflow, streams)", usage.step_invocations * n, "invocations", LAMBDA_PER_REQUEST)
    bill.add(
        "Lambda compute (workflow, streams)",
        usage.step_invocations * n * usage.step_ms / 1000 * LAMBDA_MEMORY_GB,
        "GB-s",
        LAMBDA_ARM_PER_GB_SECOND,
    )
    bill.add("DynamoDB reads", usage.rru * n, "RRU", DDB_PER_RRU)
    bill.add("DynamoDB writes (table + indexes)", usage.wru * n, "WRU", DDB_PER_WRU)
    bill.add("Step Functions Standard", usage.transitions * n, "transitions", SFN_PER_TRANSITION)
    bill.add("SQS (notices)", usage.sqs_requests * n, "requests", SQS_PER_REQUEST)
    bill.add("S3 PUT (uploads)", usage.s3_puts * n, "requests", S3_PER_PUT)
    bill.add("S3 GET", usage.s3_gets * n, "requests", S3_PER_GET)
    bill.add("SMS to China mainland", usage.sms * n, "messages", SMS_CN_PER_MESSAGE)
    return bill


@dataclass(frozen=True, slots=True)
class MonthlyJobs:
    """A property's scheduled work in a month, from counted usage of the sweep and reports."""

    days: int = 30
    open_tickets: float = 60.0  # average unfinished orders the evening sweep walks
    sweep_rru_per_open: float = 0.0
    sweep_wru_per_open: float = 0.0
    sweep_invocations_per_run: float = 1.0
    report_rru_per_ticket: float = 0.0
    report_runs: int = 31  # 30 daily + 1 monthly
    report_files: int = 3  # CSV, JSON, HTML
    report_ms: float = 300.0
    sweep_ms: float = 200.0


def property_month_bill(usage: LifeUsage, tickets: int, jobs: MonthlyJobs, stored_tickets: int | None = None) -> Bill:
    """A property's month: its tickets' lives, the nightly sweep, the daily and monthly reports, storage."""
    bill = tickets_bill(usage, tickets)
    runs = jobs.days
    bill.add("Scheduler invocations", runs + jobs.report_runs, "invocations", SCHEDULER_PER_INVOCATION)
    sweep_invocations = runs * jobs.sweep_invocations_per_run
    request_charge, compute_charge = lambda_cost(sweep_invocations, jobs.sweep_ms)
    report_request, report_compute = lambda_cost(jobs.report_runs, jobs.report_ms)
    bill.add("Lambda (sweep, reports)", 1, "month", request_charge + compute_charge + report_request + report_compute)
    bill.add("DynamoDB reads (sweep)", runs * jobs.open_tickets * jobs.sweep_rru_per_open, "RRU", DDB_PER_RRU)
    bill.add("DynamoDB writes (sweep)", runs * jobs.open_tickets * jobs.sweep_wru_per_open, "WRU", DDB_PER_WRU)
    per_day = tickets / jobs.days
    report_reads = (jobs.report_runs - 1) * per_day * jobs.report_rru_per_ticket + tickets * jobs.report_rru_per_ticket
    bill.add("DynamoDB reads (reports)", report_reads, "RRU", DDB_PER_RRU)
    bill.add("S3 PUT (reports)", jobs.report_runs * jobs.report_files, "requests", S3_PER_PUT)
    gb = (stored_tickets if stored_tickets is not None else tickets) * usage.item_bytes / 1e9
    bill.add("DynamoDB storage (tickets + events)", gb, "GB-month", DDB_STORAGE_PER_GB_MONTH)
    return bill


def weighted(values: Mapping[str, float], mix: Mapping[str, float]) -> float:
    """The mean of per-scenario values under a mix of scenarios (weights need not sum to 1)."""
    total = sum(mix.values())
    return sum(values[name] * weight for name, weight in mix.items()) / total
