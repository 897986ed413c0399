"""Call the API function in-process with API Gateway HTTP API (v2) events, as AWS sends them."""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def load_function(name: str) -> ModuleType:
    """Import functions/<name>/app.py under a unique module name, its folder on sys.path like Lambda."""
    folder = ROOT / "functions" / name
    module_name = f"propdesk_fn_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location(module_name, folder / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


class LambdaContext:
    function_name = "ApiFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ApiFunction"
    aws_request_id = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def http_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: str | None = None,
    claims: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    base64_body: bool = False,
    raw_bytes: bytes | None = None,
) -> dict[str, Any]:
    """An HTTP API event; a header given as None is left out, raw_bytes arrive base64-encoded (as API Gateway)."""
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    given = {k.lower(): v for k, v in (headers or {}).items()}
    hdrs = {k: v for k, v in {"content-type": "application/json", **given}.items() if v is not None}
    query_string = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "ANY /{proxy+}",
        "rawPath": path,
        "rawQueryString": query_string,
        "headers": hdrs,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.com",
            "domainPrefix": "api",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t"},
            "requestId": str(uuid.uuid4()),
            "routeKey": "ANY /{proxy+}",
            "stage": "$default",
            "time": "22/Nov/2026:06:00:00 +0000",
            "timeEpoch": 1795327200000,
        },
        "pathParameters": {"proxy": path.lstrip("/")},
        "isBase64Encoded": base64_body,
    }
    if query:
        event["queryStringParameters"] = query
    if raw_bytes is not None:
        event["body"] = base64.b64encode(raw_bytes).decode()
        event["isBase64Encoded"] = True
    elif text is not None:
        event["body"] = base64.b64encode(text.encode()).decode() if base64_body else text
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return event


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def error(self) -> str | None:
        return self.body.get("error") if isinstance(self.body, dict) else None


class ApiClient:
    """Drives the API handler the way API Gateway would, as a given user."""

    def __init__(self) -> None:
        self.module = load_function("api")

    def call(self, method: str, path: str, user: dict[str, Any] | None = None, **kwargs: Any) -> Reply:
        claims = None if user is None else {"sub": user["sub"], "cognito:groups": user["groups"]}
        response = self.module.lambda_handler(http_event(method, path, claims=claims, **kwargs), LambdaContext())
        raw = response.get("body") or ""
        if response.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw
        return Reply(response["statusCode"], parsed, response.get("headers") or {})

    def get(self, path: str, user: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return self.call("GET", path, user, **kw)

    def post(self, path: str, user: dict[str, Any] | None = None, body: Any = None, **kw: Any) -> Reply:
        return self.call("POST", path, user, body=body, **kw)

    def put(self, path: str, user: dict[str, Any] | None = None, body: Any = None, **kw: Any) -> Reply:
        return self.call("PUT", path, user, body=body, **kw)


def reset_api_state() -> None:
    """A new sandbox: forget the API's services, settings and caches built against the last moto account."""
    deps = sys.modules.get("routes.deps")
    if deps is not None:
        for name in (
            "directory_cache",
            "ticket_service",
            "directory_service",
            "limits",
            "sms_sender",
            "register_service",
        ):
            getattr(deps, name).cache_clear()
    settings_module = sys.modules.get("api_settings")
    if settings_module is not None:
        settings_module.settings.cache_clear()
    zones_routes = sys.modules.get("routes.zones")
    if zones_routes is not None:
        zones_routes.zone_service.cache_clear()
    tickets_routes = sys.modules.get("routes.tickets")
    if tickets_routes is not None:
        tickets_routes._PERSISTENCE.clear()
