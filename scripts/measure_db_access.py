"""Inline or a thread hop? Times cheap API requests both ways, in one process.

    uv run python scripts/measure_db_access.py --database-url sqlite:///data/synthetic-200000.db

Runs the same uncached requests (claim by id, a filtered page: every URL new) through the
ASGI app with the runner's policy as shipped (SQLite: cheap queries inline) and forced onto a
worker thread, one at a time and 32 at a time; prints the mean per request and the
throughput. The answer decides `QueryRunner.inline` (app/api/database.py).
"""

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.main import create_app
from app.settings import Settings


async def _requests(client: httpx.AsyncClient, paths: list[str], concurrency: int) -> float:
    queue = list(paths)

    async def worker() -> None:
        while queue:
            response = await client.get(queue.pop())
            assert response.status_code == 200, response.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


async def measure(database_url: str, n: int) -> None:
    app = create_app(Settings(database_url=database_url, response_cache_bytes=0))
    runner = app.state.queries
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://m") as client:
        ids = [c["id"] for c in (await client.get("/v1/claims?limit=500")).json()["items"]]
        metrics = [m["id"] for m in (await client.get("/v1/metrics")).json()["items"]]
        cases = {
            "claim by id": [f"/v1/claims/{ids[i % len(ids)]}" for i in range(n)],
            "filtered page": [
                f"/v1/claims?metric={metrics[i % len(metrics)]}&limit={10 + i % 40}"
                for i in range(n)
            ],
        }
        print(f"{'case':<16}{'policy':<9}{'conc':>5}{'ms/req':>9}{'req/s':>9}")
        for name, paths in cases.items():
            for concurrency in (1, 32):
                for policy, inline in (("inline", True), ("thread", False)):
                    runner.inline = inline
                    times = []
                    for _ in range(3):  # the cache is off: a repeat runs its queries again
                        times.append(await _requests(client, paths, concurrency))
                    best = min(times)
                    print(
                        f"{name:<16}{policy:<9}{concurrency:>5}"
                        f"{best / n * 1000:>9.3f}{n / best:>9.0f}"
                    )
        hop = []
        for _ in range(2000):
            started = time.perf_counter()
            await anyio.to_thread.run_sync(int)
            hop.append(time.perf_counter() - started)
        print(f"bare thread hop (anyio.to_thread.run_sync): {statistics.median(hop) * 1e6:.0f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", type=int, default=600, help="requests per case")
    args = parser.parse_args()
    asyncio.run(measure(args.database_url, args.n))


if __name__ == "__main__":
    main()
