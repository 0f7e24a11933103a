"""`/v1/export/claims.{csv,ndjson}`: the whole filtered claim set, streamed, never truncated.

An export holds no database connection while its client reads: it is sent batch by batch
(app/queries/export.py), each batch read on an export worker with a briefly held connection
while the previous one is being sent. A client that goes away stops the stream at once: the
prefetch is dropped and the export's place freed. At most `max_exports` exports stream at
once; past that a request gets a 503 with `Retry-After`. Every batch checks the dataset
version it read: if a new dataset is loaded mid-export, the stream is cut (the client sees
an incomplete chunked response, never a file mixing two datasets).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import Connection
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from app.api.database import (
    MIXED,
    OverloadedError,
    QueryRunner,
    record_version,
    recorded_version,
)
from app.api.deps import ClaimFiltersDep, DbDep
from app.api.errors import INVALID
from app.api.strict import StrictQueryRoute
from app.queries import export
from app.queries.claim_filters import ClaimFilters
from app.queries.export import Batch, CsvRows

router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/export", tags=["export"])
logger = logging.getLogger("app.export")

_HEADERS_DOC = {
    "X-Row-Count": {
        "description": "Number of data rows in the file: claims, or citations with "
        "`rows=citations` (a claim without citations being one row).",
        "schema": {"type": "integer"},
    },
    "X-Dataset-Version": {
        "description": "Version of the data exported.",
        "schema": {"type": "string"},
    },
}
Renderer = Callable[[Connection, list[dict[str, Any]]], bytes]


class DatasetChangedError(RuntimeError):
    """A new dataset was loaded while an export was being streamed."""


def _streamed(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a streamed export (a body that is not JSON)."""
    return {
        200: {
            "content": {media_type: {"schema": {"type": "string"}}},
            "description": description,
            "headers": _HEADERS_DOC,
        }
    } | INVALID


class ExportResponse(StreamingResponse):
    """A streaming response that closes its body iterator however the stream ends (a
    client that disconnects included), so the export's resources are freed at once."""

    body_iterator: AsyncIterator[bytes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except DatasetChangedError as exc:
            # Return without the final chunk: the server drops the connection and the client
            # sees an incomplete response, never a file that looks whole.
            logger.warning("export %s cut short: %s", scope["path"], exc)
        finally:
            await self.body_iterator.aclose()  # type: ignore[attr-defined]


async def _batches(
    runner: QueryRunner,
    filters: ClaimFilters,
    render: Renderer,
    version: str,
    first: Batch,
    finish: Callable[[], None],
) -> AsyncIterator[bytes]:
    """The export's batches, the next one read while the current one is sent."""

    async def fetch(after: str) -> Batch:
        read, batch = await runner.export_batch(
            export.export_batch, filters=filters, after=after, render=render
        )
        if read != version:
            raise DatasetChangedError(f"dataset {version} replaced by {read} mid-export")
        return batch

    batch, ahead = first, None
    try:
        while True:
            ahead = asyncio.ensure_future(fetch(batch.after)) if batch.after else None
            yield batch.body
            if ahead is None:
                return
            batch = await ahead
    finally:
        if ahead is not None and not ahead.done():
            ahead.cancel()  # its thread finishes its batch and returns the connection
        finish()


async def _export(
    request: Request,
    db: DbDep,
    filters: ClaimFilters,
    *,
    header: bytes,
    render: Renderer,
    media_type: str,
    filename: str,
    rows: CsvRows = CsvRows.claims,
) -> ExportResponse:
    runner: QueryRunner = request.app.state.queries
    finish = runner.start_export()
    try:
        # Count first (this also validates the filters) and read the first batch before the
        # 200 goes out: an error there is a problem response, not a file cut short.
        count = await db.run(export.count_rows, long=True, filters=filters, rows=rows)
        version, first = await runner.export_batch(
            export.export_batch, filters=filters, after=None, render=render
        )
        record_version(request.scope, version)
        if recorded_version(request.scope) == MIXED:  # a reload between count and batch
            raise OverloadedError("a new dataset was loaded meanwhile")
    except BaseException:
        finish()
        raise
    first = Batch(header + first.body, first.after)
    return ExportResponse(
        _batches(runner, filters, render, version, first, finish),
        media_type=media_type,
        headers={
            "X-Row-Count": str(count),
            "X-Dataset-Version": version,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


ROWS_DESCRIPTION = (
    "`claims`: one row per claim, its citation columns listing every citation in order, "
    "separated by a line break within the cell; `citations`: one row per citation "
    "(`citation_position` 1, 2, ...), the claim's columns repeated."
)


@router.get(
    "/claims.csv",
    operation_id="exportClaimsCsv",
    summary="Export claims as CSV",
    response_class=StreamingResponse,
    responses=_streamed(
        "text/csv",
        "CSV: one row per claim (or per citation with `rows=citations`), with every "
        "citation's source, its published date and URL, quote and offsets.",
    ),
)
async def export_claims_csv(
    request: Request,
    db: DbDep,
    filters: ClaimFiltersDep,
    bom: Annotated[
        bool,
        Query(description="Start with a UTF-8 byte order mark, so Excel reads the file as UTF-8."),
    ] = False,
    rows: Annotated[CsvRows, Query(description=ROWS_DESCRIPTION)] = CsvRows.claims,
) -> StreamingResponse:
    """Export the filtered claims as CSV, in stated-date order.

    Columns: the claim (id, metric, subject, speaker, value with qualifier, hedge and band,
    place, reference period and stated date with their precisions, event, note,
    `citation_count`), then its citations: `source_id`, `source_title`,
    `source_published_on` (at its precision), `source_url`, `quote`, `char_start`,
    `char_end`. With `rows=claims` (default) a claim is one row and each citation column
    lists every citation, in order, one per line within the cell; with `rows=citations`
    each citation is a row of its own, numbered by `citation_position`. Empty cells are
    nulls. `bom=true` prefixes a UTF-8 byte order mark for spreadsheet programs.
    """
    return await _export(
        request,
        db,
        filters,
        header=export.csv_header(rows, bom=bom),
        render=export.csv_renderer(rows),
        media_type="text/csv; charset=utf-8",
        filename="claims.csv",
        rows=rows,
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
    request: Request, db: DbDep, filters: ClaimFiltersDep
) -> StreamingResponse:
    """Export the filtered claims as NDJSON, one full claim (all citations) per line."""
    return await _export(
        request,
        db,
        filters,
        header=b"",
        render=export.ndjson_render,
        media_type="application/x-ndjson",
        filename="claims.ndjson",
    )
