"""The HTTP API front: HTTP request -> API Gateway v2 (payload 2.0) event -> worker -> HTTP response."""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from local.auth import DevKey, Unauthorized, claims_as_api_gateway, scopes_of, verify
from local.provision import HttpApiSpec, Route
from local.workers import Workers

# Bodies API Gateway passes as text; everything else (forms, binaries, no type) arrives base64-encoded.
_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|xml|javascript|.*\+json|.*\+xml))$")


@dataclass(frozen=True, slots=True)
class _Compiled:
    route: Route
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    rank: tuple[int, ...]


def _compile(route: Route) -> _Compiled:
    if route.path == "$default":
        return _Compiled(route, re.compile(".*"), (), (3, 0, 0, 1))
    parts, names, greedy, variables = [], [], 0, 0
    for segment in route.path.strip("/").split("/"):
        match = re.fullmatch(r"\{([^}]+)\}", segment)
        if match and match.group(1).endswith("+"):
            names.append(match.group(1)[:-1])
            parts.append("(.+)")
            greedy += 1
        elif match:
            names.append(match.group(1))
            parts.append("([^/]+)")
            variables += 1
        else:
            parts.append(re.escape(segment))
    pattern = re.compile("/" + "/".join(parts) if parts != [""] else "/")
    literal = len([p for p in parts if not p.startswith("(")])
    # API Gateway picks the most specific route: no greedy variable, fewer variables, more literals, a method.
    rank = (greedy, variables, -literal, 1 if route.method == "ANY" else 0)
    return _Compiled(route, pattern, tuple(names), rank)


class Router:
    """The routes of one HttpApi, matched the way API Gateway matches them."""

    def __init__(self, api: HttpApiSpec) -> None:
        self.api = api
        self._routes = sorted((_compile(r) for r in api.routes), key=lambda c: c.rank)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for compiled in self._routes:
            if compiled.route.method not in ("ANY", method):
                continue
            found = compiled.pattern.fullmatch(path)
            if found:
                params = {name: unquote(value) for name, value in zip(compiled.names, found.groups(), strict=True)}
                return compiled.route, params
        return None


def build_event(
    *,
    route: Route,
    api: HttpApiSpec,
    account_id: str,
    region: str,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, Any] | None,
    now: float,
) -> dict[str, Any]:
    """The payload 2.0 event exactly as API Gateway HTTP APIs deliver it."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    joined.setdefault("x-forwarded-for", source_ip)
    joined.setdefault("x-forwarded-proto", "http")
    request_id = base64.b32encode(uuid.uuid4().bytes[:10]).decode().rstrip("=")
    joined["x-amzn-trace-id"] = f"Root=1-{int(now):08x}-{uuid.uuid4().hex[:24]}"
    domain = joined.get("host", f"{api.api_id}.execute-api.{region}.amazonaws.com")
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": {
            "accountId": account_id,
            "apiId": api.api_id,
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        query: dict[str, str] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if claims is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": claims_as_api_gateway(claims), "scopes": scopes_of(claims)}
        }
    if body:
        content_type = joined.get("content-type", "").split(";")[0].strip().lower()
        text = None
        if _TEXT_TYPES.match(content_type):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        if text is None:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = text
    return event


@dataclass(slots=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def map_response(payload: Any) -> HttpResponse:
    """The handler's return value as API Gateway turns it into HTTP (payload format 2.0)."""
    if not (isinstance(payload, dict) and "statusCode" in payload):
        # A 2.0 response without statusCode is taken as a JSON body with status 200.
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return HttpResponse(200, [("content-type", "application/json")], text.encode())
    headers: list[tuple[str, str]] = []
    for name, value in (payload.get("headers") or {}).items():
        headers.append((name, str(value)))
    for name, values in (payload.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(v)) for v in values)
    headers.extend(("set-cookie", str(cookie)) for cookie in payload.get("cookies") or [])
    raw = payload.get("body")
    body: bytes
    if raw is None:
        body = b""
    elif payload.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    else:
        body = str(raw).encode("utf-8")
    if not any(name.lower() == "content-type" for name, _ in headers) and body:
        headers.append(("content-type", "application/json"))
    return HttpResponse(int(payload["statusCode"]), headers, body)


def _json_response(status: int, message: str, extra: list[tuple[str, str]] | None = None) -> HttpResponse:
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, [("content-type", "application/json"), *(extra or [])], body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early (curl | head) is not an error of the runtime."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HttpApiServer:
    """Serves one HttpApi on a loopback port; every request is one invoke of its route's function."""

    def __init__(
        self,
        api: HttpApiSpec,
        workers: Workers,
        key: DevKey,
        *,
        host: str,
        port: int,
        account_id: str,
        region: str,
    ) -> None:
        self.api = api
        self.router = Router(api)
        self.workers = workers
        self.key = key
        self.account_id = account_id
        self.region = region
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "PropDeskLocal"

            def log_message(self, format: str, *args: Any) -> None:
                """The invocation log says what matters; no second access log."""

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                response = front.handle(
                    self.command, self.path, list(self.headers.items()), body, self.client_address[0]
                )
                self.send_response(response.status)
                for name, value in response.headers:
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            # BaseHTTPRequestHandler dispatches on do_<METHOD>; every method takes the same path.
            # TRACE and CONNECT too: http.server would answer them with an HTML page of its own.
            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve  # noqa: N815
            do_TRACE = do_CONNECT = _serve  # noqa: N815

        self.httpd = _QuietServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=f"http-{api.logical_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
    ) -> HttpResponse:
        request_id = str(uuid.uuid4())
        extra = [("apigw-requestid", request_id)]
        split = urlsplit(target)
        matched = self.router.match(method, split.path)
        if matched is None:
            return _json_response(404, "Not Found", extra)
        route, params = matched
        claims: dict[str, Any] | None = None
        if route.authorizer is not None:
            authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
            try:
                claims = verify(self.key, route.authorizer, authorization)
            except Unauthorized:
                return _json_response(
                    401, "Unauthorized", [*extra, ("www-authenticate", 'Bearer error="invalid_token"')]
                )
            granted = set(scopes_of(claims) or [])
            if route.scopes and not granted & set(route.scopes):
                return _json_response(403, "Forbidden", extra)
        event = build_event(
            route=route,
            api=self.api,
            account_id=self.account_id,
            region=self.region,
            method=method,
            raw_path=split.path,
            raw_query=split.query,
            headers=headers,
            body=body,
            source_ip=source_ip,
            path_parameters=params,
            claims=claims,
            now=time.time(),
        )
        outcome = self.workers.invoke(route.function, event, "http", f"{method} {target[:60]}")
        if not outcome.ok:
            return _json_response(500, "Internal Server Error", extra)
        try:
            response = map_response(outcome.payload)
        except (TypeError, ValueError, KeyError):
            return _json_response(502, "Internal Server Error", extra)
        response.headers.extend(extra)
        return response
