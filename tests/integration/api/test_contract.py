"""The OpenAPI document is the API's contract: auth, stable names, 201s, error bodies, examples, tags.

A client generated from it (openapi-python-client, pinned in requirements/dev.txt) drives the real
handler; an answer the document does not describe fails the generated parser or its status check.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import pytest

from tests.support.api import LambdaContext, http_event

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
LIMITED = {"create_ticket", "create_attachment"}  # the routes a per-caller limit answers 429


def document(api: Any) -> dict[str, Any]:
    reply = api.get("/openapi.json")
    assert reply.status == 200
    return reply.body


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_the_document_declares_the_bearer_jwt_every_route_needs(api):
    doc = document(api)
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A Cognito ID token; the caller's role comes from its groups.",
    }
    assert doc["security"] == [{"bearerAuth": []}]


def test_operation_ids_are_the_route_names_and_unique(api):
    ids = {f"{method.upper()} {path}": op["operationId"] for method, path, op in operations(document(api))}
    assert len(set(ids.values())) == len(ids)
    assert ids["POST /tickets"] == "create_ticket"
    assert ids["POST /properties/{property_id}/tickets"] == "create_ticket_for"
    assert ids["GET /tickets"] == "list_tickets"
    assert ids["POST /tickets/{ticket_id}/actions/classify"] == "classify_ticket"
    assert ids["POST /properties/{property_id}/staff"] == "create_staff"
    assert ids["GET /reports/{kind}/{period}"] == "get_report"


def test_creations_are_documented_with_201_and_every_route_has_a_tag(api):
    for method, path, op in operations(document(api)):
        success = {code for code in op["responses"] if code.startswith("2")}
        expected = {"201"} if op["operationId"].startswith("create_") else {"200"}
        assert success == expected, (method, path)
        assert op.get("tags"), (method, path)


def test_every_4xx_the_api_answers_is_documented_with_the_error_body(api):
    doc = document(api)
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "message", "details"]
    for method, path, op in operations(doc):
        answered = {"403", "404", "422"} | ({"400", "409", "413", "415"} if "requestBody" in op else set())
        documented = {code for code in op["responses"] if code.startswith("4")}
        assert answered | {"401", "429"} <= documented, (method, path)
        for code in documented - ({"429"} if op["operationId"] in LIMITED else set()):
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            # 401 and 429 come from API Gateway before the function runs, in its own {"message"} shape
            shape = "GatewayError" if code in ("401", "429") else "Error"
            assert schema == {"$ref": f"#/components/schemas/{shape}"}, (method, path, code)


def test_a_per_caller_429_is_documented_next_to_the_gateway_s_own(api, world):
    doc = document(api)
    limited = {op["operationId"]: op["responses"]["429"] for _, _, op in operations(doc) if "429" in op["responses"]}
    for operation_id, answer in limited.items():
        schema = answer["content"]["application/json"]["schema"]
        if operation_id not in LIMITED:
            assert schema == {"$ref": "#/components/schemas/GatewayError"}, operation_id
            continue
        assert schema == {
            "anyOf": [{"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/GatewayError"}]
        }, operation_id
        assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}, operation_id
    assert set(limited) >= LIMITED

    # And the 429 a resident over the limit gets is what the document says
    prop = api.get("/properties/SUN", world["manager"]).body
    prop["settings"]["tickets_per_resident_hour"] = 1
    assert api.put("/properties/SUN", world["manager"], body=prop).status == 200
    assert api.post("/tickets", world["zhang"], body={"description": "漏水"}).status == 201
    refused = api.post("/tickets", world["zhang"], body={"description": "漏水"})
    assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
    schema = {"$ref": "#/components/schemas/Error", "components": doc["components"]}
    jsonschema.Draft202012Validator(schema).validate(refused.body)


def test_every_request_body_has_an_example_its_schema_accepts(api):
    doc = document(api)
    for method, path, op in operations(doc):
        if "requestBody" not in op:
            continue
        media = op["requestBody"]["content"]["application/json"]
        assert "example" in media, (method, path)
        schema = {**media["schema"], "components": doc["components"]}
        jsonschema.Draft202012Validator(schema).validate(media["example"])


def test_an_enum_error_names_the_allowed_values_not_python_reprs(api, world):
    reply = api.post("/tickets", world["zhang"], {"kind": "bogus", "description": "漏水"})
    assert reply.status == 422
    [detail] = reply.body["details"]
    assert detail["field"] == "body.kind"
    assert detail["problem"] == (
        "Input should be 'repair', 'complaint', 'inquiry', 'suggestion', 'household_service' or 'warranty'"
    )


# ---------------------------------------------------------------- a client generated from the document


@pytest.fixture
def generated(api, tmp_path, monkeypatch) -> Any:
    """The typed client openapi-python-client writes for the document the API serves right now."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document(api), ensure_ascii=False), encoding="utf-8")
    config = tmp_path / "generator.yaml"
    config.write_text(
        "project_name_override: propdesk_client\npackage_name_override: propdesk_client\npost_hooks: []\n"
    )
    args = ["generate", "--path", str(spec), "--output-path", str(tmp_path / "propdesk_client"), "--meta", "none"]
    done = subprocess.run(  # noqa: S603 - the pinned generator of the venv
        [str(GENERATOR), *args, "--config", str(config)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # every schema of the document made it into the client
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("propdesk_client")]:
        del sys.modules[name]
    return importlib.import_module("propdesk_client")


def _lambda_transport(api: Any, world: Any) -> httpx.MockTransport:
    """httpx requests answered by the API handler as API Gateway would pass them (token -> the user's claims)."""

    def handle(request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        user = world[token]
        claims = {"sub": user["sub"], "cognito:groups": user["groups"]}
        url = urlsplit(str(request.url))
        query = dict(httpx.QueryParams(url.query))
        headers = {k: v for k, v in request.headers.items() if k in ("content-type", "idempotency-key")}
        event = http_event(
            request.method,
            url.path,
            raw_body=request.content.decode() or None,
            claims=claims,
            headers=headers,
            query=query or None,
        )
        answer = api.module.lambda_handler(event, LambdaContext())
        return httpx.Response(answer["statusCode"], headers=answer.get("headers") or {}, text=answer.get("body") or "")

    return httpx.MockTransport(handle)


def test_a_generated_client_creates_acts_lists_and_reads_an_error(api, world, generated):
    client_module = importlib.import_module("propdesk_client.client")
    models = importlib.import_module("propdesk_client.models")
    create = importlib.import_module("propdesk_client.api.tickets.create_ticket")
    classify = importlib.import_module("propdesk_client.api.actions.classify_ticket")
    listing = importlib.import_module("propdesk_client.api.tickets.list_tickets")
    get_one = importlib.import_module("propdesk_client.api.tickets.get_ticket")

    def client(user: str) -> Any:
        return client_module.AuthenticatedClient(
            base_url="https://api.example.com",
            token=user,
            raise_on_unexpected_status=True,  # an answer the document does not list fails the test
            httpx_args={"transport": _lambda_transport(api, world)},
        )

    # A resident reports a leak: 201 and a parsed ticket view
    request = models.ResidentTicketRequest(description="厨房水管漏水", kind=models.ResidentTicketRequestKind.REPAIR)
    created = create.sync_detailed(client=client("zhang"), body=request, idempotency_key="leak-0001")
    assert created.status_code == 201
    ticket = created.parsed
    assert isinstance(ticket, models.TicketView)
    assert ticket.number.startswith("SUN-") and ticket.status == "received"

    # The desk classifies it
    body = models.ClassifyInput(kind=models.TicketKind.REPAIR, paid=False, department=models.Department.ENGINEERING)
    classified = classify.sync_detailed(ticket.id, client=client("desk"), body=body)
    assert classified.status_code == 200 and classified.parsed.status == "classified"

    # The desk's list shows it
    page = listing.sync_detailed(client=client("desk"), status=models.Status.CLASSIFIED)
    assert page.status_code == 200
    assert [item.id for item in page.parsed.items] == [ticket.id]

    # Another property's resident reads it: 404, parsed as the documented error body
    missing = get_one.sync_detailed(ticket.id, client=client("moonres"))
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Error) and missing.parsed.error == "not_found"
