"""`sam build`'s output runs on Lambda: every built handler imports and answers its sample event.

Each function runs in a bare python3.13 (`-I -S`, no venv, no site-packages) that sees only what Lambda
would put on its path: the function's artifact folder, the layer's python/ folder and the runtime's boto3.
The layer is built for arm64; its binary packages (pydantic_core, aiohttp...) are stood in by host builds
of the same pinned versions, and nothing else is added. AWS is a moto server provisioned from the built
template, so a missing dependency, a bad handler path or an import that cannot run fails here, not on AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local.provision import Provisioner
from local.template import LOCAL_PARAMETERS, Template

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"
CHECK = ROOT / ".aws-sam" / "lambda-check"  # stand-ins and the runtime's boto3, cached between runs
EVENTS = ROOT / "events"
SAM = ROOT / ".venv-tools" / "bin" / "sam"
BARE_PYTHON = getattr(sys, "_base_executable", sys.executable)  # the interpreter behind the venv
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"

Check = Callable[[Any], bool]


def _status(code: int, text: str = "") -> Check:
    return lambda r: isinstance(r, dict) and r.get("statusCode") == code and text in str(r.get("body", ""))


_NO_FAILURES: Check = lambda r: r == {"batchItemFailures": []}  # noqa: E731

# function logical id -> (sample event under events/, what its answer must look like)
SAMPLES: dict[str, list[tuple[str, Check]]] = {
    "ApiFunction": [("api-create-ticket.json", _status(201, "SUN-"))],
    "IntakeFunction": [
        ("intake-twilio-sms.json", _status(200, "SUN-")),
        ("intake-twilio-voice.json", _status(200, "<Response>")),
    ],
    "SmsInboundFunction": [("sqs-inbound-sms.json", _NO_FAILURES)],
    "ConnectFunction": [("connect-contact-flow-create.json", lambda r: r["ticketNumber"].startswith("SUN-"))],
    "NotifierFunction": [("sqs-notice.json", _NO_FAILURES)],
    "WorkflowStepFunction": [("workflow-step-timer.json", lambda r: "plan" in r)],
    "WorkflowStarterFunction": [("dynamodb-stream-ticket-created.json", _NO_FAILURES)],
    "SweepFunction": [
        ("schedule-sweep.json", lambda r: r["tasks"] == ["prop-sun"]),
        ("schedule-handover.json", lambda r: [h["to_shift"] for h in r["handovers"]] == ["control_room"]),
    ],
    "ReportsFunction": [("schedule-daily-report.json", lambda r: r.get("report") == "daily" and r.get("keys"))],
}
CASES = [(function, event, check) for function, samples in SAMPLES.items() for event, check in samples]


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=False, capture_output=True, text=True, **kwargs)  # noqa: S603


def _sam_build() -> Template:
    if not SAM.exists():
        pytest.fail("aws-sam-cli is missing: run `make setup` (the tools venv)")
    env = {**os.environ, "PATH": f"{Path(BARE_PYTHON).parent}:{os.environ['PATH']}", "SAM_CLI_TELEMETRY": "0"}
    built = _run([str(SAM), "build", "--template", "template.yaml", "--cached", "--parallel"], cwd=ROOT, env=env)
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    assert "file not found" not in built.stdout + built.stderr, "a function's requirements.txt is missing"
    return Template.from_file(
        BUILD / "template.yaml", parameters=LOCAL_PARAMETERS, region=REGION, account_id=ACCOUNT_ID
    )


def _pip_target(target: Path, requirements: list[str], *options: str) -> Path:
    """pip install --target, redone only when the requirement list changes."""
    marker = target / ".requirements"
    wanted = "\n".join([*sorted(requirements), *options])
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted:
        return target
    target.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(target)]
    done = _run([*args, "--upgrade", "--only-binary=:all:", *options, *requirements])
    assert done.returncode == 0, done.stderr[-4000:]
    marker.write_text(wanted, encoding="utf-8")
    return target


def _binary_packages(folder: Path) -> list[str]:
    """`name==version` of every package in a built folder whose wheel is platform-specific (not *-none-any)."""
    pins = []
    for wheel in sorted(folder.glob("*.dist-info/WHEEL")):
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
        if tags and not all(tag.endswith("-none-any") for tag in tags):
            name, _, version = wheel.parent.name.removesuffix(".dist-info").partition("-")
            pins.append(f"{name}=={version}")
    return pins


def _stand_ins(folder: Path) -> list[str]:
    pins = _binary_packages(folder)
    if not pins:
        return []
    target = CHECK / "stand-ins" / folder.parent.name if folder.name == "python" else CHECK / "stand-ins" / folder.name
    # Only the binary packages themselves: their dependencies are already in the artifact.
    return [str(_pip_target(target, pins, "--no-deps"))]


@pytest.fixture(scope="module")
def built() -> Template:
    return _sam_build()


@pytest.fixture(scope="module")
def runtime_boto3() -> Path:
    pins = [
        line for line in (ROOT / "requirements" / "lambda-runtime.txt").read_text().splitlines() if line[:1].isalnum()
    ]
    return _pip_target(CHECK / "runtime", pins)


# The local stack's demo directory the samples name, and the ticket the workflow samples name (the stream
# sample's new image).
SEED = """
import json, sys, boto3
from local.seed import seed
directory, tickets, stream = sys.argv[1:]
seed(directory)
image = json.load(open(stream, encoding="utf-8"))["Records"][0]["dynamodb"]["NewImage"]
boto3.client("dynamodb").put_item(TableName=tickets, Item=image)
"""


class _Resources(Provisioner):
    """The built template's resources on moto, without event source mappings: each handler is invoked here."""

    def _events(self, logical_id: str, events: Any) -> None:
        return None


