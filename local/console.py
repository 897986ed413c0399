"""The desk console on the local stack: the built app, its /config.json, the hosted UI, and the API under /api.

On AWS, CloudFront serves the same files from S3 and Cognito's hosted UI signs people in. Here this server
is both: the console signs in through the same authorization code flow with PKCE (local/hosted_ui.py, whose
login page lists the demo users), and reaches the HTTP API through /api on the same origin, which is handled
by the very same in-process API front as direct calls, so no CORS is involved. Scripts that need a token
without a browser take the same flow, or `python -m local token USER`.
"""

from __future__ import annotations

import json
import mimetypes
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local import seed as demo
from local.auth import DevKey
from local.hosted_ui import AppClient, HostedUi
from local.httpapi import HttpApiServer
from local.provision import HttpApiSpec

DIST = Path(__file__).resolve().parent.parent / "console" / "dist"
API_PREFIX = "/api"


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """What the console's /config.json says on the local stack."""

    timezone: str

    def document(self, origin: str, hosted_ui: HostedUi | None) -> dict[str, Any]:
        """As on AWS, with the hosted UI on this origin; the user pool's discovery document is fetched here too."""
        users = [
            {"key": u.key, "name": u.name, "role": u.role, "what": u.what, "language": u.language}
            for u in demo.DEMO_USERS
        ]
        sign_in = (
            {
                "authority": hosted_ui.config.issuer,
                "metadataUrl": f"{origin}/.well-known/openid-configuration",
                "clientId": hosted_ui.client_id,
                "hostedUiUrl": origin,
            }
            if hosted_ui
            else {}
        )
        return {"mode": "local", "apiUrl": API_PREFIX, **sign_in, "users": users, "timezone": self.timezone}


def hosted_ui_for(api: HttpApiSpec, key: DevKey, cognito: Any) -> HostedUi | None:
    """The hosted UI of the API's JWT authorizer: its user pool (the issuer's last segment) and app clients."""
    config = next((route.authorizer for route in api.routes if route.authorizer), None)
    if config is None:
        return None
    pool_id = config.issuer.rstrip("/").rsplit("/", 1)[-1]
    clients = []
    for client_id in config.audience:
        try:
            described = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
        except cognito.exceptions.ResourceNotFoundException:
            continue  # an audience from outside the template's pool signs in elsewhere
        clients.append(AppClient.from_cognito(described["UserPoolClient"]))
    return HostedUi(key, config, clients)


def reserve(host: str, port: int) -> socket.socket:
    """Bind the console's port before the stack is provisioned: its origin goes into the template's CORS rules."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as err:
        listener.close()
        raise SystemExit(f"the console's port {port} is in use ({err.strerror}): pass --console-port N") from err
    return listener


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listener: socket.socket, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(listener.getsockname(), handler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.server_activate()


class ConsoleServer:
    """Serves console/dist (any unknown path is the single-page app's index.html) beside the HTTP API."""

    def __init__(
        self,
        listener: socket.socket,
        api: HttpApiServer,
        settings: ConsoleSettings,
        hosted_ui: HostedUi | None,
        dist: Path = DIST,
    ) -> None:
        front = self
        self.api = api
        self.hosted_ui = hosted_ui
        self.settings = settings
        self.dist = dist.resolve()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "PropDeskConsole"

            def log_message(self, format: str, *args: Any) -> None:
                """The API's invocations are logged by the stack; static files need no log."""

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = front.handle(
                    self.command, self.path, list(self.headers.items()), body, self.client_address[0]
                )
                self._send(status, headers, payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815

        self.httpd = _Server(listener, Handler)
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="console", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        path = target.split("?", 1)[0]
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            response = self.api.handle(method, target[len(API_PREFIX) :] or "/", headers, body, source_ip)
            return response.status, response.headers, response.body
        # The browser's own view of this origin (127.0.0.1 or localhost): redirects must come back to it.
        origin = "http://" + ({k.lower(): v for k, v in headers}.get("host") or f"127.0.0.1:{self.port}")
        if path == "/config.json":
            return _json(200, self.settings.document(origin, self.hosted_ui))
        if path in HostedUi.PATHS and self.hosted_ui is not None:
            return self.hosted_ui.handle(method, origin + target, dict(headers), body)
        if method not in ("GET", "HEAD"):
            return _json(405, {"message": "Method Not Allowed"})
        return self._static(path)

    def _static(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        if not (self.dist / "index.html").exists():
            message = "the console is not built yet: run `make console`, then reload"
            return 503, [("content-type", "text/plain; charset=utf-8")], message.encode()
        wanted = (self.dist / path.lstrip("/")).resolve()
        if not wanted.is_relative_to(self.dist) or not wanted.is_file():
            wanted = self.dist / "index.html"  # the app's own routes, and nothing outside dist
        content_type = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        # Built assets carry a content hash in their names; index.html must always be fresh.
        cache = "public, max-age=31536000, immutable" if "/assets/" in path else "no-cache"
        return 200, [("content-type", content_type), ("cache-control", cache)], wanted.read_bytes()


def _json(status: int, body: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    data = json.dumps(body, ensure_ascii=False).encode()
    return status, [("content-type", "application/json"), ("cache-control", "no-store")], data
