"""The one step every request body passes before a route sees it: a JSON object in UTF-8, or a 4xx.

Powertools' resolver would otherwise read a body without a content type as JSON, parse forms and
multipart bodies for routes that take none, and let a UnicodeDecodeError or RecursionError escape
as a 500. Here the body is decoded once, strictly, and handed on as plain UTF-8 JSON text.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class BodyRefused(Exception):
    """Why a body was refused, in the API's error shape."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = field(default_factory=list)


def _media_type(headers: dict[str, Any]) -> tuple[str, dict[str, str]]:
    raw = next((str(v) for k, v in headers.items() if k.lower() == "content-type"), "")
    kind, _, rest = raw.partition(";")
    params = {}
    for part in rest.split(";"):
        name, _, value = part.partition("=")
        if name.strip():
            params[name.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), params


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def normalise(event: dict[str, Any]) -> None:
    """Leave `event` with no body or with a UTF-8 JSON object as text; raise BodyRefused otherwise."""
    method = str(event.get("requestContext", {}).get("http", {}).get("method", "")).upper()
    raw = event.get("body")
    if not raw:
        event["body"] = None
        return
    if method not in BODY_METHODS:
        event["body"] = None  # no read route takes a body: what a client sent with a GET is not looked at
        event["isBase64Encoded"] = False
        return
    kind, params = _media_type(event.get("headers") or {})
    if kind != "application/json" or params.get("charset", "utf-8") != "utf-8":
        raise BodyRefused(
            415,
            "unsupported_media_type",
            "the request body must be JSON in UTF-8 (Content-Type: application/json)",
            [{"field": "content-type", "problem": f"{kind or 'missing'} is not application/json in UTF-8"}],
        )
    try:
        data = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else str(raw).encode()
        text = data.decode("utf-8")  # strict: overlong forms, lone surrogates and UTF-16 are refused
    except (binascii.Error, UnicodeError) as err:
        raise BodyRefused(
            400, "malformed_body", "the request body is not UTF-8 text", [{"field": "body", "problem": "not UTF-8"}]
        ) from err
    try:
        parsed = json.loads(text, parse_constant=_no_constant)
    except ValueError as err:
        raise BodyRefused(
            400, "malformed_json", "the request body is not valid JSON", [{"field": "body", "problem": str(err)}]
        ) from err
    except RecursionError as err:
        raise BodyRefused(
            400, "malformed_json", "the request body nests too deeply", [{"field": "body", "problem": "too deep"}]
        ) from err
    if not isinstance(parsed, dict):
        raise BodyRefused(
            422,
            "validation_failed",
            "invalid request: body",
            [{"field": "body", "problem": "must be a JSON object", "type": "model_type"}],
        )
    event["body"] = text
    event["isBase64Encoded"] = False
    event["headers"] = {
        **{k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"},
        "content-type": "application/json",
    }