@pytest.fixture(scope="module")
def stack(built: Template) -> Iterator[Any]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    aws = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # moto's fake credentials
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    sandbox = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC", "HOME": str(CHECK), **aws}
    try:
        resources = _Resources(built, endpoint, sandbox).provision()
        directory = resources.functions["ApiFunction"].environment["DIRECTORY_TABLE"]
        tickets = resources.functions["ApiFunction"].environment["TICKETS_TABLE"]
        seeded = _run(
            [sys.executable, "-c", SEED, directory, tickets, str(EVENTS / "dynamodb-stream-ticket-created.json")],
            cwd=ROOT,
            env={**sandbox, "PATH": os.environ["PATH"], "PYTHONPATH": f"{ROOT / 'layers' / 'core'}:{ROOT}"},
        )
        assert seeded.returncode == 0, seeded.stderr[-4000:]
        yield resources
    finally:
        server.stop()


def test_every_function_of_the_template_has_a_sample_event(built):
    functions = {lid for lid, r in built.resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert set(SAMPLES) == functions
    assert all((EVENTS / event).is_file() for event, _ in (s for samples in SAMPLES.values() for s in samples))


@pytest.mark.parametrize(("function", "event", "check"), CASES, ids=[f"{f}-{e}" for f, e, _ in CASES])
def test_built_handler_imports_and_answers_its_sample_event(function, event, check, stack, runtime_boto3):
    spec = stack.functions[function]
    folders = [spec.code_dir, *spec.layer_dirs]
    stand_ins = [path for folder in folders for path in _stand_ins(Path(folder))]
    config = {
        "function": function,
        "path": [*stand_ins, *map(str, folders), str(runtime_boto3)],
        "handler": spec.handler,
        "event": str(EVENTS / event),
    }
    ran = _run(
        [BARE_PYTHON, "-I", "-S", str(Path(__file__).with_name("sandbox_main.py")), json.dumps(config)],
        cwd=spec.code_dir,
        env=spec.environment,
        timeout=120,
    )
    lines = ran.stdout.strip().splitlines()
    assert ran.returncode == 0 and lines, ran.stderr[-4000:]
    answer = json.loads(lines[-1])
    assert "errorType" not in answer, (
        f"{answer.get('errorType')}: {answer.get('errorMessage')}\n{answer.get('stackTrace')}"
    )
    assert answer["outside"] == []
    assert check(answer["result"]), answer["result"]
