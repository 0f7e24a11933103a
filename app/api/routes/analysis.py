"""`/v1/search` and `/v1/disagreements`: answers that span many records."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.api.deps import CursorQuery, DbDep, claim_filters_dependency, repeatable
from app.api.errors import INVALID
from app.api.responses import json_response
from app.api.strict import StrictQueryRoute
from app.models.search import SearchKind
from app.queries import disagreements, search
from app.queries.claim_filters import MAX_TEXT_LENGTH, ClaimFilters
from app.queries.errors import InvalidParameterError
from app.queries.pagination import decode_cursor, encode_cursor
from app.schemas.analysis import DisagreementPage, SearchHitPage

DisagreementFiltersDep = Annotated[
    ClaimFilters, Depends(claim_filters_dependency(exclude=frozenset({"speaker"})))
]
router = APIRouter(route_class=StrictQueryRoute, tags=["analysis"])
MAX_SEARCH_PAGE = 100


MAX_OFFSET = 2**31  # far past any real result list; a larger one overflows SQLite's OFFSET


def _offset(cursor: str | None, kind: str) -> int:
    if not cursor:
        return 0
    value, _ = decode_cursor(cursor, kind)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_OFFSET:
        raise InvalidParameterError("cursor", "not a cursor returned by this API")
    return value


@router.get(
    "/v1/search",
    operation_id="search",
    summary="Search claims, events and sources",
    response_model=SearchHitPage,
    response_description="A page of hits, most relevant first.",
    responses=INVALID,
)
async def search_all(
    db: DbDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT_LENGTH,
            description='Words to find, all required, in any order; `"a phrase"` matches '
            "those words in that order; `word*` is a prefix. Names match through every alias "
            "(`Зеленський`), and a term of a synonym group through the group (`POW`). Any text "
            "is safe: operators are read as words. At most 16 words outside quotes.",
            examples=["North Korean"],
        ),
    ],
    kind: Annotated[
        list[SearchKind], Query(max_length=3, description="Only these kinds of hit; repeatable.")
    ] = [],  # noqa: B006
    limit: Annotated[
        int, Query(ge=1, le=MAX_SEARCH_PAGE, description=f"Page size (1-{MAX_SEARCH_PAGE}).")
    ] = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Search claims, events and sources by relevance, with highlighted snippets."""
    offset = _offset(cursor, "search")
    hits = await db.run(search.search, long=True, q=q, kinds=kind, limit=limit + 1, offset=offset)
    more = len(hits) > limit
    return json_response(
        {
            "items": hits[:limit],
            "next_cursor": encode_cursor("search", offset + limit, "") if more else None,
            "total": None,
        }
    )


@router.get(
    "/v1/disagreements",
    operation_id="listDisagreements",
    summary="List disagreeing claims",
    response_model=DisagreementPage,
    response_description="A page of disagreeing pairs.",
    responses=INVALID,
)
async def list_disagreements(
    db: DbDep,
    filters: DisagreementFiltersDep,
    speaker: Annotated[
        list[str],
        repeatable("Pairs where either claim is by this speaker (id or alias).", "syrskyi"),
    ] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=500, description="Page size (1-500).")] = 50,
    cursor: CursorQuery = None,
) -> Response:
    """List pairs of claims on the same metric and subject, with comparable reference
    periods, whose [low, high] bands cannot both hold; each with the gap and the reason.

    Comparable: about the same event; stocks with as-of dates within 7 days; flows with the
    same start and ends within 7 days (bands must overlap) or nested windows (the shorter
    window may not claim more). "approximately" means ±10 %, "nearly" [-10 %, 0].

    Takes the claim filters of `listClaims` (but `speaker`, which keeps the pairs where
    either claim is by that speaker). `comparison` says how many pairs were compared and why
    the others do not conflict, so an empty list is an answer.

    A request too broad to compare (over 200,000 claims, or over 1,000,000 pairs of claims
    close in time) is refused with 422: narrow it with `metric` and `subject`.
    """
    offset = _offset(cursor, "disagreements")
    page, comparison = await db.run(
        disagreements.list_disagreements,
        long=True,
        filters=filters,
        speaker=speaker,
        offset=offset,
        limit=limit,
    )
    total = comparison["conflicting"]
    more = offset + limit < total
    return json_response(
        {
            "items": page,
            "next_cursor": encode_cursor("disagreements", offset + limit, "") if more else None,
            "total": total,
            "comparison": comparison,
        }
    )
