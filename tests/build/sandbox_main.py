"""Run inside a bare python3.13 (-I -S): import one built handler as Lambda would and invoke it once.

argv[1] is JSON: the sys.path entries Lambda would give (artifact, layer, runtime), the handler and the event.
"""

import importlib
import json
import sys
import sysconfig
import traceback
from pathlib import Path

config = json.loads(sys.argv[1])
sys.path[:0] = config["path"]


class Context:
    function_name = config["function"]
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{config['function']}"
    aws_request_id = "build-check"
    log_group_name = f"/aws/lambda/{config['function']}"
    log_stream_name = "build-check"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def outside() -> list[str]:
    """Modules loaded from anywhere but the given folders and the standard library: must be none."""
    allowed = (*config["path"], sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
    files = {
        name: getattr(module, "__file__", None)
        for name, module in list(sys.modules.items())
        if name not in ("__main__", "__mp_main__")
    }
    return sorted(f"{name}: {path}" for name, path in files.items() if path and not path.startswith(allowed))


answer: dict[str, object] = {}
try:
    module_name, _, attribute = config["handler"].rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    answer["imported"] = True
    event = json.loads(Path(config["event"]).read_text(encoding="utf-8"))
    answer["result"] = handler(event, Context())
except Exception as err:  # noqa: BLE001 - reported to the test as Lambda would report it
    answer["errorType"] = type(err).__name__
    answer["errorMessage"] = str(err)
    answer["stackTrace"] = traceback.format_exc()
answer["outside"] = outside()
print("\n" + json.dumps(answer, default=str, ensure_ascii=False))
