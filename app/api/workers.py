"""Long queries and export batches in worker processes, not threads.

Why processes: a worker thread running Python (a series' points, an export's CSV rows) holds
the GIL, and the event loop thread, which gives the GIL up at every SQLite step of its
inline queries (once per row fetched), waits up to the switch interval (5 ms) to get it back
each time. Under the soak (scripts/soak.py: 32 connections, 8 slow export readers, 200,000
claims) single steps of cheap requests took 55-96 ms and `/health` p99 was 70-100 ms with
two long-query threads. A process has a GIL of its own: the event loop keeps its core.

Each pool belongs to one database URL and engine kind, is started with the API (or on first
use; a worker costs ~0.5 s of start-up and ~60 MB), and is shared by the apps of one process
(tests build many). Workers run at a lower priority (nice 10) and exit with the API process.
A worker reads with its own read-only engine; on SQLite it notices a reloaded file (a new
inode) before each query, as app/api/dataset.py does for the API's own engines.
Queries and their arguments cross by pickle: module-level functions, plain data.
"""

import asyncio
import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine

from app.db import create_read_engine, sqlite_path
from app.queries.version import run_versioned, tag_connections_with_version

T = TypeVar("T")

_pools: dict[tuple[str, int, int], ProcessPoolExecutor] = {}
PARENT_CHECK_SECONDS = 0.5
WORKER_NICENESS = 10


def process_pool(database_url: str, *, mmap_bytes: int, processes: int) -> ProcessPoolExecutor:
    """The shared pool of `processes` workers reading `database_url`."""
    key = (database_url, mmap_bytes, processes)
    pool = _pools.get(key)
    if pool is None:
        pool = ProcessPoolExecutor(
            max_workers=processes,
            # Not fork: the API process has threads and open connections a child must not
            # inherit.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(database_url, mmap_bytes),
        )
        _pools[key] = pool
    return pool


def prestart(pool: ProcessPoolExecutor, processes: int) -> None:
    """Start the pool's workers now (the API starts them with itself): a worker is started
    on demand otherwise, which blocks the event loop for 20-50 ms (fork and exec of a big
    process) and makes the first long queries wait ~0.5 s for it to import the app."""
    for _ in range(processes):
        pool.submit(os.getpid)  # each submit finding no idle worker starts one


async def run_in_process(
    pool: ProcessPoolExecutor, query: Callable[..., T], kwargs: dict[str, Any]
) -> tuple[str, T]:
    """`query(conn, **kwargs)` in a worker, with the dataset version its connection read."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, _run, query, kwargs)


@atexit.register
def _shutdown_pools() -> None:
    """At exit, stop the workers at once: a query still running has nobody to answer."""
    for pool in _pools.values():
        # `_processes`: ProcessPoolExecutor.terminate_workers() arrives only in Python 3.14.
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
    _pools.clear()


# -- in the worker process ---------------------------------------------------------------
_engine: Engine | None = None
_database_url = ""
_mmap_bytes = 0
_file_identity: tuple[int, int] | None = None


def _start_worker(database_url: str, mmap_bytes: int) -> None:
    global _database_url, _mmap_bytes
    _database_url, _mmap_bytes = database_url, mmap_bytes
    # Long queries are the batch work of this service: when the cores are all busy, the
    # event loop, which answers every request (`/health` among them), gets the CPU first.
    os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _open()


def _exit_with_parent(parent: int) -> None:
    """A worker outlives no API process, however it ends (SIGKILL included): it would wait
    for work forever, since it holds the write end of its own task queue."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _identity() -> tuple[int, int] | None:
    path = sqlite_path(_database_url)
    if path is None:
        return None
    stat = os.stat(path)
    return stat.st_ino, stat.st_mtime_ns


def _open() -> Engine:
    global _engine, _file_identity
    if _engine is not None:
        _engine.dispose()
    _file_identity = _identity()
    _engine = create_read_engine(_database_url, mmap_bytes=_mmap_bytes, pool_size=1)
    if sqlite_path(_database_url) is not None:
        tag_connections_with_version(_engine)
    return _engine


def _run(query: Callable[..., T], kwargs: dict[str, Any]) -> tuple[str, T]:
    engine = _engine
    try:
        replaced = _identity() != _file_identity
    except FileNotFoundError:
        replaced = False  # mid-swap: read what is open
    if engine is None or replaced:
        engine = _open()
    return run_versioned(engine, query, kwargs)
