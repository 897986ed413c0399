"""The machine and versions a benchmark ran on."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def describe() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text(encoding="utf-8").split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "load average at start": load,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "boto3": version("boto3"),
        "botocore": version("botocore"),
        "moto": version("moto"),
        "pynamodb": version("pynamodb"),
        "aws-lambda-powertools": version("aws-lambda-powertools"),
    }
