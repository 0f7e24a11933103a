"""`/health` and `/v1/stats`."""

import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import Db, DbDep
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
    response_description="The service is up and reads its database.",
)
async def health(request: Request, db: DbDep) -> Response:
    """Report that the service is up and can read its database (503 problem if not)."""
    check: HealthCheck = request.app.state.health
    await check(db)
    return json_response({"status": "ok"})


class HealthCheck:
    """Reads the database at most once per `every` seconds; the calls in between repeat the
    last outcome. A load balancer polling `/health` then costs the database nothing, and the
    answer stays fast when every worker is busy: the read takes no query slot (on PostgreSQL
    it is a thread hop and a round trip)."""

    def __init__(self, every: float = 1.0) -> None:
        self.every = every
        self.checked_at = -float("inf")
        self.failure: Exception | None = None

    async def __call__(self, db: Db) -> None:
        now = time.monotonic()
        if now - self.checked_at >= self.every:
            self.checked_at = now
            try:
                await db.run_unbounded(stats.dataset_version)
                self.failure = None
            except Exception as exc:
                self.failure = exc
        if self.failure is not None:
            raise self.failure


@router.get(
    "/v1/stats",
    operation_id="getStats",
    summary="Get dataset statistics",
    response_model=Stats,
    response_description="Counts and the dataset version.",
)
async def get_stats(db: DbDep) -> Response:
    """Count sources, claims, events, entities and metrics; give the dataset version."""
    return await db.json(stats.get_stats, long=True)
