"""`/v1/export/claims.{csv,ndjson}`: the whole filtered claim set, streamed, never truncated."""

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from app.api.deps import ClaimFiltersDep, ConnDep
from app.api.errors import INVALID
from app.api.strict import StrictQueryRoute
from app.queries import claims, export
from app.queries.claim_filters import ClaimFilters

router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/export", tags=["export"])

_HEADERS_DOC = {
    "X-Row-Count": {"description": "Number of claims in the file.", "schema": {"type": "integer"}},
    "X-Dataset-Version": {
        "description": "Version of the data exported.",
        "schema": {"type": "string"},
    },
}


def _streamed(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a streamed export (a body that is not JSON)."""
    return {
        200: {
            "content": {media_type: {"schema": {"type": "string"}}},
            "description": description,
            "headers": _HEADERS_DOC,
        }
    } | INVALID


def _stream(
    request: Request,
    conn: Any,
    filters: ClaimFilters,
    media_type: str,
    filename: str,
    producer: Callable[[Any, ClaimFilters], Iterator[Any]],
) -> StreamingResponse:
    # Count first (this also validates the filters) and produce the first chunk before the
    # 200 goes out: an error in the first batch's query is a problem response, not a file cut
    # short after its headers.
    rows = claims.count_claims(conn, filters=filters)
    chunks = producer(request.app.state.engine, filters)
    first = next(chunks)
    return StreamingResponse(
        itertools.chain([first], chunks),
        media_type=media_type,
        headers={
            "X-Row-Count": str(rows),
            "X-Dataset-Version": request.app.state.dataset.version,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@router.get(
    "/claims.csv",
    operation_id="exportClaimsCsv",
    summary="Export claims as CSV",
    response_class=StreamingResponse,
    responses=_streamed("text/csv", "CSV, one row per claim with its first citation."),
)
async def export_claims_csv(
    request: Request, conn: ConnDep, filters: ClaimFiltersDep
) -> StreamingResponse:
    """Export the filtered claims as CSV, one row per claim with its first citation."""
    return _stream(
        request, conn, filters, "text/csv; charset=utf-8", "claims.csv", export.stream_csv
    )


@router.get(
    "/claims.ndjson",
    operation_id="exportClaimsNdjson",
    summary="Export claims as NDJSON",
    response_class=StreamingResponse,
    responses=_streamed(
        "application/x-ndjson", "One claim object per line, as getClaim returns it."
    ),
)
async def export_claims_ndjson(
    request: Request, conn: ConnDep, filters: ClaimFiltersDep
) -> StreamingResponse:
    """Export the filtered claims as NDJSON, one full claim (all citations) per line."""
    return _stream(
        request, conn, filters, "application/x-ndjson", "claims.ndjson", export.stream_ndjson
    )
