"""A JSON report too large for a Lambda answer (6 MB) is handed over as a short-lived S3 link instead."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import boto3
import requests

from bench.report_100k import GeneratedStore
from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Property
from propdesk.reports.build import ReportBuilder
from propdesk.reports.periods import ReportKind, previous

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024


def test_the_monthly_report_of_100000_tickets_redirects_to_a_presigned_link(api, aws, world):
    # Given the October report of a property that received 100,000 tickets (the benchmark's month)
    directory = DirectoryStore(aws["DirectoryTable"])
    as_of = datetime(2026, 11, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    period = previous(ReportKind.MONTHLY, as_of, "Asia/Shanghai")
    builder = ReportBuilder(GeneratedStore(100_000), aws["ReportsBucket"], "Asia/Shanghai")
    builder.build([p for p in directory.list_records(Property, None) if p.id == "SUN"], period, as_of)
    stored = boto3.client("s3").head_object(Bucket=aws["ReportsBucket"], Key="reports/monthly/SUN/2026-10.json")
    assert stored["ContentLength"] > LAMBDA_RESPONSE_LIMIT

    # When the manager asks for it
    reply = api.get("/reports/monthly/2026-10", world["manager"])

    # Then the answer is small: a 303 to a link valid for 15 minutes, which serves the whole report
    assert reply.status == 303
    assert reply.headers["Location"] == reply.body["url"]
    assert reply.body["expires_in"] == 900 and "X-Amz-Expires=900" in reply.body["url"]
    assert len(json.dumps(reply.body)) < 2048
    report = requests.get(reply.headers["Location"], timeout=30).json()
    assert report["scope"] == "SUN" and report["figures"]["received"] == 100_000
