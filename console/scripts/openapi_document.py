"""Write the API's OpenAPI document to a file without a running stack; the console's typed client comes from it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(target: str) -> None:
    # The api function's folder and the domain layer on the path, as Lambda lays them out.
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT / "functions" / "api")]
    import app  # importable only once the paths above are set

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(app.app.get_openapi_json_schema(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
