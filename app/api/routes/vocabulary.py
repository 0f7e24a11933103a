"""`/v1/metrics`, `/v1/entities`, `/v1/speakers`: the vocabulary and its counts."""

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from app.api.deps import (
    CountQuery,
    CursorQuery,
    DbDep,
    LimitQuery,
    claim_filters_dependency,
    date_bound,
    id_path,
)
from app.api.errors import INVALID, not_found
from app.api.responses import json_response
from app.api.strict import StrictQueryRoute
from app.models.entity import EntityKind
from app.queries import series, vocabulary
from app.queries.claim_filters import ClaimFilters, check_bounds, lower_bound, upper_bound
from app.queries.errors import InvalidParameterError
from app.schemas.analysis import MetricSeries
from app.schemas.vocabulary import EntityPage, EntityPublic, MetricPage, MetricPublic

SeriesFiltersDep = Annotated[
    ClaimFilters, Depends(claim_filters_dependency(exclude=frozenset({"metric"})))
]
metrics_router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/metrics", tags=["metrics"])
entities_router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/entities", tags=["entities"])
speakers_router = APIRouter(route_class=StrictQueryRoute, prefix="/v1/speakers", tags=["speakers"])

MetricIdPath = Annotated[str, id_path("metric", "prisoners-captured")]
METRIC_NOT_FOUND = not_found("metric", "/v1/metrics")


@metrics_router.get(
    "",
    operation_id="listMetrics",
    summary="List metrics",
    response_model=MetricPage,
    response_description="Every metric, by id, on one page.",
)
async def list_metrics(db: DbDep) -> Response:
    """List the metric vocabulary with claim counts and broader/narrower links."""
    # The vocabulary is small and always served whole, so its total is free; the counts
    # read every claim.
    metrics = await db.run(vocabulary.list_metrics, long=True)
    return json_response({"items": metrics, "next_cursor": None, "total": len(metrics)})


@metrics_router.get(
    "/{metric_id}",
    operation_id="getMetric",
    summary="Get a metric",
    response_model=MetricPublic,
    response_description="The metric.",
    responses=METRIC_NOT_FOUND | INVALID,
)
async def get_metric(db: DbDep, metric_id: MetricIdPath) -> Response:
    """Get one metric with its claim counts and broader/narrower links."""
    return await db.json(vocabulary.get_metric, long=True, metric_id=metric_id)


@metrics_router.get(
    "/{metric_id}/series",
    operation_id="listMetricSeries",
    summary="Get a metric's time series",
    response_model=MetricSeries,
    response_description="One series per (speaker, subject).",
    responses=METRIC_NOT_FOUND | INVALID,
)
async def list_metric_series(
    db: DbDep,
    metric_id: MetricIdPath,
    filters: SeriesFiltersDep,
    date_from: Annotated[
        str | None,
        date_bound(
            "Same as `period_from` (kept for compatibility; give one of the two).", alias="from"
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        date_bound("Same as `period_to` (kept for compatibility).", alias="to"),
    ] = None,
) -> Response:
    """Get a metric's claims as time series: one line per speaker and subject, each point
    with value, low/high band, claim id and stated date, ordered by reference date.

    Takes the claim filters of `listClaims` (the metric is the path's), e.g. `speaker`,
    `subject`, `period_from`, `include_narrower`, `latest`."""
    filters = _with_legacy_bounds(filters, date_from, date_to)
    return await db.json(series.metric_series, long=True, metric_id=metric_id, filters=filters)


def _with_legacy_bounds(
    filters: ClaimFilters, date_from: str | None, date_to: str | None
) -> ClaimFilters:
    """`from`/`to` are the period bounds under their first names; naming one twice is a 422."""
    for legacy, value, current, name in (
        ("from", date_from, filters.period_from, "period_from"),
        ("to", date_to, filters.period_to, "period_to"),
    ):
        if value is not None and current is not None:
            raise InvalidParameterError(legacy, f"give either {legacy} or {name}, not both")
    period_from = lower_bound("from", date_from) or filters.period_from
    period_to = upper_bound("to", date_to) or filters.period_to
    check_bounds(period_from, period_to, "to")
    return replace(filters, period_from=period_from, period_to=period_to)


@entities_router.get(
    "",
    operation_id="listEntities",
    summary="List entities",
    response_model=EntityPage,
    response_description="A page of entities, by id.",
    responses=INVALID,
)
async def list_entities(
    db: DbDep,
    kind: Annotated[EntityKind | None, Query(description="Only entities of this kind.")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
    count: CountQuery = False,
) -> Response:
    """List every entity (speakers and subjects) with aliases and claim counts, by id."""
    return await db.json(
        vocabulary.list_entities,
        long=count,
        kind=kind.value if kind else None,
        limit=limit,
        cursor=cursor,
        count=count,
    )


@entities_router.get(
    "/{entity_id}",
    operation_id="getEntity",
    summary="Get an entity",
    response_model=EntityPublic,
    response_description="The entity.",
    responses=not_found("entity", "/v1/entities") | INVALID,
)
async def get_entity(
    db: DbDep, entity_id: Annotated[str, id_path("entity", "oleksandr-syrskyi")]
) -> Response:
    """Get one entity with its aliases and claim counts."""
    return await db.json(vocabulary.get_entity, entity_id=entity_id)


@speakers_router.get(
    "",
    operation_id="listSpeakers",
    summary="List speakers",
    response_model=EntityPage,
    response_description="A page of speakers, by id.",
    responses=INVALID,
)
async def list_speakers(
    db: DbDep, limit: LimitQuery = 50, cursor: CursorQuery = None, count: CountQuery = False
) -> Response:
    """List the entities that made at least one claim, with aliases and claim counts."""
    return await db.json(
        vocabulary.list_entities,
        long=count,
        speakers_only=True,
        limit=limit,
        cursor=cursor,
        count=count,
    )


@speakers_router.get(
    "/{speaker_id}",
    operation_id="getSpeaker",
    summary="Get a speaker",
    response_model=EntityPublic,
    response_description="The speaker.",
    responses=not_found("speaker", "/v1/speakers") | INVALID,
)
async def get_speaker(
    db: DbDep, speaker_id: Annotated[str, id_path("speaker", "oleksandr-syrskyi")]
) -> Response:
    """Get one speaker (an entity that made claims) with aliases and claim counts."""
    return await db.json(vocabulary.get_entity, entity_id=speaker_id, speakers_only=True)
