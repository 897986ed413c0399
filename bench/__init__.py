"""PropDesk benchmarks and the cost model (issue 7): `make bench` writes BENCHMARKS.md.

Run from the repository root: `.venv/bin/python -m bench [SECTION ...]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for _path in (ROOT / "layers" / "core", ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
