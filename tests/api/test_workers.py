"""Long queries and export batches in worker processes (app/api/workers.py): the same
answers as on threads, errors that reach the client as problems, a reloaded dataset seen,
and the event loop left alone while a worker runs Python. On both engines."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from tests.api import slow_queries
from tests.api.test_reload import RELOADED
from tests.conftest import load
from tests.loader.test_seed_script import STEM_003, edit

LONG = [
    "/v1/claims/facets?metric=prisoners-captured",
    "/v1/claims?q=prisoner&count=true",
    "/v1/metrics/prisoners-captured/series",
    "/v1/search?q=Syrskyi",
    "/v1/disagreements",
    "/v1/stats",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _client(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, response_cache_bytes=0, **settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _runner(client: httpx.AsyncClient) -> Any:
    return client._transport.app.state.queries  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_long_queries_in_worker_processes_answer_as_on_threads(database_url: str) -> None:
    async for threads in _client(database_url, worker_processes=False):
        expected = [(await threads.get(path)) for path in LONG]
    async for client in _client(database_url):
        runner = _runner(client)
        before = runner.process_runs
        for path, on_thread in zip(LONG, expected, strict=True):
            response = await client.get(path)
            assert response.status_code == on_thread.status_code == 200, path
            assert response.json() == on_thread.json(), path
            assert response.headers["etag"] == on_thread.headers["etag"], path
        assert runner.process_runs - before == len(LONG)
        csv = await client.get("/v1/export/claims.csv?speaker=syrskyi&rows=citations")
        async for threads in _client(database_url, worker_processes=False):
            expected_csv = await threads.get("/v1/export/claims.csv?speaker=syrskyi&rows=citations")
        assert csv.content == expected_csv.content
        # Syrskyi's 4 claims have 5 citations: one row each.
        assert csv.headers["x-row-count"] == expected_csv.headers["x-row-count"] == "5"
        assert csv.text.count("\n") == 1 + 5


@pytest.mark.anyio
async def test_an_error_in_a_worker_process_is_a_problem_response(database_url: str) -> None:
    async for client in _client(database_url):
        response = await client.get("/v1/claims?q=prisoner&metric=no-such-metric")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["parameter"] == "metric"
        assert _runner(client).process_runs >= 1


@pytest.mark.anyio
async def test_a_worker_process_reads_a_reloaded_dataset(tmp_path: Path, seeds_copy: Path) -> None:
    url = f"sqlite:///{tmp_path / 'facts.db'}"
    load(seeds_copy, url)
    async for client in _client(url):
        client._transport.app.state.dataset.check_seconds = 0  # type: ignore[attr-defined]
        before = (await client.get("/v1/stats")).json()["dataset_version"]
        edit(seeds_copy, STEM_003, "id: general-staff-russian-prisoners-2025-02-05", RELOADED)
        load(seeds_copy, url)
        after = await client.get("/v1/stats")
        assert after.json()["dataset_version"] != before
        assert after.headers["etag"].startswith(f'"{after.json()["dataset_version"]}-')


@pytest.mark.anyio
async def test_python_in_a_worker_process_leaves_the_event_loop_alone(
    database_url: str, no_gc_pauses: None
) -> None:
    """Two long queries spinning in Python for a second each: in worker processes they hold
    their own GILs, and `/health` keeps a p99 under 20 ms meanwhile."""
    async for client in _client(database_url):
        runner = _runner(client)
        scope: dict[str, Any] = {}
        runner.start_workers()  # as the app's start does (the transport runs no lifespan)
        assert (await client.get("/health")).status_code == 200  # the middleware is built
        await runner.run(scope, slow_queries.busy_for, long=True, seconds=0.01)
        busy = [
            asyncio.create_task(runner.run({}, slow_queries.busy_for, long=True, seconds=1.0))
            for _ in range(2)
        ]
        await asyncio.sleep(0.1)
        latencies = []
        while not all(task.done() for task in busy):
            started = time.perf_counter()
            assert (await client.get("/health")).status_code == 200
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.01)
        results = [task.result() for task in busy]
        claims_in_all = (await client.get("/v1/stats")).json()["claims"]
        assert all(r["claims"] == claims_in_all and r["spins"] > 0 for r in results)
        assert len({r["pid"] for r in results}) == 2  # two processes, side by side
        assert (
            scope["state"]["dataset_version"]
            == (await client.get("/v1/stats")).json()["dataset_version"]
        )
        ordered = sorted(latencies)
        assert ordered[int(len(ordered) * 0.99)] < 0.020, ordered[-5:]
