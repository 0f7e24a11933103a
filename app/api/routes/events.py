"""`/v1/events`: dated happenings, with entities, citations and the claims about them."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import (
    MAX_TEXT_LENGTH,
    ConnDep,
    CountQuery,
    CursorQuery,
    IdPath,
    LimitQuery,
    first_day,
    last_day,
)
from app.api.errors import INVALID, NOT_FOUND
from app.api.responses import json_response
from app.dates import PARTIAL_DATE_PATTERN
from app.queries import events
from app.schemas.common import Page
from app.schemas.events import EventPublic

router = APIRouter(prefix="/v1/events", tags=["events"])


@router.get("", operation_id="listEvents", response_model=Page[EventPublic], responses=INVALID)
async def list_events(
    conn: ConnDep,
    date_from: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=PARTIAL_DATE_PATTERN,
            description="Events whose dates overlap from this date on (YYYY-MM-DD, YYYY-MM, "
            "YYYY); undated events never match a date filter.",
            examples=["2024-10-15"],
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(
            alias="to",
            pattern=PARTIAL_DATE_PATTERN,
            description="Events whose dates overlap up to this date.",
        ),
    ] = None,
    type: Annotated[
        str | None,
        Query(max_length=32, description="Event type, e.g. offensive, statement, deployment."),
    ] = None,
    entity: Annotated[
        list[str], Query(max_length=50, description="Involved entity id or alias; repeatable.")
    ] = [],  # noqa: B006
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_TEXT_LENGTH,
            description="Full-text search over titles, descriptions and quotes.",
        ),
    ] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    count: CountQuery = False,
) -> Response:
    """List events, by id; "October 2024" (month precision) matches a query for 2024-10-15."""
    filters = events.EventFilters(
        date_from=first_day("from", date_from),
        date_to=last_day("to", date_to),
        type=type,
        entity=entity,
        q=q,
    )
    return json_response(
        events.list_events(conn, filters=filters, limit=limit, cursor=cursor, count=count)
    )


@router.get(
    "/{event_id}",
    operation_id="getEvent",
    response_model=EventPublic,
    responses=NOT_FOUND | INVALID,
)
async def get_event(conn: ConnDep, event_id: IdPath) -> Response:
    """Get one event with its entities, citations and the claims that refer to it."""
    return json_response(events.get_event(conn, event_id=event_id))
