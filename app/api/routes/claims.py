"""`/v1/claims`: list with filters, sort and cursor; one claim; facets."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from app.api.deps import (
    ClaimFiltersDep,
    CountQuery,
    CursorQuery,
    DbDep,
    LimitQuery,
    id_path,
    long_claim_query,
)
from app.api.errors import INVALID, not_found
from app.api.responses import json_response
from app.api.strict import StrictQueryRoute
from app.queries import claims, facets
from app.queries.keyset import ClaimSort
from app.schemas.analysis import ClaimFacets
from app.schemas.claims import ClaimPage, ClaimPublic

router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/claims", tags=["claims"])


@router.get(
    "",
    operation_id="listClaims",
    summary="List claims",
    response_model=ClaimPage,
    response_description="A page of claims, in the requested order.",
    responses=INVALID,
)
async def list_claims(
    db: DbDep,
    filters: ClaimFiltersDep,
    sort: Annotated[ClaimSort, Query(description="Sort key; `-` for descending.")] = (
        ClaimSort.stated_on
    ),
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    count: CountQuery = False,
) -> Response:
    """List claims matching every filter given, a page at a time.

    Filters combine with AND; a repeated filter (`speaker=syrskyi&speaker=zelensky`) matches
    any of its values. Date filters match imprecise dates by overlap: a claim stated in
    "October 2024" matches `stated_from=2024-10-15&stated_to=2024-10-20`.
    """
    page = await db.run(
        claims.list_claims,
        long=long_claim_query(filters, count=count),
        filters=filters,
        sort=sort,
        limit=limit,
        cursor=cursor,
        count=count,
    )
    return json_response(page)


@router.get(
    "/facets",
    operation_id="getClaimFacets",
    summary="Count claims by facet",
    response_model=ClaimFacets,
    response_description="Counts of the matching claims by facet.",
    responses=INVALID,
)
async def get_claim_facets(
    db: DbDep,
    filters: ClaimFiltersDep,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=facets.MAX_FACET_VALUES,
            description="Values per facet, most frequent first "
            f"(1-{facets.MAX_FACET_VALUES}); `distinct_values` says how many there are.",
        ),
    ] = facets.FACET_VALUES,
) -> Response:
    """Count the matching claims by metric, speaker, subject, source, qualifier and month.

    Takes the same filters as `listClaims`, so a UI can show what narrowing would leave.
    """
    return await db.json(facets.claim_facets, long=True, filters=filters, limit=limit)


@router.get(
    "/{claim_id}",
    operation_id="getClaim",
    summary="Get a claim",
    response_model=ClaimPublic,
    response_description="The claim, with its citations.",
    responses=not_found("claim", "/v1/claims") | INVALID,
)
async def get_claim(
    db: DbDep,
    claim_id: Annotated[str, id_path("claim", "general-staff-russian-prisoners-2025-02-05")],
) -> Response:
    """Get one claim with its citations and verbatim quotes."""
    return await db.json(claims.get_claim, claim_id=claim_id)
