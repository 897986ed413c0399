"""The gzipped size of the JavaScript a first visit loads: the scripts index.html names and what they import."""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path


def first_load(dist: Path) -> dict[str, int]:
    """Each script of the first load with its gzipped size (level 9, as a CDN would serve it)."""
    index = (dist / "index.html").read_text(encoding="utf-8")
    pending = re.findall(r'(?:src|href)="/(assets/[^"]+\.js)"', index)
    sizes: dict[str, int] = {}
    while pending:
        name = pending.pop()
        if name in sizes:
            continue
        text = (dist / name).read_bytes()
        sizes[name] = len(gzip.compress(text, compresslevel=9))
        # Static imports load with the page; import("...") chunks (oidc-client-ts on AWS only) load on demand.
        static = re.findall(rb'(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?"\./([^"]+\.js)"', text)
        pending += [f"assets/{s.decode()}" for s in static]
    return sizes


if __name__ == "__main__":
    found = first_load(Path(sys.argv[1]))
    for script, size in sorted(found.items()):
        print(f"{script}\t{size / 1024:.1f} KB gzipped")
    print(f"first load\t{sum(found.values()) / 1024:.1f} KB of JavaScript, gzipped")
