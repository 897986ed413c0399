"""The sample events under events/ are real-shaped: the API answers them as it would on AWS.

They name the local stack's demo users (local/seed.py), so `make invoke NAME=ApiFunction EVENT=...` works too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.seed import seed
from tests.support.api import LambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"


@pytest.fixture
def demo(aws):
    return seed(aws["DirectoryTable"])


def test_sample_create_event_creates_a_ticket_for_the_resident(api, demo, clock):
    # Given the sample event a resident's app sends through API Gateway
    event = json.loads((EVENTS / "api-create-ticket.json").read_text(encoding="utf-8"))
    # When the API handles it
    response = api.module.lambda_handler(event, LambdaContext())
    # Then a ticket exists for 王芳's unit, and a replay with the same Idempotency-Key returns the same ticket
    assert response["statusCode"] == 201, response["body"]
    assert "厨房水管漏水" in response["body"]  # UTF-8 on the wire, not \u escapes
    body = json.loads(response["body"])
    assert (body["resident_id"], body["unit_id"], body["channel"]) == ("res-wang-fang", "sun-1-0101", "app")
    replay = json.loads(api.module.lambda_handler(event, LambdaContext())["body"])
    assert replay["id"] == body["id"]


def test_sample_accept_event_for_an_unknown_ticket_is_a_404(api, demo):
    event = json.loads((EVENTS / "api-accept-ticket.json").read_text(encoding="utf-8"))
    response = api.module.lambda_handler(event, LambdaContext())
    assert response["statusCode"] == 404
    assert json.loads(response["body"])["error"] == "not_found"
