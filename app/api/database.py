"""How a request reaches the database: inline where that is cheapest, awaited through an
async driver on a server database, in worker processes when long, and a fast 503 past the
bounds.

- SQLite, any query not known to be long (a page by keyset, a record by id, a page with a
  value range): tried on the event loop first, under a budget of SQLite VM steps
  (`INLINE_BUDGET_STEPS`, 100,000 by default: 1-3 ms of SQLite work here, at 35,000-110,000
  steps per ms). Its SQL usually takes well under a millisecond (a filtered page ~24,000
  steps), less than a hop to a thread and back (40-250 us measured here;
  `scripts/measure_db_access.py` times whole requests both ways). SQLite's progress handler
  counts the steps; a query that overruns them is interrupted and run again on a worker
  thread, so no query holds the event loop for longer than the budget, whatever its
  filters. Only one inline query runs at a time (it does not await), and the pool always
  has a connection free for it (see `pool_size`), so the event loop never waits for one.
- PostgreSQL, a query not known to be long: awaited on the event loop through psycopg's
  asyncio interface (`run_versioned_async`), at most `quick_slots` at a time, each with a
  connection of its own. On threads every round trip gave the GIL up and waited to get it
  back from the busy loop (claim by id at 32 connections: 512 req/s, 825 awaited).
- Long queries on either engine (full-text `q`, exact counts, `latest`, facets, series,
  search, disagreements, stats, and SQLite queries that overran their budget): in worker
  processes (app/api/workers.py), or on worker threads with `WORKER_PROCESSES=false`, at
  most `long_slots` at a time. The pool holds one connection per slot, so a thread never
  waits for one either.
- A request that would wait for a slot behind `max_waiting` others, or longer than
  `max_wait` seconds, gets a 503 problem with `Retry-After` instead of a stall.

Every run records the dataset version its connection read (`dataset_version_of`) in the
request's state: the response cache keys and tags the answer with it (app/api/caching.py),
so an answer computed on one dataset can never be served as another's.
"""

import functools
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, TypeVar

import anyio
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Scope

from app.api.workers import prestart, process_pool, run_in_process
from app.queries.version import dataset_version_of, run_versioned, run_versioned_async

T = TypeVar("T")

# Set in a request's scope["state"] by every run; read by the response cache.
STATE_VERSION = "dataset_version"
# Set by app/api/admission.py: the request's admission, given up while it waits on a thread.
STATE_ADMISSION = "admission"
MIXED = "mixed"  # a request whose runs read two different datasets (a reload in between)
# How often (in SQLite VM steps) the inline budget is checked: each check is a call into
# Python, which must take the GIL back from any worker thread running Python (up to the
# switch interval, 5 ms): checked every 1,000 steps, a page waited ~24 times under load.
BUDGET_CHECKS = 4  # per budget: a typical page (~24,000 steps) makes one
# The inline budget's backstop in wall-clock time, for a query that does little work per step
# (a cold read from disk): the step count alone would let it hold the event loop.
BUDGET_WALL_SECONDS = 0.05
QUICK_SLOTS = 8  # quick queries at once off the event loop (or awaiting the async driver)


class _Budget:
    """SQLite's progress handler for an inline run: interrupts the statement running once
    the run has taken `steps` VM steps (or BUDGET_WALL_SECONDS), SQLite then raising
    "interrupted", and remembers that it did. Counted in steps, not time: under load the
    handler may wait for the GIL, and a clock would then interrupt cheap queries."""

    __slots__ = ("checks_left", "deadline", "exceeded")

    def __init__(self, steps: int) -> None:
        self.checks_left = BUDGET_CHECKS
        self.deadline = time.perf_counter() + BUDGET_WALL_SECONDS
        self.exceeded = False

    def __call__(self) -> int:
        self.checks_left -= 1
        if self.checks_left < 0 or time.perf_counter() > self.deadline:
            self.exceeded = True
            return 1
        return 0


class OverloadedError(Exception):
    """Every worker slot is taken and the queue is full (or moved too slowly): come back
    later. Answered as 503 with `Retry-After`."""

    def __init__(self, what: str, retry_after: int = 1) -> None:
        super().__init__(f"the server is busy ({what}); retry in {retry_after} s")
        self.retry_after = retry_after


