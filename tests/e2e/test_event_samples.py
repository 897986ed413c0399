"""Every sample in events/ answers without error when invoked on a fresh `make local`, as events/README.md says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

# sample -> the function events/README.md sends it to
SAMPLES = {
    "api-create-ticket.json": "ApiFunction",
    "api-accept-ticket.json": "ApiFunction",
    "intake-twilio-sms.json": "IntakeFunction",
    "intake-twilio-voice.json": "IntakeFunction",
    "sqs-inbound-sms.json": "SmsInboundFunction",
    "connect-contact-flow-anonymous.json": "ConnectFunction",
    "connect-contact-flow-create.json": "ConnectFunction",
    "connect-contact-flow-lookup.json": "ConnectFunction",
    "sqs-notice.json": "NotifierFunction",
    "workflow-step-timer.json": "WorkflowStepFunction",
    "dynamodb-stream-ticket-created.json": "WorkflowStarterFunction",
    "schedule-sweep.json": "SweepFunction",
    "schedule-household-visits.json": "SweepFunction",
    "schedule-handover.json": "SweepFunction",
    "schedule-daily-report.json": "ReportsFunction",
}


def test_every_sample_is_listed() -> None:
    assert sorted(SAMPLES) == sorted(p.name for p in (ROOT / "events").glob("*.json"))


@pytest.mark.parametrize(("sample", "function"), SAMPLES.items(), ids=list(SAMPLES))
def test_a_sample_answers_without_error_on_a_fresh_local_stack(
    propdesk_stack: dict[str, Any], sample: str, function: str
) -> None:
    state: Path = propdesk_stack["state"]
    command = [sys.executable, "-m", "local", "--state", str(state), "invoke", function]
    ran = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--event", f"events/{sample}"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    answer = json.loads(ran.stdout)
    if isinstance(answer, dict) and "statusCode" in answer:
        assert answer["statusCode"] < 400, answer
    if isinstance(answer, dict) and "batchItemFailures" in answer:
        assert answer["batchItemFailures"] == [], answer
