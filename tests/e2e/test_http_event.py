"""The API Gateway v2 event the local front builds, and how it maps a handler's answer back to HTTP."""

from __future__ import annotations

import base64
import json

import pytest

from local.auth import JwtConfig
from local.httpapi import Router, build_event, map_response
from local.provision import HttpApiSpec, Route

pytestmark = pytest.mark.e2e

JWT = JwtConfig(issuer="https://issuer", audience=("client",))
API = HttpApiSpec(
    "HttpApi",
    "httpapi000",
    "Jwt",
    {"Jwt": JWT},
    routes=[
        Route("HttpApi", "ANY", "/{proxy+}", "Api", JWT),
        Route("HttpApi", "GET", "/openapi.json", "Api", None),
        Route("HttpApi", "POST", "/webhooks/{channel}", "Hooks", None),
    ],
)


def _event(method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> dict[str, object]:
    route, params = Router(API).match(method, target.split("?")[0]) or (None, {})
    assert route is not None
    path, _, query = target.partition("?")
    return build_event(
        route=route,
        api=API,
        account_id="123456789012",
        region="us-east-1",
        method=method,
        raw_path=path,
        raw_query=query,
        headers=headers,
        body=body,
        source_ip="127.0.0.1",
        path_parameters=params,
        claims={"sub": "u1", "cognito:groups": ["resident", "desk_agent"], "exp": 5},
        now=0,
    )


def test_the_most_specific_route_wins() -> None:
    router = Router(API)

    assert router.match("GET", "/openapi.json")[0].authorizer is None  # type: ignore[index]
    assert router.match("POST", "/openapi.json")[0].path == "/{proxy+}"  # type: ignore[index]
    assert router.match("POST", "/webhooks/sms")[1] == {"channel": "sms"}  # type: ignore[index]
    assert router.match("GET", "/tickets/t1/events")[1] == {"proxy": "tickets/t1/events"}  # type: ignore[index]


def test_a_form_post_arrives_base64_encoded_with_its_headers_and_query() -> None:
    event = _event(
        "POST",
        "/webhooks/sms?a=1&a=2&b=",
        [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", "sig"), ("Cookie", "k=v; s=t")],
        b"From=%2B8613800000001&Body=hi",
    )

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(str(event["body"])) == b"From=%2B8613800000001&Body=hi"
    assert event["rawQueryString"] == "a=1&a=2&b="
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["cookies"] == ["k=v", "s=t"]
    headers = event["headers"]
    assert isinstance(headers, dict) and headers["x-twilio-signature"] == "sig" and "cookie" not in headers
    assert event["routeKey"] == "POST /webhooks/{channel}"


def test_json_bodies_stay_text_and_claims_are_strings_like_api_gateway_sends_them() -> None:
    event = _event("POST", "/tickets", [("content-type", "application/json")], json.dumps({"k": "漏水"}).encode())

    assert event["isBase64Encoded"] is False and json.loads(str(event["body"])) == {"k": "漏水"}
    context = event["requestContext"]
    assert isinstance(context, dict)
    assert context["authorizer"]["jwt"]["claims"] == {
        "sub": "u1",
        "cognito:groups": "[resident desk_agent]",
        "exp": "5",
    }
    assert context["http"]["method"] == "POST" and context["routeKey"] == "ANY /{proxy+}"


def test_handler_answers_map_back_to_http() -> None:
    full = map_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "text/xml"},
            "cookies": ["a=1", "b=2"],
            "body": base64.b64encode(b"<Response/>").decode(),
            "isBase64Encoded": True,
        }
    )
    bare = map_response({"ok": True})

    assert (full.status, full.body) == (201, b"<Response/>")
    assert ("set-cookie", "a=1") in full.headers and ("set-cookie", "b=2") in full.headers
    assert (bare.status, json.loads(bare.body)) == (200, {"ok": True})
