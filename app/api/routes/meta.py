"""`/health` and `/v1/stats`."""

from fastapi import APIRouter
from starlette.responses import Response

from app.api.deps import DbDep
from app.api.responses import json_response
from app.queries import stats
from app.schemas.stats import Health, Stats

router = APIRouter(tags=["meta"])


@router.get(
    "/health",
    operation_id="getHealth",
    summary="Check liveness",
    response_model=Health,
    response_description="The service is up and reads its database.",
)
async def health(db: DbDep) -> Response:
    """Report that the service is up and can read its database (503 problem if not)."""
    await db.run(stats.dataset_version)
    return json_response({"status": "ok"})


@router.get(
    "/v1/stats",
    operation_id="getStats",
    summary="Get dataset statistics",
    response_model=Stats,
    response_description="Counts and the dataset version.",
)
async def get_stats(db: DbDep) -> Response:
    """Count sources, claims, events, entities and metrics; give the dataset version."""
    return json_response(await db.run(stats.get_stats, long=True))
