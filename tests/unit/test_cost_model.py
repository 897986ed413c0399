"""The cost model and the request-unit arithmetic: pure functions, known answers (issue 7)."""

from __future__ import annotations

import math

import pytest

from bench import cost
from bench.capacity import Index, item_size, read_units, value_size, write_units


def _usage(**overrides: float) -> cost.LifeUsage:
    base = {
        "api_requests": 0.0,
        "api_ms": 0.0,
        "rru": 0.0,
        "wru": 0.0,
        "transitions": 0.0,
        "step_invocations": 0.0,
        "step_ms": 0.0,
        "sqs_requests": 0.0,
        "s3_puts": 0.0,
        "s3_gets": 0.0,
        "sms": 0.0,
        "item_bytes": 0.0,
    }
    return cost.LifeUsage(**{**base, **overrides})


def test_item_size_counts_names_and_values_as_dynamodb_does():
    # Given an item of a string, a number, a boolean and a map
    item = {"pk": {"S": "TICKET#1"}, "n": {"N": "123"}, "ok": {"BOOL": True}, "m": {"M": {"a": {"S": "xy"}}}}
    # Then its size is names + values, with DynamoDB's overheads for numbers and maps
    assert value_size({"S": "阳光"}) == 6  # UTF-8 bytes
    assert value_size({"N": "123"}) == 3  # ceil(3 digits / 2) + 1
    assert item_size(item) == (2 + 8) + (1 + 3) + (2 + 1) + (1 + 3 + 1 + 1 + 2)
    assert item_size(None) == 0


@pytest.mark.parametrize(
    ("size", "consistent", "transactional", "units"),
    [
        (0, True, False, 1),
        (4096, True, False, 1),
        (4097, True, False, 2),
        (100, False, False, 0.5),
        (8192, False, False, 1),
        (100, True, True, 2),
        (8192, True, True, 4),
    ],
)
def test_read_units_round_up_to_4kb(size, consistent, transactional, units):
    assert read_units(size, consistent, transactional) == units


@pytest.mark.parametrize(
    ("size", "transactional", "units"), [(1, False, 1), (1024, False, 1), (1025, False, 2), (2500, True, 6)]
)
def test_write_units_round_up_to_1kb_and_transactions_cost_double(size, transactional, units):
    assert write_units(size, transactional) == units


def test_a_thousand_tickets_bill_each_service_at_its_list_price():
    # Given one ticket life of 10 API calls, 20 RRU, 100 WRU, 12 transitions and 1 SMS
    usage = _usage(api_requests=10, api_ms=100, rru=20, wru=100, transitions=12, sms=1)
    # When a thousand such tickets are billed
    bill = cost.tickets_bill(usage, 1000)
    lines = {line.item: line.usd for line in bill.lines}
    # Then each line is quantity x list price
    assert lines["HTTP API requests"] == pytest.approx(10_000 * 1.00 / 1e6)
    assert lines["Lambda requests (API)"] == pytest.approx(10_000 * 0.20 / 1e6)
    assert lines["Lambda compute (API)"] == pytest.approx(10_000 * 0.1 * 0.5 * 0.0000133334)
    assert lines["DynamoDB reads"] == pytest.approx(20_000 * 0.125 / 1e6)
    assert lines["DynamoDB writes (table + indexes)"] == pytest.approx(100_000 * 0.625 / 1e6)
    assert lines["Step Functions Standard"] == pytest.approx(12_000 * 0.025 / 1000)
    assert lines["SMS to China mainland"] == pytest.approx(1000 * cost.SMS_CN_PER_MESSAGE)
    # And the budget total leaves SMS out
    assert bill.total(sms=False) == pytest.approx(bill.total() - lines["SMS to China mainland"])


def test_step_functions_dominate_a_ticket_at_fourteen_transitions():
    # Given the workflow budget's paid repair (14 transitions) and nothing else
    bill = cost.tickets_bill(_usage(transitions=14), 1000)
    # Then 1,000 tickets cost 14,000 transitions at $0.025 per 1,000
    assert bill.total() == pytest.approx(0.35)


def test_a_property_month_adds_the_sweep_reports_and_storage():
    # Given no ticket activity but a sweep of 60 open tickets reading 1 RRU each for 30 nights
    jobs = cost.MonthlyJobs(days=30, open_tickets=60, sweep_rru_per_open=1.0, report_rru_per_ticket=0.0)
    bill = cost.property_month_bill(_usage(item_bytes=1e6), tickets=1000, jobs=jobs)
    lines = {line.item: line for line in bill.lines}
    # Then the sweep reads 1,800 RRU, reports write 93 S3 objects, and 1 GB of tickets is stored
    assert lines["DynamoDB reads (sweep)"].quantity == 1800
    assert lines["S3 PUT (reports)"].quantity == 31 * 3
    assert lines["DynamoDB storage (tickets + events)"].quantity == pytest.approx(1.0)
    assert lines["Scheduler invocations"].quantity == 30 + 31


def test_weighted_mean_normalises_the_mix():
    assert cost.weighted({"a": 10.0, "b": 20.0}, {"a": 1, "b": 3}) == pytest.approx(17.5)


def test_every_price_constant_is_positive_and_documented():
    # Given the module source; Then every price constant has its source URL above it
    import inspect

    source = inspect.getsource(cost)
    for name in (
        "LAMBDA_PER_REQUEST",
        "LAMBDA_ARM_PER_GB_SECOND",
        "HTTP_API_PER_REQUEST",
        "DDB_PER_WRU",
        "DDB_PER_RRU",
        "SFN_PER_TRANSITION",
        "SMS_CN_PER_MESSAGE",
        "S3_PER_PUT",
    ):
        value = getattr(cost, name)
        assert value > 0 and math.isfinite(value)
        before = source[: source.index(f"\n{name} =")]
        assert "https://aws.amazon.com/" in before.rsplit("\n\n", 1)[-1] or "https://" in before.splitlines()[-1]


def test_index_keys_are_read_from_the_template():
    from bench.capacity import indexes_from_template
    from tests.support import infra

    indexes = indexes_from_template(infra.template().resources)
    assert Index("open-by-due", ("open_property", "due_key")) in indexes["TicketsTable"]
    assert indexes["IdempotencyTable"] == ()
