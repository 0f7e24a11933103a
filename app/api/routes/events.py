"""`/v1/events`: dated happenings, with entities, citations and the claims about them."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import (
    CountQuery,
    CursorQuery,
    DbDep,
    LimitQuery,
    date_bound,
    id_path,
    repeatable,
)
from app.api.errors import INVALID, not_found
from app.api.strict import StrictQueryRoute
from app.queries import events
from app.queries.claim_filters import MAX_TEXT_LENGTH, check_bounds, lower_bound, upper_bound
from app.schemas.events import EventPage, EventPublic

router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/events", tags=["events"])


@router.get(
    "",
    operation_id="listEvents",
    summary="List events",
    response_model=EventPage,
    response_description="A page of events, by id.",
    responses=INVALID,
)
async def list_events(
    db: DbDep,
    date_from: Annotated[
        str | None,
        date_bound(
            "Events whose dates overlap from this date on (YYYY-MM-DD, YYYY-MM, "
            "YYYY); undated events never match a date filter.",
            "2024-10-15",
            alias="from",
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        date_bound("Events whose dates overlap up to this date.", alias="to"),
    ] = None,
    type: Annotated[
        str | None,
        Query(
            max_length=32,
            description="Event type, case-insensitive, e.g. offensive, assault, statement, "
            "deployment.",
            examples=["deployment"],
        ),
    ] = None,
    entity: Annotated[
        list[str], repeatable("Involved entity id or alias; repeatable.", "dprk-forces")
    ] = [],  # noqa: B006
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_TEXT_LENGTH,
            description="Full-text search over titles, descriptions, places, quotes, notes "
            "and the names (with aliases) of the entities involved; same syntax as "
            '/v1/search: `"a phrase"`, `word*`, synonyms.',
            examples=["Makhnovka"],
        ),
    ] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    count: CountQuery = False,
) -> Response:
    """List events, by id; "October 2024" (month precision) matches a query for 2024-10-15."""
    filters = events.EventFilters(
        date_from=lower_bound("from", date_from),
        date_to=upper_bound("to", date_to),
        type=type.casefold() if type else None,  # types are lower-case slugs
        entity=entity,
        q=q,
    )
    check_bounds(filters.date_from, filters.date_to, "to")
    return await db.json(
        events.list_events,
        long=count or q is not None,
        filters=filters,
        limit=limit,
        cursor=cursor,
        count=count,
    )


@router.get(
    "/{event_id}",
    operation_id="getEvent",
    summary="Get an event",
    response_model=EventPublic,
    response_description="The event, with its entities, citations and claims.",
    responses=not_found("event", "/v1/events") | INVALID,
)
async def get_event(
    db: DbDep, event_id: Annotated[str, id_path("event", "dprk-troops-arrive-in-kursk")]
) -> Response:
    """Get one event with its entities, citations and the claims that refer to it."""
    return await db.json(events.get_event, event_id=event_id)
