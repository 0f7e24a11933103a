"""The database dependency (app/api/deps.py `DbDep`, app/api/database.py): long queries run
off the event loop on bounded worker slots (threads here, see `_patched_queries_run_here`),
cheap ones inline on SQLite, and a request past the bounds gets a fast 503 with
`Retry-After` instead of a stall (issue 14 defect 3, issue 12 target 3). On both engines
(TEST_DATABASE_URL)."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.queries import claim_filters, claims, facets
from app.settings import Settings

CLAIM = "/v1/claims/general-staff-russian-prisoners-2025-02-05"
SLOW_SECONDS = 1.0


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _patched_queries_run_here(queries_here: None) -> None:
    """These tests make queries slow by patching their functions: long queries run on
    threads here (tests/api/test_workers.py covers worker processes)."""


async def _client(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=database_url, **settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(database_url):
        yield client


@pytest.fixture
def slow_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every exact claim count takes a second (a COUNT over millions of rows, or one that
    waits on the server), as the driver does: blocking the calling thread."""
    original = claims._count

    def slow_count(conn: Any, where: Any) -> int:
        time.sleep(SLOW_SECONDS)
        return original(conn, where)

    monkeypatch.setattr(claims, "_count", slow_count)


@pytest.mark.anyio
async def test_slow_queries_leave_health_and_cached_answers_fast(
    client: httpx.AsyncClient, slow_counts: None, no_gc_pauses: None
) -> None:
    """While 8 slow claim queries (`count=true`) run, `/health` and cached requests keep a
    p99 under 20 ms. Before, `count=true` ran on the event loop: everything waited."""
    assert (await client.get(CLAIM)).status_code == 200  # now cached
    slow = [
        asyncio.create_task(client.get(f"/v1/claims?count=true&limit={n + 1}")) for n in range(8)
    ]
    await asyncio.sleep(0.1)  # they are running
    latencies = []
    while not all(task.done() for task in slow):
        for path in ("/health", CLAIM):
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200
        await asyncio.sleep(0.01)
    assert [t.result().status_code for t in slow] == [200] * 8
    claims_in_all = (await client.get("/v1/stats")).json()["claims"]
    assert all(t.result().json()["total"] == claims_in_all for t in slow)
    assert len(latencies) > 20
    assert _p99(latencies) < 0.020, sorted(latencies)[-5:]


@pytest.mark.anyio
async def test_cheap_queries_waiting_on_postgresql_leave_the_event_loop_free(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, no_gc_pauses: None
) -> None:
    """On PostgreSQL a cheap query is awaited on the event loop (the async driver): while 8
    of them wait on the server, `/health` and cached answers keep a p99 under 20 ms. A
    blocking driver call there would hold the loop for the whole wait."""
    runner = client._transport.app.state.queries  # type: ignore[attr-defined]
    if runner.async_engine is None:
        pytest.skip("SQLite runs cheap queries inline, under a budget (tests below)")
    original = claims.citations_for

    def waits_on_the_server(conn: Any, **kwargs: Any) -> Any:
        conn.exec_driver_sql(f"SELECT pg_sleep({SLOW_SECONDS / 2})")
        return original(conn, **kwargs)

    monkeypatch.setattr(claims, "citations_for", waits_on_the_server)
    assert (await client.get("/v1/stats")).status_code == 200  # now cached
    slow = [asyncio.create_task(client.get(f"/v1/claims?limit={n + 1}")) for n in range(8)]
    await asyncio.sleep(0.1)
    latencies = []
    while not all(task.done() for task in slow):
        for path in ("/health", "/v1/stats"):
            started = time.perf_counter()
            assert (await client.get(path)).status_code == 200
            latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)
    assert [len(t.result().json()["items"]) for t in slow] == list(range(1, 9))
    assert len(latencies) > 10
    assert _p99(latencies) < 0.020, sorted(latencies)[-5:]


