"""The runtime's console: one line per event, safe to call from any thread."""

from __future__ import annotations

import sys
import threading
import time

_lock = threading.Lock()


def log_line(text: str) -> None:
    stamp = time.strftime("%H:%M:%S") + f".{int(time.time() * 1000) % 1000:03d}"
    with _lock:
        sys.stdout.write(f"{stamp} {text}\n")
        sys.stdout.flush()


def log_invocation(function: str, trigger: str, detail: str, duration_ms: float, outcome: str) -> None:
    """λ function  trigger detail  duration  outcome."""
    what = f"{trigger} {detail}".strip()
    log_line(f"λ {function:<24} {what:<44} {duration_ms:7.0f} ms  {outcome}")
