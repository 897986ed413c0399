"""The runtime's own machinery on a small template: schedules, streams, a state machine, time warp."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
import requests

from tests.e2e.conftest import FIXTURES, local_stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]


@pytest.fixture(scope="module")
def warped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The fixture template with an hour passing every real second."""
    state = tmp_path_factory.mktemp("local-fixture")
    with local_stack(state, "--template", str(FIXTURES / "template.yaml"), "--warp", "3600", "--no-seed") as info:
        yield info


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The fixture template on a clock that moves only when told, each Lambda invoke of a state machine starting
    a second late, as on a busy machine: far longer than any pause a clock jump could take for the end of work."""
    state = tmp_path_factory.mktemp("local-late")
    args = ["--template", str(FIXTURES / "template.yaml"), "--no-seed", "--start", "2026-12-01T09:00:00+08:00"]
    with local_stack(state, *args, "--workflow-invoke-delay", "1") as info:
        yield info


def _client(info: dict[str, Any], service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=info["moto_url"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _eventually(check: Callable[[], Any], timeout_s: float = 15) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def _machine(sfn: Any, suffix: str) -> str:
    arn: str = next(
        m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith(suffix)
    )
    return arn


def _move_clock(info: dict[str, Any], hours: float) -> None:
    """POST /clock: `hours` on from the stack's clock, stopping at every timer on the way."""
    now = datetime.fromisoformat(requests.get(f"{info['control_url']}/clock", timeout=10).json()["now"])
    to = now + timedelta(hours=hours)
    response = requests.post(f"{info['control_url']}/clock", json={"to": to.isoformat()}, timeout=120)
    assert response.status_code == 200, response.text


def _outcome(sfn: Any, arn: str) -> tuple[str, Any]:
    described = sfn.describe_execution(executionArn=arn)
    return described["status"], json.loads(described.get("output") or "null")


def _marks(info: dict[str, Any]) -> list[str]:
    table = next(t for t in _client(info, "dynamodb").list_tables()["TableNames"] if "MarksTable" in t)
    items = _client(info, "dynamodb").scan(TableName=table)["Items"]
    return sorted(item["pk"]["S"] for item in items)


def test_an_hourly_schedule_fires_every_warped_hour_and_its_writes_reach_the_stream(warped: dict[str, Any]) -> None:
    ticks = _eventually(lambda: [m for m in _marks(warped) if m.startswith("tick#hourly#")][2:])

    assert ticks, _marks(warped)
    seen = _eventually(lambda: [m for m in _marks(warped) if m.startswith("seen#tick#hourly#")])
    assert seen


def test_a_schedule_fires_on_demand_with_its_input(warped: dict[str, Any]) -> None:
    response = requests.post(f"{warped['control_url']}/fire/evening-sweep-Asia", timeout=30)

    assert response.status_code == 200
    assert response.json()["outcome"] == "invoked"
    assert _eventually(lambda: [m for m in _marks(warped) if m.startswith("tick#evening#")])


def test_a_wait_of_an_hour_passes_in_a_second_and_errors_reach_catch(warped: dict[str, Any]) -> None:
    sfn = _client(warped, "stepfunctions")
    machine = next(
        m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("-Flow")
    )
    ok = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": 21}))["executionArn"]
    failing = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": 1, "fail": True}))["executionArn"]

    def finished(arn: str) -> dict[str, Any] | None:
        described: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        return described if described["status"] != "RUNNING" else None

    done, caught = _eventually(lambda: finished(ok), 10), _eventually(lambda: finished(failing), 10)

    assert done is not None and caught is not None
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"doubled": 42}
    assert caught["status"] == "SUCCEEDED"
    assert json.loads(caught["output"])["error"]["Error"] == "ValueError"


def test_a_task_token_timeout_of_an_hour_passes_in_a_second(warped: dict[str, Any]) -> None:
    sfn = _client(warped, "stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"].endswith("CallbackFlow"))
    started = time.monotonic()
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], input=json.dumps({"timeout": 3600}))[
        "executionArn"
    ]

    def finished() -> dict[str, Any] | None:
        described: dict[str, Any] = sfn.describe_execution(executionArn=arn)
        return described if described["status"] != "RUNNING" else None

    done = _eventually(finished, 10)

    assert done is not None and done["status"] == "SUCCEEDED"
    assert json.loads(done["output"])["error"]["Error"] == "States.Timeout"
    assert time.monotonic() - started < 8


def test_every_function_ran_in_its_own_environment(warped: dict[str, Any]) -> None:
    items = _client(warped, "dynamodb").scan(
        TableName=next(t for t in _client(warped, "dynamodb").list_tables()["TableNames"] if "MarksTable" in t)
    )["Items"]
    tick = next(i for i in items if i["pk"]["S"].startswith("tick#"))

    assert tick["stage"]["S"] == "test-stage"  # Globals env with Fn::If on a condition
    assert tick["function"]["S"].endswith("TickFunction")


def test_a_clock_jump_past_a_timer_returns_only_once_the_woken_executions_have_taken_their_next_step(
    late: dict[str, Any],
) -> None:
    sfn = _client(late, "stepfunctions")
    # Given one execution in an hour's Wait state and one waiting an hour for a task token, each followed by a
    # Lambda step that starts a second after its state does
    waiting = sfn.start_execution(stateMachineArn=_machine(sfn, "-Flow"), input=json.dumps({"n": 21}))
    timing_out = sfn.start_execution(
        stateMachineArn=_machine(sfn, "TimerFlow"), input=json.dumps({"n": 5, "timeout": 3600})
    )

    # When the clock jumps two hours
    _move_clock(late, 2)

    # Then the jump has returned only after both woke at their hour and ran their step to the end
    assert _outcome(sfn, waiting["executionArn"]) == ("SUCCEEDED", {"doubled": 42})
    assert _outcome(sfn, timing_out["executionArn"]) == ("SUCCEEDED", {"doubled": 10})


def test_an_answered_task_token_counts_as_work_until_its_execution_has_taken_its_next_step(
    late: dict[str, Any],
) -> None:
    sfn = _client(late, "stepfunctions")
    # Given an execution waiting a day for its task token
    execution = sfn.start_execution(
        stateMachineArn=_machine(sfn, "TimerFlow"), input=json.dumps({"n": 7, "timeout": 86400})
    )["executionArn"]
    _move_clock(late, 0)  # a clock move waits for it to park on its token
    scheduled = next(
        e for e in sfn.get_execution_history(executionArn=execution)["events"] if e["type"] == "TaskScheduled"
    )
    token = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["Payload"]["token"]

    # When the token is answered and the clock is moved at once
    sfn.send_task_success(taskToken=token, output=json.dumps({"doubled": 0}))
    _move_clock(late, 0)

    # Then the move has waited for the answered execution's next step, though it started a second later
    assert _outcome(sfn, execution) == ("SUCCEEDED", {"doubled": 14})