class Slots:
    """A bounded number of concurrent runs, and a bounded queue in front of them."""

    def __init__(self, name: str, size: int, *, max_waiting: int, max_wait: float) -> None:
        self.name = name
        self.size = size
        self.max_waiting = max_waiting
        self.max_wait = max_wait
        self.waiting = 0
        self._limiters: tuple[anyio.CapacityLimiter, anyio.CapacityLimiter] | None = None

    def _made(self) -> tuple[anyio.CapacityLimiter, anyio.CapacityLimiter]:
        # Made on first use: a limiter belongs to the running event loop.
        if self._limiters is None:
            self._limiters = (anyio.CapacityLimiter(self.size), anyio.CapacityLimiter(self.size))
        return self._limiters

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """Held for a whole run; acquired with a deadline."""
        return self._made()[0]

    @property
    def threads(self) -> anyio.CapacityLimiter:
        """The threads behind the slots, as many as the slots, so a slot holder never waits
        for one (AnyIO's default limiter is shared with Starlette's own thread work)."""
        return self._made()[1]

    async def acquire(self, borrower: object) -> None:
        """Take a slot for `borrower` (any object; released with it, from any task), waiting
        at most `max_wait` behind at most `max_waiting` others."""
        limiter = self.limiter
        if limiter.available_tokens == 0 and self.waiting >= self.max_waiting:
            raise OverloadedError(f"{self.waiting} waiting for a {self.name} slot")
        self.waiting += 1
        try:
            with anyio.move_on_after(self.max_wait) as waited:
                await limiter.acquire_on_behalf_of(borrower)
        finally:
            self.waiting -= 1
        if waited.cancelled_caught:
            raise OverloadedError(f"no {self.name} slot free within {self.max_wait:g} s")

    def release(self, borrower: object) -> None:
        self.limiter.release_on_behalf_of(borrower)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        borrower = object()
        await self.acquire(borrower)
        try:
            yield
        finally:
            self.release(borrower)


def record_version(scope: Scope, version: str) -> None:
    state = scope.setdefault("state", {})
    seen = state.get(STATE_VERSION)
    state[STATE_VERSION] = version if seen in (None, version) else MIXED


def recorded_version(scope: Scope) -> str | None:
    value = scope.get("state", {}).get(STATE_VERSION)
    return str(value) if value is not None else None


