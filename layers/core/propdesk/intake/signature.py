"""Twilio request signatures: HMAC-SHA1 over the public URL and the sorted form parameters."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator


def parse_form(body: str) -> dict[str, str]:
    """A form-encoded body as Twilio posts it; blank values are kept because they are signed too."""
    return dict(parse_qsl(body, keep_blank_values=True))


def public_url(base_url: str, path: str, raw_query: str) -> str:
    """The URL Twilio signed: the deployment's public base (not the execute-api host), path and query."""
    url = base_url.rstrip("/") + path
    return f"{url}?{raw_query}" if raw_query else url


def is_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """True only for a present signature that matches; compared in constant time by the twilio package."""
    if not signature or not auth_token:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
