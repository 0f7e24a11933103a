"""`/health` and `/v1/stats`."""

from fastapi import APIRouter
from starlette.responses import Response

from app.api.deps import WorkerDep
from app.api.responses import json_response
from app.api.strict import StrictQueryRoute
from app.queries import stats
from app.schemas.stats import Health, Stats

router = APIRouter(route_class=StrictQueryRoute, tags=["meta"])


@router.get(
    "/health",
    operation_id="getHealth",
    summary="Check liveness",
    response_model=Health,
    response_description="The service is up.",
)
async def health() -> Response:
    """Report that the service is up."""
    return json_response({"status": "ok"})


@router.get(
    "/v1/stats",
    operation_id="getStats",
    summary="Get dataset statistics",
    response_model=Stats,
    response_description="Counts and the dataset version.",
)
async def get_stats(worker: WorkerDep) -> Response:
    """Count sources, claims, events, entities and metrics; give the dataset version."""
    return json_response(await worker(stats.get_stats))
