"""Throughput: a simulated month of a 2,000-unit property pushed through the API, tickets of every kind.

Runs on the in-process moto path (the API handler called in-process, the way tests/integration does), not the
local runtime's HTTP stack: each ticket's whole life (create, every action) goes through the real handler. A
month is ~1,500 tickets; `--tickets` samples fewer to fit `make bench` in its time budget and the rate is what
is reported. Run in its own process so that peak memory is this workload's alone.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import ROOT

MONTH_TICKETS = 1500
# The month's mix of kinds (a planning assumption, by scenario of tests/integration/api/flows.py).
MIX = {
    "free_repair": 0.40,
    "paid_repair": 0.12,
    "rejected_quote": 0.03,
    "warranty": 0.05,
    "complaint": 0.07,
    "invalid_complaint": 0.03,
    "inquiry": 0.22,
    "coordination": 0.08,
}


@dataclass(frozen=True, slots=True)
class Throughput:
    tickets: int
    calls: int
    seconds: float
    peak_rss_mb: float
    failures: int
    path: str

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds

    @property
    def month_seconds(self) -> float:
        return MONTH_TICKETS / self.tickets_per_second


def run(tickets: int, seed: int = 7) -> Throughput:
    import bench  # noqa: F401 - sys.path
    from bench.sandbox import moto_sandbox
    from tests.integration.api.flows import SCENARIOS
    from tests.support.api import ApiClient

    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    calls = failures = 0
    with moto_sandbox() as box:
        api, world = ApiClient(), box.world
        started = time.perf_counter()
        for _ in range(tickets):
            scenario = rng.choices(names, weights)[0]
            kind, steps = SCENARIOS[scenario]
            created = api.post("/tickets", world["zhang"], body={"kind": kind, "description": f"{kind} 月度"})
            calls += 1
            if created.status != 201:
                failures += 1
                continue
            for who, action, body, _after in steps:
                reply = api.post(f"/tickets/{created.body['id']}/actions/{action}", world[who], body=body)
                calls += 1
                failures += reply.status != 200
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Throughput(tickets, calls, seconds, peak, failures, "in-process moto (API handler called in-process)")


def measure(tickets: int = 150) -> Throughput:
    """In a fresh process: its peak RSS is this workload's."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.throughput", str(tickets)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return Throughput(**json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 150)
    print(json.dumps({k: getattr(result, k) for k in Throughput.__slots__}))
