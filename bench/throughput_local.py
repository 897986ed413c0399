"""Throughput of the local stack: tickets pushed over HTTP through `make local`'s runtime, workflows running.

The same month mix as bench/throughput.py, but every call goes over loopback HTTP to the local runtime's
API Gateway front, each function runs in its own worker process, every ticket starts its Step Functions
execution from the table's stream and its timers run under time warp. Peak memory is the whole process
tree's (this process, the moto server inside it, and every worker).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench import ROOT
from bench.throughput import MIX, Throughput

SETTLE_SECONDS = 60.0  # how long the warped timers get to run after the last call


def _tree_rss_mb() -> float:
    """Resident memory now of this process and its live children, from /proc."""
    total = 0
    pids = [os.getpid()]
    try:
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        pids += [int(p) for p in children]
    except OSError:
        pass
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(tickets: int, warp: float = 60.0, seed: int = 7) -> tuple[Throughput, dict[str, int], dict[str, int]]:
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]
    from local.auth import JwtConfig, issue_token
    from local.runtime import LocalStack, Options
    from tests.integration.api.flows import SCENARIOS
    from tests.support.seed import STAFF
    from tests.support.seed import seed as seed_world

    state = Path(tempfile.mkdtemp(prefix="propdesk-bench-"))
    stack = LocalStack(Options(port=0, warp=warp, seed=False, state=state))
    info = stack.start()
    peak = 0.0
    try:
        os.environ.update(
            AWS_ENDPOINT_URL=info["moto_url"],
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto's fake credentials
            AWS_DEFAULT_REGION="us-east-1",
        )
        directory = next(
            spec.environment["DIRECTORY_TABLE"]
            for spec in stack.stack.functions.values()
            if "DIRECTORY_TABLE" in spec.environment
        )
        world = seed_world(directory)
        api = next(a for a in info["apis"].values() if a["issuer"])
        config = JwtConfig(issuer=api["issuer"], audience=tuple(api["audience"]))
        roles = {sid: role.value for sid, _pid, role, _dept in STAFF}
        tokens = {
            name: issue_token(stack.key, config, sub=u["sub"], groups=[roles.get(name, "resident")], username=name)
            for name, u in world.users.items()
        }
        session = requests.Session()

        def post(path: str, who: str, body: object) -> requests.Response:
            return session.post(
                api["url"] + path,
                headers={"Authorization": f"Bearer {tokens[who]}"},
                json=body,
                timeout=30,
            )

        rng = random.Random(seed)
        names, weights = list(MIX), list(MIX.values())
        calls = failures = 0
        statuses: dict[str, int] = {}
        started = time.perf_counter()
        for _ in range(tickets):
            kind, steps = SCENARIOS[rng.choices(names, weights)[0]]
            created = post("/tickets", "zhang", {"kind": kind, "description": f"{kind} 月度"})
            calls += 1
            statuses[str(created.status_code)] = statuses.get(str(created.status_code), 0) + 1
            if created.status_code != 201:
                failures += 1
                continue
            for who, action, body, _after in steps:
                reply = post(f"/tickets/{created.json()['id']}/actions/{action}", who, body)
                calls += 1
                answer = f"{reply.status_code} {reply.json().get('error', '')}".strip()
                statuses[answer] = statuses.get(answer, 0) + 1
                # A 409 here is the workflow refusing a step whose warped timer already ran out, not an error.
                failures += reply.status_code not in (200, 409)
            peak = max(peak, _tree_rss_mb())
        seconds = time.perf_counter() - started
        executions = _settle(info["moto_url"], SETTLE_SECONDS)
        peak = max(peak, _tree_rss_mb())
    finally:
        stack.stop()
    path = f"local stack over HTTP (worker per function, workflows on, time warp x{warp:g})"
    return Throughput(tickets, calls, seconds, peak, failures, path), executions, statuses


def _settle(endpoint: str, seconds: float) -> dict[str, int]:
    """Let the warped timers run, then count executions by status."""
    import boto3

    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1")
    time.sleep(seconds)
    counts: dict[str, int] = {}
    for machine in sfn.list_state_machines()["stateMachines"]:
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=machine["stateMachineArn"]):
            for execution in page["executions"]:
                counts[execution["status"]] = counts.get(execution["status"], 0) + 1
    return counts


def write_section(result: Throughput, executions: dict[str, int], statuses: dict[str, int]) -> str:
    """Put the numbers under their own heading in BENCHMARKS.md (after bench's markers, never inside them)."""
    import re

    heading = "## Throughput of the local stack"
    text = (
        f"{heading}\n\n"
        "`make bench-local` (bench/throughput_local.py): the month mix of bench/throughput.py pushed over HTTP "
        f"through the local runtime ({result.path}). Tickets start their executions from the table's stream; "
        f"after the last call the warped timers run for {SETTLE_SECONDS:.0f} s.\n\n"
        "| tickets | API calls | seconds | tickets/s | calls/s | a 1,500-ticket month would take | "
        "peak RSS, whole process tree | answers | executions |\n|---|---|---|---|---|---|---|---|---|\n"
        f"| {result.tickets} | {result.calls} | {result.seconds:.1f} | {result.tickets_per_second:.2f} | "
        f"{result.calls / result.seconds:.1f} | {1500 / result.tickets_per_second / 60:.0f} min | "
        f"{result.peak_rss_mb:.0f} MB | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(executions.items()))} |\n\n"
        "The scripts were written for the API alone and do not wait for the workflow, so answers other than "
        "200/201 are the workflow at work, not errors: `409 action_not_allowed` where it had already moved "
        "the ticket on (a satisfied free repair or a quick task closed by the system, a step whose warped "
        "timer ran out); `409 concurrent_update` where its step function stored the next task token between "
        "the API's read and write, which a client retries (the message says so). Any other answer counts as "
        f"a failure ({result.failures} here; the 404s are a technician acting on an order the workflow had "
        "handed on, not yet investigated).\n"
    )
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=\n## |\n<!-- |\Z)", re.S)
    updated = (
        pattern.sub(text.rstrip("\n") + "\n", current) if pattern.search(current) else current.rstrip() + "\n\n" + text
    )
    path.write_text(updated, encoding="utf-8")
    return text


if __name__ == "__main__":
    outcome = run(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    print(write_section(*outcome))
    print(json.dumps({k: getattr(outcome[0], k) for k in Throughput.__slots__}))
