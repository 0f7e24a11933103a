"""`/v1/sources`: stored documents, their metadata and their text."""

from typing import Annotated

from fastapi import APIRouter
from starlette.responses import PlainTextResponse, Response

from app.api.deps import CountQuery, CursorQuery, DbDep, LimitQuery, id_path
from app.api.errors import INVALID, not_found
from app.api.strict import StrictQueryRoute
from app.queries import sources
from app.schemas.sources import SourcePage, SourcePublic

router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/sources", tags=["sources"])


SourceIdPath = Annotated[str, id_path("source", "general-staff-kursk-operation-summary-2025-02-06")]
SOURCE_NOT_FOUND = not_found("source", "/v1/sources")


@router.get(
    "",
    operation_id="listSources",
    summary="List sources",
    response_model=SourcePage,
    response_description="A page of sources, by id.",
    responses=INVALID,
)
async def list_sources(
    db: DbDep, limit: LimitQuery = 50, cursor: CursorQuery = None, count: CountQuery = False
) -> Response:
    """List sources with their metadata and claim counts, by id."""
    return await db.json(sources.list_sources, long=count, limit=limit, cursor=cursor, count=count)


@router.get(
    "/{source_id}",
    operation_id="getSource",
    summary="Get a source",
    response_model=SourcePublic,
    response_description="The source's metadata.",
    responses=SOURCE_NOT_FOUND | INVALID,
)
async def get_source(db: DbDep, source_id: SourceIdPath) -> Response:
    """Get one source's metadata: publisher, author, date and how it is known, file, hash."""
    return await db.json(sources.get_source, source_id=source_id)


@router.get(
    "/{source_id}/text",
    operation_id="getSourceText",
    summary="Get a source's text",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "The text, exactly as stored (UTF-8).",
        }
    }
    | SOURCE_NOT_FOUND
    | INVALID,
)
async def get_source_text(db: DbDep, source_id: SourceIdPath) -> PlainTextResponse:
    """Get a source's full text; citation offsets index into it (Unicode code points)."""
    return PlainTextResponse(await db.run(sources.get_source_text, source_id=source_id))