@pytest.mark.anyio
async def test_full_text_claim_queries_run_off_the_event_loop(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/v1/claims?q=...` (a full-text match over every quote) used to run on the event loop."""
    original = claim_filters.claim_ids_matching

    def slow_match(conn: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)
        return original(conn, **kwargs)

    monkeypatch.setattr(claim_filters, "claim_ids_matching", slow_match)
    finished: list[str] = []

    async def get(path: str) -> httpx.Response:
        response = await client.get(path)
        finished.append(path)
        return response

    slow = asyncio.create_task(get("/v1/claims?q=prisoner"))
    await asyncio.sleep(0.1)  # on the loop, the search would hold it for a second here
    assert (await get("/health")).status_code == 200
    assert (await slow).json()["items"]
    assert finished == ["/health", "/v1/claims?q=prisoner"]


@pytest.mark.anyio
async def test_past_the_queue_bound_a_request_gets_a_fast_503(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = facets.claim_facets

    def slow_facets(conn: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)
        return original(conn, **kwargs)

    monkeypatch.setattr(facets, "claim_facets", slow_facets)
    async for client in _client(database_url, response_cache_bytes=0):
        runner = client._transport.app.state.queries  # type: ignore[attr-defined]
        runner.long.size, runner.long.max_waiting = 1, 1
        running = asyncio.create_task(client.get("/v1/claims/facets"))
        await asyncio.sleep(0.1)
        queued = asyncio.create_task(client.get("/v1/claims/facets?limit=2"))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        refused = await client.get("/v1/claims/facets?limit=3")
        assert time.perf_counter() - started < 0.2
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "1"
        assert "busy" in refused.json()["detail"]
        assert (await running).status_code == 200
        assert (await queued).status_code == 200


@pytest.mark.anyio
async def test_a_request_waits_for_a_slot_no_longer_than_the_bound(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = facets.claim_facets

    def slow_facets(conn: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)
        return original(conn, **kwargs)

    monkeypatch.setattr(facets, "claim_facets", slow_facets)
    async for client in _client(database_url, response_cache_bytes=0):
        runner = client._transport.app.state.queries  # type: ignore[attr-defined]
        runner.long.size, runner.long.max_wait = 1, 0.2
        running = asyncio.create_task(client.get("/v1/claims/facets"))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        refused = await client.get("/v1/claims/facets?limit=2")
        assert 0.15 < time.perf_counter() - started < 0.6
        assert refused.status_code == 503
        assert (await running).status_code == 200


@pytest.mark.anyio
async def test_cheap_queries_run_inline_on_sqlite_and_on_the_async_driver_on_postgresql(
    client: httpx.AsyncClient,
) -> None:
    runner = client._transport.app.state.queries  # type: ignore[attr-defined]

    def runs() -> tuple[int, int, int, int]:
        return runner.inline_runs, runner.async_runs, runner.thread_runs, runner.process_runs

    before = runs()
    assert (await client.get("/v1/claims?limit=3")).status_code == 200
    cheap = tuple(now - then for now, then in zip(runs(), before, strict=True))
    if runner.engine.dialect.name == "sqlite":
        assert cheap == (1, 0, 0, 0)
    else:
        assert cheap == (0, 1, 0, 0)
    before = runs()
    assert (await client.get("/v1/claims?limit=3&count=true")).status_code == 200
    inline, on_loop, threads, processes = (
        now - then for now, then in zip(runs(), before, strict=True)
    )
    assert (inline, on_loop, threads + processes) == (0, 0, 1)


def _admission(client: httpx.AsyncClient) -> Any:
    app = client._transport.app  # type: ignore[attr-defined]
    admission = app.middleware_stack
    while type(admission).__name__ != "AdmissionMiddleware":
        admission = admission.app
    return admission


@pytest.mark.anyio
async def test_admission_lets_health_and_cached_answers_pass_a_full_house(
    database_url: str,
) -> None:
    """With every admission place taken (by a request working on the event loop), `/health`
    and cached answers are still served, and a request past the admission queue gets a fast
    503 problem."""
    async for client in _client(database_url, max_active_requests=1):
        assert (await client.get(CLAIM)).status_code == 200  # cached from now on
        admission = _admission(client)
        admission.slots.max_waiting = 0
        busy = object()
        await admission.slots.acquire(busy)
        started = time.perf_counter()
        assert (await client.get("/health")).status_code == 200
        assert (await client.get(CLAIM)).headers["x-cache"] == "hit"
        refused = await client.get("/v1/claims?limit=7")
        assert time.perf_counter() - started < 0.3
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "1"
        admission.slots.release(busy)
        assert (await client.get("/v1/claims?limit=7")).status_code == 200


@pytest.mark.anyio
async def test_a_request_waiting_on_a_worker_thread_gives_its_admission_up(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one admission place, a slow facets query on a worker thread does not hold it:
    a cheap page is served meanwhile, and the facets still answer."""
    original = facets.claim_facets

    def slow_facets(conn: Any, **kwargs: Any) -> Any:
        time.sleep(SLOW_SECONDS)
        return original(conn, **kwargs)

    monkeypatch.setattr(facets, "claim_facets", slow_facets)
    async for client in _client(database_url, max_active_requests=1, response_cache_bytes=0):
        assert (await client.get("/health")).status_code == 200  # the middleware is built
        _admission(client).slots.max_waiting = 0
        busy = asyncio.create_task(client.get("/v1/claims/facets"))
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        page = await client.get("/v1/claims?limit=7")
        assert time.perf_counter() - started < 0.3
        assert page.status_code == 200
        assert not busy.done()
        facets_response = await busy
        assert facets_response.status_code == 200
        claims_in_all = (await client.get("/v1/stats")).json()["claims"]
        assert facets_response.json()["total"] == claims_in_all


SLOW_SQL = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) "
    "SELECT count(*) FROM n"
)


@pytest.mark.anyio
async def test_a_query_overrunning_the_inline_budget_finishes_on_a_thread(
    database_url: str, monkeypatch: pytest.MonkeyPatch, no_gc_pauses: None
) -> None:
    """A query not known to be long (here a claim by id whose SQL turns out to take most of
    a second) holds the event loop no longer than the inline budget on SQLite: interrupted,
    it runs again on a worker thread and answers the same, while `/health` stays fast."""
    original = claims.get_claim

    def slow_get_claim(conn: Any, **kwargs: Any) -> Any:
        assert conn.exec_driver_sql(SLOW_SQL).scalar() == 3_000_000
        return original(conn, **kwargs)

    async for client in _client(database_url, response_cache_bytes=0):
        expected = (await client.get(CLAIM)).json()
        monkeypatch.setattr(claims, "get_claim", slow_get_claim)
        runner = client._transport.app.state.queries  # type: ignore[attr-defined]
        before = (runner.overruns, runner.thread_runs)
        finished: list[str] = []

        async def get(
            path: str, client: httpx.AsyncClient = client, finished: list[str] = finished
        ) -> httpx.Response:
            response = await client.get(path)
            finished.append(path)
            return response

        slow = asyncio.create_task(get(CLAIM))
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        assert (await get("/health")).status_code == 200
        assert time.perf_counter() - started < 0.1
        response = await slow
        assert response.status_code == 200
        assert response.json() == expected
        assert finished == ["/health", CLAIM]
        if runner.engine.dialect.name == "sqlite":
            assert runner.overruns - before[0] == 1
            assert runner.thread_runs - before[1] == 1
        else:  # every query on a thread (`/health`'s check too): nothing to interrupt
            assert runner.overruns - before[0] == 0
