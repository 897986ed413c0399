"""Property-based fuzzing over the API's own OpenAPI document, as every role: no 5xx, no answer that breaks
the document, whatever valid or invalid input schemathesis derives from it (bounded examples per operation)."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.integration.api.flows import ticket_at
from tests.support.api import LambdaContext, http_event

# x ~48 operations x 9 roles: well under a minute on one core; FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "2"))
ROLES = ["zhang", "desk", "callcentre", "butler", "dispatcher", "tech", "warranty", "contractor", "manager"]
STATUS = {200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict"}


def lambda_as_wsgi(module: Any, user: dict[str, Any], seen: Counter[int]):
    """The API handler behind a WSGI face, so schemathesis can call it in-process as the given user."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        else:
            headers["content-type"] = None
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        claims = {"sub": user["sub"], "cognito:groups": user["groups"]}
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        event = http_event(
            environ["REQUEST_METHOD"], path, claims=claims, headers=headers, query=query or None, raw_bytes=raw or None
        )
        if raw:
            event["isBase64Encoded"] = True
        answer = module.lambda_handler(event, LambdaContext())
        seen[answer["statusCode"]] += 1
        status = answer["statusCode"]
        body = (answer.get("body") or "").encode()
        response_headers = [(k, str(v)) for k, v in (answer.get("headers") or {}).items()]
        start_response(f"{status} {STATUS.get(status, 'Status')}", response_headers)
        return [body]

    return app


@pytest.mark.parametrize("who", ROLES)
def test_fuzzed_requests_never_answer_5xx_nor_break_the_document(api, world, clock, who):
    # Given a world with a ticket in progress, and the API's own document
    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    real = {"ticket_id": ticket["id"], "property_id": "SUN", "record_id": "U101"}
    seen: Counter[int] = Counter()
    app = lambda_as_wsgi(api.module, world[who], seen)
    document = json.loads(api.module.app.get_openapi_json_schema())
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    # When schemathesis derives valid and invalid requests for every operation, as this role
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def call(case: Any) -> None:
            # Every other case reaches a real record, so bodies and queries are read, not only 404 paths.
            if sum(seen.values()) % 2 == 0:
                for name in set(case.path_parameters or {}) & set(real):
                    case.path_parameters[name] = real[name]
            response = case.call(app=app)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except AssertionError as failure:  # collect every operation's failures, not only the first
                failures.append(f"{case.operation.label}: {str(failure)[:400]}")

        call()
    print(f"fuzzed as {who}: {sum(seen.values())} responses, by status {dict(sorted(seen.items()))}")
    # Then no request was answered 5xx, and every documented answer matched the document
    assert not failures, "\n".join(failures[:10])
    assert not [status for status in seen if status >= 500], seen
    assert sum(seen.values()) >= 40, seen


def test_the_wsgi_face_reads_bodies_as_the_lambda_does(api, world, clock):
    # A sanity check of the adapter itself: a valid create through it is a 201
    seen: Counter[int] = Counter()
    app = lambda_as_wsgi(api.module, world["zhang"], seen)
    body = json.dumps({"description": "漏水"}).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/tickets",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    statuses: list[str] = []
    app(environ, lambda status, _headers: statuses.append(status))
    assert statuses == ["201 Created"]
