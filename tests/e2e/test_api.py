"""The API of template.yaml served by the local stack, over HTTP, as a client sees it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from local.auth import DevKey
from local.runtime import token_for

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]


def _url(stack: dict[str, Any]) -> str:
    return str(stack["apis"]["HttpApi"]["url"])


def _token(stack: dict[str, Any], user: str) -> str:
    return token_for(stack, DevKey.load_or_create(stack["state"]), user)


def test_a_call_without_a_token_is_refused_like_the_jwt_authorizer(propdesk_stack: dict[str, Any]) -> None:
    response = requests.get(f"{_url(propdesk_stack)}/tickets", timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_the_openapi_document_needs_no_token(propdesk_stack: dict[str, Any]) -> None:
    response = requests.get(f"{_url(propdesk_stack)}/openapi.json", timeout=10)

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_a_resident_reports_a_leak_and_reads_it_back(propdesk_stack: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {_token(propdesk_stack, 'resident')}"}

    created = requests.post(
        f"{_url(propdesk_stack)}/tickets",
        json={"kind": "repair", "description": "厨房水管漏水 the kitchen pipe is leaking"},
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    ticket = created.json()
    read = requests.get(f"{_url(propdesk_stack)}/tickets/{ticket['id']}", headers=headers, timeout=10)

    assert read.status_code == 200, read.text
    assert read.json()["description"] == "厨房水管漏水 the kitchen pipe is leaking"
    assert read.json()["resident_id"] == ticket["resident_id"]


def test_a_tampered_token_is_refused(propdesk_stack: dict[str, Any]) -> None:
    header, claims, signature = _token(propdesk_stack, "resident").split(".")
    forged = f"{header}.{claims}.{signature[:-6]}{'A' if signature[-6] != 'A' else 'B'}{signature[-5:]}"

    response = requests.get(
        f"{_url(propdesk_stack)}/tickets", headers={"Authorization": f"Bearer {forged}"}, timeout=10
    )

    assert response.status_code == 401
