"""`python -m local`: up | token USER | users | fire SCHEDULE | clock INSTANT | invoke FUNCTION | demo."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from local import seed as demo
from local.auth import DevKey, state_dir
from local.runtime import ROOT, LocalStack, Options, token_for


def _running(state: Path) -> dict[str, Any]:
    path = state / "stack.json"
    if not path.exists():
        sys.exit(f"no local stack is running (no {path}); start one with `make local`")
    info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return info


def _banner(info: dict[str, Any], key: DevKey) -> str:
    lines = ["", f"PropDesk local stack ready in {info['startup_s']} s  (time warp x{info['warp']:g})", ""]
    if info.get("console_url"):
        lines += [f"  Desk console: {info['console_url']}   (open it and pick a demo user to sign in)", ""]
    for name, api in info["apis"].items():
        lines.append(f"  {name}: {api['url']}   docs {api['url']}/docs   OpenAPI {api['url']}/openapi.json")
    lines.append(f"  moto (AWS endpoint): {info['moto_url']}")
    lines.append(f"  functions: {', '.join(info['functions'])}")
    if info["state_machines"]:
        lines.append(f"  state machines: {', '.join(info['state_machines'])}")
    if info["schedules"]:
        lines.append(f"  schedules: {', '.join(info['schedules'])}   (fire now: python -m local fire NAME)")
    lines.append(
        "  S3 objects (reports, meeting lists, photos) are mirrored under .local/s3/<bucket>/ to open in a browser"
    )
    if info["skipped"]:
        lines.append(f"  not emulated: {', '.join(info['skipped'])}")
    if info["seeded"]:
        lines += ["", "Demo users (make token USER=...):"]
        lines += [f"  {u.key:<12} {u.name:<12} {u.role:<18} {u.what}" for u in demo.DEMO_USERS]
        url = next(iter(info["apis"].values()))["url"]
        resident = token_for(info, key, "resident")
        technician = token_for(info, key, "technician")
        lines += [
            "",
            "Try:",
            f"  curl -s {url}/openapi.json | head -c 300; echo",
            f"  curl -s -i {url}/tickets   # no token: 401",
            f"  curl -s -X POST {url}/tickets -H 'content-type: application/json' "
            f"-H 'Authorization: Bearer {resident}' "
            """-d '{"kind":"repair","description":"厨房水管漏水 the kitchen pipe is leaking"}'""",
            f"  curl -s {url}/tickets -H 'Authorization: Bearer {resident}'",
            f"  curl -s {url}/me/work -H 'Authorization: Bearer {technician}'",
            "  TOKEN=$(make -s token USER=desk); curl -s " + url + '/tickets -H "Authorization: Bearer $TOKEN"',
        ]
    lines += ["", "Ctrl-C stops everything.", ""]
    return "\n".join(lines)


def cmd_up(args: argparse.Namespace) -> int:
    parameters = dict(p.split("=", 1) for p in args.parameter or [])
    options = Options(
        template=Path(args.template),
        host=args.host,
        port=args.port,
        warp=args.warp,
        parameters=parameters,
        state=Path(args.state),
        echo_logs=args.logs,
        seed=not args.no_seed,
        console_port=args.console_port,
        start=args.start,
        workflow_invoke_delay_s=args.workflow_invoke_delay,
    )
    stop = threading.Event()

    def request_stop(signum: int, _: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack = LocalStack(options)
    try:
        info = stack.start()
        print(_banner(info, stack.key), flush=True)
        parent = os.getppid()
        # Also stop when whoever started us (make) is gone: a killed make does not forward its signal.
        while not stop.wait(0.5) and os.getppid() == parent:
            pass
    finally:
        print("stopping…", flush=True)
        stack.stop()
        print("stopped.", flush=True)
    return 0


def _instant(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text}: give a timezone, e.g. {text}+08:00")
    return at


def cmd_clock(args: argparse.Namespace) -> int:
    print(_control(args, "/clock", {"to": args.to.isoformat()})["now"])
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    state = Path(args.state)
    print(token_for(_running(state), DevKey.load_or_create(state_dir(state)), args.user))
    return 0


def cmd_users(_: argparse.Namespace) -> int:
    for user in demo.DEMO_USERS:
        print(f"{user.key:<12} {user.name:<12} {user.role:<18} {user.what}")
    return 0


def _control(args: argparse.Namespace, path: str, body: Any = None) -> Any:
    info = _running(Path(args.state))
    response = requests.post(f"{info['control_url']}{path}", json=body or {}, timeout=120)
    result = response.json()
    if response.status_code != 200:
        sys.exit(result.get("message", response.text))
    return result


def cmd_fire(args: argparse.Namespace) -> int:
    print(_control(args, f"/fire/{args.schedule}")["outcome"])
    return 0


def cmd_invoke(args: argparse.Namespace) -> int:
    event = json.loads(Path(args.event).read_text(encoding="utf-8")) if args.event else {}
    result = _control(args, f"/invoke/{args.function}", event)
    print(json.dumps(result["payload"], ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from local.demo import run_demo

    state = Path(args.state)
    if (state / "stack.json").exists():
        return run_demo(_running(state), DevKey.load_or_create(state_dir(state)))
    # No `make local` running: a fresh stack of our own on free ports, stopped afterwards.
    stack = LocalStack(Options(port=0, state=state))
    try:
        info = stack.start()
        return run_demo(info, stack.key)
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--state", default=str(ROOT / ".local"), help="folder for the dev key, logs, stack.json")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start the whole stack (make local)")
    up.add_argument("--template", default=str(ROOT / "template.yaml"))
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=3000, help="HTTP API port (0: any free port)")
    up.add_argument(
        "--console-port", type=int, default=None, help="desk console port (default: the port after the APIs')"
    )
    up.add_argument("--warp", type=float, default=1.0, help="simulated seconds per real second")
    up.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="template parameter override")
    up.add_argument(
        "--start", type=_instant, help="the instant the stack's clock starts at, e.g. 2026-12-01T09:00+08:00"
    )
    up.add_argument("--logs", action="store_true", help="echo the functions' own log lines")
    up.add_argument("--no-seed", action="store_true", help="do not create the demo property")
    up.add_argument(
        "--workflow-invoke-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="for tests: start each Lambda invoke of a state machine this many real seconds late, as a busy machine",
    )
    up.set_defaults(run=cmd_up)

    token = commands.add_parser("token", help="print a token for a demo user")
    token.add_argument("user", choices=[u.key for u in demo.DEMO_USERS])
    token.set_defaults(run=cmd_token)

    commands.add_parser("users", help="list the demo users").set_defaults(run=cmd_users)

    fire = commands.add_parser("fire", help="fire a schedule now")
    fire.add_argument("schedule")
    fire.set_defaults(run=cmd_fire)

    clock = commands.add_parser("clock", help="move the clock forward to an instant (schedules on the way fire)")
    clock.add_argument("to", type=_instant)
    clock.set_defaults(run=cmd_clock)

    invoke = commands.add_parser("invoke", help="invoke a function of the running stack")
    invoke.add_argument("function", help="logical id, name or ARN")
    invoke.add_argument("--event", help="JSON file (for example events/*.json)")
    invoke.set_defaults(run=cmd_invoke)

    demo_help = "a scripted day at the desk (against make local, or a fresh stack)"
    commands.add_parser("demo", help=demo_help).set_defaults(run=cmd_demo)

    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