class QueryRunner:
    """One per application: the engine, the policy (inline or on a thread) and the slots."""

    def __init__(
        self,
        engine: Engine,
        *,
        inline: bool,
        export_engine: Engine | None = None,
        quick_slots: int = QUICK_SLOTS,
        long_slots: int = 4,
        export_slots: int = 2,
        max_exports: int = 32,
        max_waiting: int = 64,
        max_wait: float = 5.0,
        inline_budget_steps: int = 100_000,
        processes: bool = False,
        database_url: str = "",
        mmap_bytes: int = 0,
        async_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        # A server database's quick queries, awaited on the event loop (no thread hop).
        self.async_engine = async_engine
        # Long queries and export batches in worker processes (app/api/workers.py), as
        # many as the slots, started on first use; else on threads.
        self.processes = processes
        self.database_url = database_url
        self.mmap_bytes = mmap_bytes
        self.inline_budget_steps = inline_budget_steps
        self.export_engine = export_engine or engine
        self.inline = inline
        self.max_exports = max_exports
        self.exports = 0
        self.quick = Slots("quick query", quick_slots, max_waiting=max_waiting, max_wait=max_wait)
        self.long = Slots("long query", long_slots, max_waiting=max_waiting, max_wait=max_wait)
        self.export = Slots(
            "export batch", export_slots, max_waiting=max_waiting, max_wait=max_wait
        )
        self.inline_runs = 0
        self.thread_runs = 0
        self.async_runs = 0
        self.process_runs = 0
        self.overruns = 0  # inline runs interrupted by the budget and run again on a thread

    @staticmethod
    def pool_size(*, inline: bool, quick_slots: int = QUICK_SLOTS, long_slots: int = 4) -> int:
        """Enough connections that none is ever waited for: one per worker slot, one for
        the event loop's inline run, one for the dataset check."""
        return (0 if inline else quick_slots) + long_slots + 2

    def _call(
        self, query: Callable[..., T], kwargs: dict[str, Any], engine: Engine | None = None
    ) -> tuple[str, T]:
        return run_versioned(engine or self.engine, query, kwargs)

    def _call_within_budget(
        self, query: Callable[..., T], kwargs: dict[str, Any]
    ) -> tuple[str, T] | None:
        """`_call` on the event loop, interrupted past the inline budget: None if it was."""
        with self.engine.connect() as conn:
            driver = conn.connection.driver_connection
            budget = _Budget(self.inline_budget_steps)
            every = max(1, self.inline_budget_steps // BUDGET_CHECKS)
            driver.set_progress_handler(budget, every)  # type: ignore[union-attr]
            try:
                return dataset_version_of(conn), query(conn, **kwargs)
            except OperationalError:
                if budget.exceeded:
                    return None
                raise
            finally:
                driver.set_progress_handler(None, 0)  # type: ignore[union-attr]

    async def run(
        self, scope: Scope, query: Callable[..., T], /, long: bool = False, **kwargs: Any
    ) -> T:
        """`query(conn, **kwargs)`: on SQLite inline within the budget unless `long` (known
        to grow with the data); on PostgreSQL awaited on the async driver unless `long`;
        in a worker otherwise, or when the budget ran out."""
        if self.inline and not long:
            self.inline_runs += 1
            outcome = self._call_within_budget(query, kwargs)
            if outcome is not None:
                record_version(scope, outcome[0])
                return outcome[1]
            self.overruns += 1
            long = True
        if self.async_engine is not None and not long:
            async with self.quick.slot():
                self.async_runs += 1
                version, answer = await run_versioned_async(self.async_engine, query, kwargs)
            record_version(scope, version)
            return answer
        admission: AbstractAsyncContextManager[Any] = scope.get("state", {}).get(
            STATE_ADMISSION, nullcontext()
        )
        async with admission:  # off the event loop: a place for another request
            if long:
                version, result = await self.in_worker(self.long, query, kwargs)
            else:
                version, result = await self.in_thread(self.quick, self._call, query, kwargs)
        record_version(scope, version)
        return result

    async def run_unbounded(self, scope: Scope, query: Callable[..., T], /, **kwargs: Any) -> T:
        """`run` for a cheap query that must not wait for a slot: the health check (at most
        one at a time, once a second), which must answer while every slot is busy. On
        PostgreSQL it runs on a thread with the engine's spare connection."""
        if self.inline:
            return await self.run(scope, query, **kwargs)
        self.thread_runs += 1
        version, result = await anyio.to_thread.run_sync(
            functools.partial(run_versioned, self.engine, query, kwargs)
        )
        record_version(scope, version)
        return result

    def _pool(self, slots: Slots, *, export: bool) -> Any:
        return process_pool(
            self.database_url, mmap_bytes=0 if export else self.mmap_bytes, processes=slots.size
        )

    def start_workers(self) -> None:
        """Start the worker processes of long queries and exports (at the API's start)."""
        if self.processes:
            prestart(self._pool(self.long, export=False), self.long.size)
            prestart(self._pool(self.export, export=True), self.export.size)

    async def in_worker(
        self, slots: Slots, query: Callable[..., T], kwargs: dict[str, Any], *, export: bool = False
    ) -> tuple[str, T]:
        """`query(conn, **kwargs)` once `slots` has room: in a worker process of its own
        pool, or on a thread; with the dataset version it read."""
        if not self.processes:
            engine = self.export_engine if export else self.engine
            return await self.in_thread(slots, self._call, query, kwargs, engine)
        pool = self._pool(slots, export=export)
        async with slots.slot():
            self.process_runs += 1
            return await run_in_process(pool, query, kwargs)

    async def in_thread(self, slots: Slots, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` on a worker thread once `slots` has room (or OverloadedError)."""
        async with slots.slot():
            self.thread_runs += 1
            return await anyio.to_thread.run_sync(
                functools.partial(function, *args), limiter=slots.threads
            )

    def start_export(self) -> Callable[[], None]:
        """Count a streaming export in (OverloadedError past `max_exports`); the returned
        function counts it out, once, however often it is called."""
        if self.exports >= self.max_exports:
            raise OverloadedError(f"{self.exports} exports running", retry_after=5)
        self.exports += 1
        done = False

        def finish() -> None:
            nonlocal done
            if not done:
                done = True
                self.exports -= 1

        return finish

    async def export_batch(self, query: Callable[..., T], /, **kwargs: Any) -> tuple[str, T]:
        """One batch of an export, on an export worker with a briefly held connection of the
        export engine (SQLite without mmap, so a full export does not map the file into the
        process); with the dataset version it read."""
        return await self.in_worker(self.export, query, kwargs, export=True)
