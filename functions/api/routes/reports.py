"""The daily and monthly reports for managers: the JSON itself, or a short-lived link to the HTML, the CSV or a
JSON report too large to answer inline (303 See Other to a presigned URL)."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from propdesk.access import Principal
from propdesk.errors import Forbidden, NotFound
from propdesk.models.enums import Role
from propdesk.reports import storage
from propdesk.reports.delivery import reads_daily
from propdesk.reports.keys import GROUP, report_key
from propdesk.reports.periods import ReportKind, parse
from routes.deps import Caller

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

LINK_SECONDS = 900
# Lambda answers at most 6 MB; a larger JSON report (a big property's month) is fetched from S3 directly.
INLINE_BYTES = 4 * 2**20
ScopeId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


@cache
def reports_bucket() -> str:
    bucket = os.environ.get("REPORTS_BUCKET", "")
    if not bucket:
        raise RuntimeError("REPORTS_BUCKET is not configured for this function")
    return bucket


def _reads_daily(caller: Principal) -> bool:
    if caller.role in (Role.DESK_AGENT, Role.CONTROL_ROOM):
        return True
    return reads_daily(caller.role, caller.department)


@router.get(
    "/reports/<kind>/<period>",
    summary="A daily or monthly report: the JSON, or a short-lived link to the HTML or CSV",
    tags=["reports"],
    responses={
        200: {"description": "The JSON report, or for format=html|csv a presigned link to the file"},
        303: {"description": "A JSON report too large to answer inline: Location is a presigned link to it"},
    },
)
def get_report(
    caller: Caller,
    kind: Annotated[ReportKind, Path()],
    period: Annotated[str, Path(min_length=7, max_length=10)],
    property_id: ScopeId = None,
    format: Annotated[Literal["json", "html", "csv"], Query()] = "json",
) -> Response[Any]:
    """A manager's report: their own property; group-level managers any property or the group (_group).

    The daily report is also read by the desk and by the customer-relations and engineering staff it is sent to.
    """
    if not (caller.role is Role.MANAGER or (kind is ReportKind.DAILY and _reads_daily(caller))):
        raise Forbidden(
            "this report is for managers" if kind is ReportKind.DAILY else "monthly reports are for managers"
        )
    scope = property_id or caller.property_id or GROUP
    if scope == GROUP and not caller.group_level:
        raise NotFound("report not found")
    if scope != GROUP:
        caller.require_property(scope)
    label = parse(kind, period).label
    key = report_key(kind, scope, label, format)
    bucket = reports_bucket()
    if format != "json":
        if not storage.exists(bucket, key):
            raise NotFound(f"no {kind.value} report {label} for {scope} yet")
        body = {"url": storage.presign(bucket, key, LINK_SECONDS), "expires_in": LINK_SECONDS, "format": format}
        return Response(status_code=200, content_type="application/json", body=body)
    stored = storage.size(bucket, key)
    if stored is None:
        raise NotFound(f"no {kind.value} report {label} for {scope} yet")
    if stored > INLINE_BYTES:
        url = storage.presign(bucket, key, LINK_SECONDS)
        body = {"url": url, "expires_in": LINK_SECONDS, "format": format}
        return Response(status_code=303, content_type="application/json", body=body, headers={"Location": url})
    text = storage.get_text(bucket, key)
    if text is None:
        raise NotFound(f"no {kind.value} report {label} for {scope} yet")
    return Response(status_code=200, content_type="application/json", body=json.loads(text))
