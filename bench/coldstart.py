"""Cold start: import each function's handler module in a fresh interpreter, against `import boto3` in the same run.

Each sample is a new `python` process with only the function's CodeUri and layer folders on sys.path and its
template environment, the way a Lambda sandbox starts; the time is measured inside the child around the import
alone (interpreter start-up is the same for every function and is not ours to optimise).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.functions import FunctionInfo, functions
from bench.sandbox import FAKE_ENV

BUDGET_RATIO = 1.3
BASELINE = "import boto3"

_CHILD = """
import json, sys, time
sys.path[:0] = json.loads(sys.argv[1])
before = len(sys.modules)
started = time.perf_counter()
__import__(sys.argv[2])
elapsed = time.perf_counter() - started
print(json.dumps({"ms": elapsed * 1000, "modules": len(sys.modules) - before}))
"""


@dataclass(frozen=True, slots=True)
class ColdStart:
    name: str
    median_ms: float
    samples_ms: tuple[float, ...]
    modules: int
    ratio: float  # to the baseline's median
    api_path: bool
    error: str | None = None

    @property
    def within_budget(self) -> bool:
        return self.error is None and self.ratio <= BUDGET_RATIO


def _environment(extra: Mapping[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, **FAKE_ENV, **extra, "PYTHONDONTWRITEBYTECODE": "1", "AWS_LAMBDA_FUNCTION_NAME": "bench"}


def _sample(paths: Sequence[Path], module: str, env: Mapping[str, str], python: str) -> tuple[float, int]:
    done = subprocess.run(
        [python, "-c", _CHILD, json.dumps([str(p) for p in paths]), module],
        capture_output=True,
        text=True,
        env=_environment(env),
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "import failed")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["ms"]), int(result["modules"])


def is_api_path(info: FunctionInfo) -> bool:
    """Functions a person waits on: the HTTP API and the webhooks (any function with an HttpApi/Api event)."""
    return info.folder_name in ("api", "intake", "sms_inbound", "connect") or info.logical_id == "ApiFunction"


def measure(runs: int = 7, python: str = sys.executable, only: Sequence[str] | None = None) -> list[ColdStart]:
    """The baseline and every function, interleaved run by run so that machine noise hits them alike."""
    targets = {k: v for k, v in functions().items() if not only or k in only}
    samples: dict[str, list[float]] = defaultdict(list)
    modules: dict[str, int] = {}
    errors: dict[str, str] = {}
    for _ in range(runs):
        ms, count = _sample([], "boto3", {}, python)
        samples[BASELINE].append(ms)
        modules[BASELINE] = count
        for name, info in targets.items():
            if name in errors:
                continue
            if not (info.code_dir / f"{info.module}.py").exists():
                errors[name] = f"no {info.code_dir.name}/{info.module}.py yet"
                continue
            try:
                ms, count = _sample([info.code_dir, *info.layer_dirs], info.module, info.environment, python)
            except RuntimeError as err:
                errors[name] = str(err)
                continue
            samples[name].append(ms)
            modules[name] = count
    floor = statistics.median(samples[BASELINE])
    results = [ColdStart(BASELINE, floor, tuple(samples[BASELINE]), modules[BASELINE], 1.0, api_path=False)]
    for name, info in targets.items():
        if name in errors:
            results.append(ColdStart(name, 0.0, (), 0, 0.0, is_api_path(info), errors[name]))
            continue
        median = statistics.median(samples[name])
        results.append(ColdStart(name, median, tuple(samples[name]), modules[name], median / floor, is_api_path(info)))
    return results


def _importtime(info: FunctionInfo, python: str) -> subprocess.CompletedProcess[str]:
    """`python -X importtime` of the handler in its own sandbox-like environment; the report is on stderr."""
    paths = [str(p) for p in (info.code_dir, *info.layer_dirs)]
    env = _environment({**info.environment, "PYTHONPATH": os.pathsep.join(paths)})
    return subprocess.run(
        [python, "-X", "importtime", "-c", f"import {info.module}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(info.code_dir),
        check=False,
        timeout=120,
    )


def import_profile(info: FunctionInfo, python: str = sys.executable, top: int = 12) -> list[tuple[str, float]]:
    """`python -X importtime` of the handler, self time summed by top-level package (ms), largest first."""
    done = _importtime(info, python)
    by_package: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        parts = line.replace("import time:", "").split("|")
        if len(parts) != 3 or "self" in parts[0]:
            continue
        self_us, name = int(parts[0]), parts[2].strip()
        by_package[name.split(".")[0]] += self_us / 1000
    return sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:top]


def cumulative_imports(info: FunctionInfo, modules: Sequence[str], python: str = sys.executable) -> dict[str, float]:
    """Cumulative -X importtime (ms) of named modules when the handler is imported (where they are first pulled)."""
    done = _importtime(info, python)
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.replace("import time:", "").split("|")
        if len(parts) != 3 or "cumulative" in parts[1]:
            continue
        name = parts[2].strip()
        if name in modules and name not in found:
            found[name] = int(parts[1]) / 1000
    return found
