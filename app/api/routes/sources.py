"""`/v1/sources`: stored documents, their metadata and their text."""

from fastapi import APIRouter
from starlette.responses import PlainTextResponse, Response

from app.api.deps import ConnDep, CountQuery, CursorQuery, IdPath, LimitQuery
from app.api.errors import INVALID, NOT_FOUND
from app.api.responses import json_response
from app.queries import sources
from app.schemas.common import Page
from app.schemas.sources import SourcePublic

router = APIRouter(prefix="/v1/sources", tags=["sources"])


@router.get("", operation_id="listSources", response_model=Page[SourcePublic], responses=INVALID)
async def list_sources(
    conn: ConnDep, limit: LimitQuery = 50, cursor: CursorQuery = None, count: CountQuery = False
) -> Response:
    """List sources with their metadata and claim counts, by id."""
    return json_response(sources.list_sources(conn, limit=limit, cursor=cursor, count=count))


@router.get(
    "/{source_id}",
    operation_id="getSource",
    response_model=SourcePublic,
    responses=NOT_FOUND | INVALID,
)
async def get_source(conn: ConnDep, source_id: IdPath) -> Response:
    """Get one source's metadata: publisher, author, date and how it is known, file, hash."""
    return json_response(sources.get_source(conn, source_id=source_id))


@router.get(
    "/{source_id}/text",
    operation_id="getSourceText",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The text, exactly as stored (UTF-8).",
        }
    }
    | NOT_FOUND
    | INVALID,
)
async def get_source_text(conn: ConnDep, source_id: IdPath) -> PlainTextResponse:
    """Get a source's full text; citation offsets index into it (Unicode code points)."""
    return PlainTextResponse(sources.get_source_text(conn, source_id=source_id))
