"""Hand notices to the notifier through its SQS queue (NOTICES_QUEUE_URL), in batches of ten."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any

from propdesk.notices import Notice


@cache
def _client() -> Any:
    import boto3

    return boto3.client("sqs")


def publish(notices: Sequence[Notice], queue_url: str | None = None) -> int:
    """Send the notices; returns how many were queued. No queue configured: none are."""
    url = queue_url or os.environ.get("NOTICES_QUEUE_URL")
    if not url or not notices:
        return 0
    sent = 0
    for start in range(0, len(notices), 10):
        batch = notices[start : start + 10]
        entries = [{"Id": str(n), "MessageBody": notice.model_dump_json()} for n, notice in enumerate(batch)]
        result = _client().send_message_batch(QueueUrl=url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"the notices queue refused {len(result['Failed'])} notices")
        sent += len(batch)
    return sent
