"""The PropDesk HTTP API: a thin Lambda entry point around Powertools' resolver."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import contract
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.models import OpenAPI
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.typing import LambdaContext

from propdesk.errors import DomainError
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.limits import LimitReached
from request_body import BodyRefused, normalise
from routes import actions, directory, duty, household, knowledge, morning, registers, reports, tickets
from routes import zones as zone_routes

logger = Logger(logger_formatter=PhoneMaskingFormatter())
metrics = Metrics()
# Chinese text leaves as UTF-8, readable in any terminal or log, rather than as \u escapes.


class PropDeskResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver whose OpenAPI document (/openapi.json and /docs alike) is the full contract."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPI:
        return contract.refine(super().get_openapi_schema(**kwargs))


app = PropDeskResolver(
    enable_validation=True, serializer=partial(json.dumps, ensure_ascii=False, separators=(",", ":"), cls=Encoder)
)
app.include_router(tickets.router)
app.include_router(actions.router)
app.include_router(directory.router)
app.include_router(reports.router)
app.include_router(registers.router)
app.include_router(zone_routes.router)
app.include_router(household.router)
app.include_router(knowledge.router)
app.include_router(duty.router)
app.include_router(morning.router)
# operationId is the route function's own name (create_ticket, classify_ticket...): generated clients name their
# methods after it, so it must not move when a path does. Creations are documented with the 201 they answer.
for _route in [*app._static_routes, *app._dynamic_routes]:  # where Powertools keeps the registered routes
    _route.operation_id = _route.func.__name__
    if _route.func.__name__.startswith("create_"):
        _route.status_code = 201
app.configure_openapi(title="PropDesk API", version="1.0.0")  # /openapi.json and /docs share one title
app.enable_swagger(path="/docs", title="PropDesk API", version="1.0.0")

MAX_BODY_BYTES = 64 * 1024


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> Response[Any]:
    """Every refusal of this API has this one shape: {"error", "message", "details"}."""
    return Response(
        status_code=status,
        content_type="application/json",
        body={"error": code, "message": message, "details": details or []},
    )


def _refusal(status: int, code: str, message: str, details: list[dict[str, Any]]) -> dict[str, Any]:
    """The same shape, answered before the resolver runs (the body never reached a route)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(
            {"error": code, "message": message, "details": details}, ensure_ascii=False, separators=(",", ":")
        ),
    }


@app.get("/openapi.json", include_in_schema=False)
def openapi_document() -> Response[Any]:
    return Response(status_code=200, content_type="application/json", body=app.get_openapi_json_schema())


@app.exception_handler(DomainError)
def domain_error(err: DomainError) -> Response[Any]:
    logger.info("request refused", extra={"error": err.code, "status": err.status})
    return _error(err.status, err.code, err.message, err.details)


@app.exception_handler(LimitReached)
def limit_reached(err: LimitReached) -> Response[Any]:
    logger.info("limit reached", extra={"error": err.code, "retry_after": err.retry_after})
    return Response(
        status_code=429,
        content_type="application/json",
        body={"error": err.code, "message": err.message, "details": err.details},
        headers={"Retry-After": str(err.retry_after)},
    )


@app.exception_handler(RequestValidationError)
def validation_error(err: RequestValidationError) -> Response[Any]:
    details = []
    for problem in err.errors():
        loc = [str(part) for part in problem.get("loc", ())]
        problem_text = contract.plain(str(problem.get("msg", "invalid")))
        details.append({"field": ".".join(loc), "problem": problem_text, "type": problem.get("type")})
    if any(d["type"] == "json_invalid" for d in details):
        return _error(400, "malformed_json", "the request body is not valid JSON", details)
    fields = ", ".join(d["field"] for d in details)
    return _error(422, "validation_failed", f"invalid request: {fields}", details)


@app.exception_handler(RequestUnsupportedContentType)
def unsupported_content_type(_: RequestUnsupportedContentType) -> Response[Any]:
    details = [{"field": "content-type", "problem": "not application/json"}]
    return _error(415, "unsupported_media_type", "the request body must be JSON in UTF-8", details)


@app.exception_handler(Exception)
def internal_error(err: Exception) -> Response[Any]:
    """A failure of ours: logged with its trace, answered in the one error shape without internals."""
    logger.exception("request failed", extra={"error_type": type(err).__name__})
    return _error(500, "internal_error", "something went wrong on our side; the request may be retried")


@app.not_found
def not_found(_: Exception) -> Response[Any]:
    return _error(404, "not_found", "no such route")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    body = event.get("body") or ""
    if len(body) > MAX_BODY_BYTES * 4 // 3 + 4:
        return _refusal(413, "body_too_large", "the request body exceeds 64 KiB", [])
    try:
        normalise(event)
    except BodyRefused as refused:
        logger.info("request body refused", extra={"error": refused.code, "status": refused.status})
        return _refusal(refused.status, refused.code, refused.message, refused.details)
    return app.resolve(event, context)
