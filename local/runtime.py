"""Start and stop the whole local stack: moto, resources from the template, workers, HTTP, schedules."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import requests
from moto.server import ThreadedMotoServer

from local import seed as demo
from local.activity import Activity
from local.auth import DevKey, JwtConfig, issue_token, state_dir
from local.console import ConsoleServer, ConsoleSettings, hosted_ui_for, reserve
from local.httpapi import HttpApiServer
from local.log import log_line
from local.moto_patches import (
    WarpClock,
    install_lambda_seam,
    install_s3_mirror,
    install_time_warp,
    outbox,
    serialise_dynamodb,
)
from local.provision import Provisioner, Stack
from local.scheduler import Scheduler
from local.sfn_watch import ExecutionWatcher
from local.template import LOCAL_PARAMETERS, Template, TemplateError, load_file
from local.workers import Workers

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
ADVANCE_MAX_STOPS = 2000  # a clock jump over weeks of reminders still ends
SETTLE_TIMEOUT_S = 30.0
SETTLE_POLL_S = 0.02


@dataclass
class Options:
    template: Path = ROOT / "template.yaml"
    host: str = "127.0.0.1"
    port: int = 3000
    warp: float = 1.0
    parameters: dict[str, str] = field(default_factory=dict)
    state: Path = ROOT / ".local"
    echo_logs: bool = False
    seed: bool = True
    console_port: int | None = None  # None: the port after the APIs' (0 when they take any free port)
    start: datetime | None = None  # the warped instant the stack starts at (default: now)
    workflow_invoke_delay_s: float = 0.0  # for tests: each Lambda invoke of a state machine starts this much later


class LocalStack:
    """The running stack; `start` brings it up, `stop` takes every piece down again."""

    def _parameters(self, console_origins: list[str]) -> dict[str, str]:
        """The template's local development values (where it declares them), then the caller's overrides."""
        declared = (load_file(self.options.template) or {}).get("Parameters") or {}
        local = dict(LOCAL_PARAMETERS)
        if "AllowedOrigins" in declared:
            # The console uploads photos straight to the attachments bucket, whose CORS rules name the origins.
            default = str(declared["AllowedOrigins"].get("Default", ""))
            local["AllowedOrigins"] = ",".join([*console_origins, *filter(None, default.split(","))])
        return {**{k: v for k, v in local.items() if k in declared}, **self.options.parameters}

    def _console_port(self) -> int:
        if self.options.console_port is not None:
            return self.options.console_port
        if not self.options.port:
            return 0
        resources = (load_file(self.options.template) or {}).get("Resources") or {}
        apis = [r for r in resources.values() if r.get("Type") in ("AWS::Serverless::HttpApi", "AWS::Serverless::Api")]
        return self.options.port + max(len(apis), 1)

    def __init__(self, options: Options) -> None:
        self.options = options
        self.state = state_dir(options.state)
        self.key = DevKey.load_or_create(self.state)
        self.activity = Activity()
        self.clock = WarpClock(
            options.warp, start=options.start, file=self.state / "clock.json", activity=self.activity
        )
        self.workers = Workers(_ensure(self.state / "logs"), echo=options.echo_logs, activity=self.activity)
        self.moto: ThreadedMotoServer | None = None
        self.endpoint = ""
        self.stack = Stack()
        self.servers: list[HttpApiServer] = []
        self.scheduler: Scheduler | None = None
        self.watcher: ExecutionWatcher | None = None
        self.control: ThreadingHTTPServer | None = None
        self.console: ConsoleServer | None = None
        self._stop_seam: Callable[[], None] = _nothing
        self._unserialise: Callable[[], None] = _nothing
        self.info: dict[str, Any] = {}
        self.outputs: dict[str, str] = {}

    # ------------------------------------------------------------ start

    def start(self) -> dict[str, Any]:
        started = time.monotonic()
        self._start_moto()
        self._unserialise = serialise_dynamodb()
        if self.options.warp != 1 or self.options.start is not None:
            install_time_warp(self.clock)
        self._stop_seam = install_lambda_seam(self.workers, self.clock.now, self.options.workflow_invoke_delay_s)
        install_s3_mirror(self.options.state / "s3")
        console_listener = reserve(self.options.host, self._console_port())
        console_port = console_listener.getsockname()[1]
        origins = [f"http://{host}:{console_port}" for host in dict.fromkeys((self.options.host, "localhost"))]
        template = Template.from_file(
            self.options.template, parameters=self._parameters(origins), region=REGION, account_id=ACCOUNT_ID
        )
        self.stack = Provisioner(template, self.endpoint, self._sandbox_environment()).provision()
        for spec in self.stack.functions.values():
            self.workers.add(spec)
        seeded = self._seed() if self.options.seed else None
        self._serve_apis()
        self._serve_console(console_listener, template)
        self.outputs = _outputs(template, self.stack)
        session = boto3.session.Session(region_name=REGION)
        clients: dict[str, Any] = {}

        def client(service: str) -> Any:
            if service not in clients:
                clients[service] = session.client(service, endpoint_url=self.endpoint)
            return clients[service]

        self.scheduler = Scheduler(self.stack.schedules, self.workers, self.clock, client, ACCOUNT_ID, REGION)
        self.scheduler.start()
        self.watcher = ExecutionWatcher(client("stepfunctions"), self.stack.state_machines)
        self.watcher.start()
        self._serve_control()
        init_errors = self.workers.wait_ready()
        for function, error in init_errors.items():
            log_line(f"! {function} failed to initialise: {error.get('errorType')}: {error.get('errorMessage')}")
        self.info = self._describe(seeded, time.monotonic() - started)
        (self.state / "stack.json").write_text(json.dumps(self.info, indent=2), encoding="utf-8")
        return self.info

    def _start_moto(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # The state-machine engine calls moto's own services on MOTO_PORT; this process talks only to moto.
        os.environ.update(
            {
                "MOTO_PORT": str(port),
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
            }
        )
        response = requests.post(
            f"{self.endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10
        )
        response.raise_for_status()
        # Seeded ids: the user pool, and so the token issuer, are the same on every start.
        requests.post(f"{self.endpoint}/moto-api/seed?a=42", timeout=10).raise_for_status()

    def _sandbox_environment(self) -> dict[str, str]:
        """What every sandbox sees besides its template variables: like Lambda's, pointed at moto."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(self.state)),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            # Never read a developer's real AWS profile from inside a sandbox.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_SAM_LOCAL": "true",  # what `sam local` sets; Powertools Tracer turns itself off
            "PROPDESK_TIME_WARP": repr(self.options.warp),
            "PROPDESK_TIME_ORIGIN": self.clock.origin.isoformat(),
            "PROPDESK_TIME_FILE": str(self.clock.file),
        }

    def _seed(self) -> dict[str, Any] | None:
        tables = {spec.environment.get("DIRECTORY_TABLE") for spec in self.stack.functions.values()} - {None}
        if not tables:
            return None
        for spec in self.stack.functions.values():
            for layer in spec.layer_dirs:
                if str(layer) not in sys.path:
                    sys.path.append(str(layer))
        tickets = {spec.environment.get("TICKETS_TABLE") for spec in self.stack.functions.values()} - {None}
        books = {spec.environment.get("BOOKS_TABLE") for spec in self.stack.functions.values()} - {None}
        from propdesk import clock  # the layer is on the path now

        # The sample ticket is dispatched on the stack's clock like every later action: a stack started on
        # another day (--start) has no weeks of its timers to catch up on.
        clock.set_clock(self.clock.now)
        try:
            return demo.seed(str(next(iter(tables))), next(iter(tickets), None), next(iter(books), None))
        finally:
            clock.set_clock(None)

    def _serve_apis(self) -> None:
        port = self.options.port
        for index, api in enumerate(self.stack.apis.values()):
            server = HttpApiServer(
                api,
                self.workers,
                self.key,
                host=self.options.host,
                port=port + index if port else 0,
                account_id=ACCOUNT_ID,
                region=REGION,
            )
            server.start()
            self.servers.append(server)

    def _serve_console(self, listener: Any, template: Template) -> None:
        if not self.servers:
            listener.close()
            return
        timezone = str(template.parameters.get("PropertyTimezone") or "Asia/Shanghai")
        cognito = boto3.session.Session(region_name=REGION).client("cognito-idp", endpoint_url=self.endpoint)
        self.console = ConsoleServer(
            listener,
            self.servers[0],
            ConsoleSettings(timezone=timezone),
            hosted_ui_for(self.servers[0].api, self.key, cognito),
        )
        self.console.start()

    def _serve_control(self) -> None:
        runtime = self

        class Control(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the actions it triggers are logged."""

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body, default=str).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/sms":
                    self._reply(200, {"messages": outbox()})
                elif self.path == "/activity":
                    activity = runtime.activity.snapshot(runtime.clock.now())
                    self._reply(200, {**activity, "next_timer_s": runtime.clock.next_wait_s()})
                elif self.path == "/clock":
                    self._reply(200, {"now": runtime.clock.now().isoformat()})
                else:
                    self._reply(200, runtime.info)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                _, verb, name = [*self.path.split("/", 2), ""][:3]
                if verb == "fire" and runtime.scheduler is not None:
                    try:
                        self._reply(200, {"outcome": runtime.scheduler.fire(name)})
                    except KeyError as err:
                        self._reply(404, {"message": str(err)})
                elif verb == "clock":
                    try:
                        at = runtime.advance(datetime.fromisoformat(body["to"]))
                    except (KeyError, TypeError, ValueError) as err:
                        self._reply(400, {"message": f"clock: {err}"})
                    else:
                        self._reply(200, {"now": at.isoformat()})
                elif verb == "invoke" and runtime.workers.find(name):
                    outcome = runtime.workers.invoke(name, body, "cli")
                    self._reply(200, {"ok": outcome.ok, "payload": outcome.payload})
                else:
                    self._reply(404, {"message": f"unknown command {self.path}"})

        self.control = ThreadingHTTPServer(("127.0.0.1", 0), Control)
        self.control.daemon_threads = True
        threading.Thread(target=self.control.serve_forever, name="control", daemon=True).start()

    def _describe(self, seeded: dict[str, Any] | None, startup_s: float) -> dict[str, Any]:
        apis = {}
        for server in self.servers:
            authorizer = next((r.authorizer for r in server.api.routes if r.authorizer), None)
            apis[server.api.logical_id] = {
                "url": f"http://{self.options.host}:{server.port}",
                "issuer": authorizer.issuer if authorizer else None,
                "audience": list(authorizer.audience) if authorizer else [],
                "routes": [f"{r.route_key}{'' if r.authorizer else ' (no auth)'}" for r in server.api.routes],
            }
        assert self.control is not None
        return {
            "pid": os.getpid(),
            "apis": apis,
            "control_url": f"http://127.0.0.1:{self.control.server_address[1]}",
            "console_url": f"http://{self.options.host}:{self.console.port}" if self.console else None,
            "moto_url": self.endpoint,
            "warp": self.options.warp,
            "time_origin": self.clock.origin.isoformat(),
            "time_start": self.clock.start.isoformat(),
            "functions": sorted(self.stack.functions),
            "state_machines": sorted(self.stack.state_machines.values()),
            "schedules": [s.name for s in self.stack.schedules],
            "skipped": self.stack.skipped,
            "seeded": seeded,
            "outputs": self.outputs,
            "startup_s": round(startup_s, 2),
        }

    def advance(self, to: datetime) -> datetime:
        """Jump the clock forward to `to`, stopping at every timer and schedule due on the way: each fires at
        its own instant, and what it sets off is done before the clock moves on."""
        if to.tzinfo is None:
            raise ValueError("the instant needs a timezone")
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.holding = True
        try:
            # What runs already reaches its park first: an execution just started has not registered its timer.
            self._settle()
            for _ in range(ADVANCE_MAX_STOPS):
                candidates = [self.clock.next_wait_at(), scheduler.next_due(before=to) if scheduler else None]
                stops = [at for at in candidates if at is not None and at <= to]
                if not stops:
                    break
                self.clock.jump(min(stops), at_least_now=True)
                if scheduler is not None:
                    scheduler.deliver_due()
                self._settle()
            return self.clock.jump(to, at_least_now=True)
        finally:
            self.activity.touch()
            if scheduler is not None:
                scheduler.holding = False

    def _settle(self) -> None:
        """Wait until nothing is under way (see local.activity): no invoke, no hand-over queued, no execution
        between waking and its next park, no wait past its deadline; what the stop set off is done."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self.activity.snapshot(self.clock.now())["busy"]:
                return
            time.sleep(SETTLE_POLL_S)
        log_line(f"! the clock moved on after {SETTLE_TIMEOUT_S} s with work still running: {self._under_way()}")

    def _under_way(self) -> str:
        snapshot = self.activity.snapshot(self.clock.now())
        return ", ".join(f"{key} {n}" for key, n in snapshot.items() if key not in ("busy", "quiet_s") and n)

    # ------------------------------------------------------------ stop

    def stop(self) -> None:
        """Stop in reverse order; every worker process is waited for."""
        for piece in (self.scheduler, self.watcher):
            if piece is not None:
                piece.stop()
        if self.control is not None:
            self.control.shutdown()
            self.control.server_close()
        if self.console is not None:
            self.console.stop()
        for server in self.servers:
            server.stop()
        self._stop_seam()
        self.workers.stop()
        if self.moto is not None:
            self.moto.stop()
        self._unserialise()
        state_file = self.state / "stack.json"
        if state_file.exists() and json.loads(state_file.read_text(encoding="utf-8")).get("pid") == os.getpid():
            state_file.unlink()


def _nothing() -> None:
    """Stands in for a stop function until there is something to stop."""


def _outputs(template: Template, stack: Stack) -> dict[str, str]:
    """The template's Outputs as CloudFormation lists them, on this stack's resources, for scripts that read a
    deployed stack's outputs (make publish-console); one the local stack cannot resolve is left out."""
    outputs: dict[str, str] = {}
    for name, output in ((template.body.get("Outputs") or {}) if isinstance(template.body, dict) else {}).items():
        if "Condition" in output and not template.condition(output["Condition"]):
            continue
        try:
            outputs[name] = str(template.resolve(output["Value"], stack.physical))
        except (TemplateError, KeyError):
            continue
    return outputs


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def token_for(info: dict[str, Any], key: DevKey, user_key: str) -> str:
    """A token for a demo user, accepted by the running stack's first JWT-protected API."""
    api = next((a for a in info["apis"].values() if a["issuer"]), None)
    if api is None:
        raise LookupError("the running stack has no JWT-protected API")
    person = demo.user(user_key)
    config = JwtConfig(issuer=api["issuer"], audience=tuple(api["audience"]))
    return issue_token(key, config, sub=person.sub, groups=[person.role], username=person.key)
