"""The tickets table's stream: one bad record fails alone instead of replaying the whole batch."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.api import LambdaContext, load_function

EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_a_bad_stream_record_is_reported_alone_and_the_rest_of_the_batch_succeeds(monkeypatch):
    monkeypatch.setenv("TICKETS_TABLE", "TicketsTable")
    monkeypatch.setenv("DIRECTORY_TABLE", "DirectoryTable")
    monkeypatch.setenv("TICKET_WORKFLOW_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:propdesk-ticket")
    module = load_function("workflow_starter")
    module.settings.cache_clear()
    # Given a batch: a ticket whose image cannot be read, then an audit event the starter passes over
    [sample] = json.loads((EVENTS / "dynamodb-stream-ticket-created.json").read_text(encoding="utf-8"))["Records"]
    broken = json.loads(json.dumps(sample))
    broken["dynamodb"]["NewImage"]["doc"] = {"S": "{not json"}
    broken["dynamodb"]["SequenceNumber"] = "100"
    event_record = json.loads(json.dumps(sample))
    event_record["dynamodb"]["Keys"]["sk"] = {"S": "EVENT#2026-11-23T02:00:00Z#1"}
    event_record["dynamodb"]["NewImage"]["sk"] = {"S": "EVENT#2026-11-23T02:00:00Z#1"}
    event_record["dynamodb"]["SequenceNumber"] = "101"
    # When the stream delivers it
    answer = module.lambda_handler({"Records": [broken, event_record]}, LambdaContext())
    # Then only the broken record is retried
    assert answer == {"batchItemFailures": [{"itemIdentifier": "100"}]}
    module.settings.cache_clear()
