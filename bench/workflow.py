"""State transitions and history events per workflow scenario, from the workflow tests' own executions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import ROOT

WORKFLOW_TESTS = ROOT / "tests" / "integration" / "workflow"

# Used by the cost model only when the workflow tests do not exist yet (clearly labelled in BENCHMARKS.md):
# issue 4's budgets (free repair <= 10, paid repair <= 14 transitions), plus timers and escalations.
ASSUMED_TRANSITIONS = 14.0
ASSUMED_STEP_INVOCATIONS = 8.0


@dataclass
class WorkflowMeasure:
    available: bool
    note: str
    scenarios: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def per_ticket(self) -> tuple[float, float, str]:
        """(transitions, Lambda step invocations) per ticket, and where they come from."""
        finished = [s for s in self.scenarios if s.get("transitions")]
        if not finished:
            return ASSUMED_TRANSITIONS, ASSUMED_STEP_INVOCATIONS, "ASSUMED (no workflow measurements yet)"
        happy = [s for s in finished if "happy" in s["test"] or "free" in s["test"] or "paid" in s["test"]]
        chosen = happy or finished
        transitions = sum(s["transitions"] for s in chosen) / len(chosen)
        tasks = sum(s["tasks"] for s in chosen) / len(chosen)
        return transitions, tasks, f"measured: mean of {len(chosen)} workflow test executions"


def measure(timeout: float = 300) -> WorkflowMeasure:
    import time

    if not WORKFLOW_TESTS.is_dir():
        return WorkflowMeasure(False, "not available yet (tests/integration/workflow does not exist)")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "histories.jsonl"
        env = {**os.environ, "BENCH_HISTORIES": str(target)}
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(WORKFLOW_TESTS),
                "-q",
                "-p",
                "bench.histories",
                "-p",
                "no:cacheprovider",
                "-x",
                "--no-cov",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        seconds = time.monotonic() - started
        records = (
            [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] if target.exists() else []
        )
    tail = (done.stdout.strip().splitlines() or ["no output"])[-1]
    scenarios = [r for r in records if "error" not in r]
    note = f"workflow tests: {tail}"
    return WorkflowMeasure(bool(scenarios), note, scenarios, seconds)
