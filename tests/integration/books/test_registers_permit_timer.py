"""A work permit's 30-minute target on its real timer: statemachines/permit.asl.json executed by moto.

The machine is created from template.yaml (DefinitionUri and DefinitionSubstitutions); the API starts one
execution per permit. Its Wait follows the test's clock, as the ticket workflow's timeouts do, so half an hour
passes when the test moves the clock. What is asserted is what people see: the permit's answer and the SMS.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from local.template import Physical
from propdesk import clock as clock_module
from tests.integration.books.registers_world import Office, office_account, sms_sent
from tests.support import infra

SUN = "/properties/SUN/registers"
WAIT_SECONDS = 15.0
APPLICATION = {
    "contractor": "平安装修公司",
    "work": "1栋101 厨房改造",
    "unit_id": "U101",
    "workers": [{"name": "王师傅"}],
    "documents": ["营业执照"],
    "fee_cents": 20000,
}


def _deploy_permit_timer() -> str:
    """The PermitTimer state machine as the template declares it, with its substitutions resolved."""
    tpl = infra.template()
    props = tpl.resources["PermitTimer"]["Properties"]
    physical = {lid: Physical(ref=lid) for lid in tpl.resources}
    substitutions = tpl.resolve(props["DefinitionSubstitutions"], physical)
    definition = (infra.ROOT / props["DefinitionUri"]).read_text(encoding="utf-8")
    for name, value in substitutions.items():
        definition = definition.replace("${" + name + "}", str(value))
    client = boto3.client("stepfunctions", region_name=infra.REGION)
    created = client.create_state_machine(
        name="propdesk-permit-test", definition=definition, roleArn="arn:aws:iam::123456789012:role/permit-timer"
    )
    return str(created["stateMachineArn"])


def _wait_on_the_test_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Wait until a timestamp ends when the test's clock reaches it (bounded by WAIT_SECONDS of real time)."""
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp

    def wait_seconds(self: Any, env: Any) -> int:
        self.string.eval(env=env)
        target = datetime.strptime(env.stack.pop(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        deadline = time.monotonic() + WAIT_SECONDS
        while clock_module.now() < target and env.is_running() and time.monotonic() < deadline:
            time.sleep(0.01)
        return 0

    monkeypatch.setattr(timestamp.Timestamp, "_get_wait_seconds", wait_seconds)


@pytest.fixture(scope="module")
def account() -> Iterator[Office]:
    # The execution ARN is known once the machine exists: the API's setting is read at its cold start.
    yield from office_account(
        {"PERMIT_TIMER_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:propdesk-permit-test"}
    )


@pytest.fixture
def office(account: Office, clock: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Office]:
    account.fresh_books()
    _wait_on_the_test_clock(monkeypatch)
    arn = _deploy_permit_timer()
    yield account
    boto3.client("stepfunctions", region_name=infra.REGION).delete_state_machine(stateMachineArn=arn)


def _ended(permit_id: str) -> dict[str, Any]:
    """The permit's execution once it has ended; fails on anything but SUCCEEDED."""
    client = boto3.client("stepfunctions", region_name=infra.REGION)
    arn = f"arn:aws:states:us-east-1:123456789012:execution:propdesk-permit-test:SUN_{permit_id}"
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        execution = client.describe_execution(executionArn=arn)
        if execution["status"] != "RUNNING":
            assert execution["status"] == "SUCCEEDED", execution
            history = client.get_execution_history(executionArn=arn)["events"]
            entered = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
            return {**execution, "states": entered}
        time.sleep(0.02)
    raise AssertionError(f"the permit timer of {permit_id} did not end within {WAIT_SECONDS} s")


def test_a_permit_not_issued_in_30_minutes_is_escalated_to_the_managers_and_may_still_be_issued(office, clock):
    api = office.api
    permit = api.post(f"{SUN}/permits", office["clerk"], body=APPLICATION).body
    path = f"{SUN}/permits/{permit['id']}"
    api.post(f"{path}/fee", office["finance"], body={"amount_cents": 20000})

    clock.advance(minutes=29)
    time.sleep(0.1)
    assert api.get(path, office["clerk"]).body["overdue_at"] is None
    assert sms_sent() == []

    clock.advance(minutes=2)  # 10:31
    per_manager = ["Manager", "HasPhone", "Tell"]
    assert _ended(permit["id"])["states"] == ["Target", "Breach", "Escalate", *per_manager, *per_manager, "Breached"]
    late = api.get(path, office["clerk"]).body
    assert (late["overdue_at"], late["met_target"]) == ("2026-11-23T02:30:00Z", False)
    assert sorted(sms_sent()) == [
        ("+8613900000001", "施工单位工作证SUN-WP-20261123-001（平安装修公司）受理已超过30分钟仍未办结，请跟进。"),
        (
            "+8613900000002",
            "Work permit SUN-WP-20261123-001 (平安装修公司) was not issued within 30 minutes of receipt; "
            "please follow up.",
        ),
    ]

    # The timer records and escalates; it never blocks the work. Issued at 10:45, 15 minutes late.
    api.post(f"{path}/documents", office["gate"], body={"passed": True})
    clock.advance(minutes=14)
    issued = api.post(f"{path}/issue", office["clerk"])
    assert issued.status == 200, issued.body
    assert (issued.body["met_target"], issued.body["breach_minutes"]) == (False, 15)
    assert issued.body["overdue_at"] == "2026-11-23T02:30:00Z"


def test_a_permit_issued_within_30_minutes_ends_its_timer_quietly(office, clock):
    api = office.api
    permit = api.post(f"{SUN}/permits", office["clerk"], body=APPLICATION).body
    path = f"{SUN}/permits/{permit['id']}"
    api.post(f"{path}/fee", office["finance"], body={"amount_cents": 20000})
    api.post(f"{path}/documents", office["gate"], body={"passed": True})
    clock.advance(minutes=25)
    assert api.post(f"{path}/issue", office["clerk"]).body["met_target"] is True

    clock.advance(minutes=10)
    assert _ended(permit["id"])["states"] == ["Target", "Breach", "OnTime"]
    assert api.get(path, office["clerk"]).body["overdue_at"] is None
    assert sms_sent() == []
