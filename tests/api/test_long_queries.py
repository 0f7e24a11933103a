"""A long query (facets, series, search, disagreements over many claims) runs off the event
loop (in a worker process, or on a thread with `WORKER_PROCESSES=false`, as here, where the
query function is patched): the event loop goes on answering cheap requests meanwhile."""

import asyncio
import time
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.queries import facets
from app.settings import Settings

CLAIM = "/v1/claims/general-staff-russian-prisoners-2025-02-05"


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_long_query_does_not_hold_up_other_requests(
    database_url: str, monkeypatch: pytest.MonkeyPatch, anyio_backend: str, queries_here: None
) -> None:
    original = facets.claim_facets

    def slow_facets(conn: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)  # a facet count over a million claims
        return original(conn, **kwargs)

    monkeypatch.setattr(facets, "claim_facets", slow_facets)
    app = create_app(Settings(database_url=database_url, response_cache_bytes=0))
    finished: list[tuple[str, float]] = []
    started = time.perf_counter()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        async def get(path: str) -> httpx.Response:
            response = await client.get(path)
            finished.append((path, time.perf_counter() - started))
            return response

        slow = asyncio.create_task(get("/v1/claims/facets"))
        await asyncio.sleep(0.2)  # the facets request is now running
        fast = await get(CLAIM)
        assert fast.status_code == 200
        assert fast.json()["value"] == 909
        assert (await slow).status_code == 200
    assert [path for path, _ in finished] == [CLAIM, "/v1/claims/facets"]
    assert finished[0][1] < 1.0, finished
