"""What an uncached page costs beyond its own SQL (issue 12, target 1).

    python scripts/probe.py data/synthetic-200000-seed1.db            # 300 requests
    python scripts/probe.py data/synthetic-200000-seed1.db --requests 100 --rounds 5

In one process: `requests` different `/v1/claims?metric=..&stated_from=..&stated_to=..
&limit=50&max_value=..` URLs go through the ASGI app (httpx.AsyncClient over ASGITransport,
`RESPONSE_CACHE_BYTES=0`, the app's lifespan running). A `before_cursor_execute` listener on
the app's own engine records every statement and parameter tuple each request sends; those
exact statements are then replayed on a bare `sqlite3` connection to the same file (opened
`mode=ro`, with the app's `PRAGMA mmap_size`, each result fetched whole). The ratio
app-time / SQL-time per request is the cost of everything that is not SQLite: FastAPI,
SQLAlchemy, the record building, orjson, the middleware, httpx's in-process transport.

Each request is timed `rounds` times on both sides and its fastest time kept (the machine
is shared: the minimum is the least disturbed figure). Used by scripts/bench.py and by
tests/scale/test_probe.py.
"""

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Request:
    url: str
    statements: list[tuple[str, Any]] = field(default_factory=list)
    app_ns: int = 0
    sql_ns: int = 0
    overruns: int = 0  # rounds whose inline run overran its budget and went to a thread
    _clean: bool = False

    def record(self, elapsed: int, statements: list[tuple[str, Any]], *, overran: bool) -> None:
        """One round's time. A round that overran the inline budget ran its first statements
        twice (interrupted, then on a thread): its time is kept only while no round ran
        clean, and its statements are those of the completed run."""
        self.overruns += overran
        if overran:
            if self._clean:
                return
            statements = _completed_run(statements)
        elif not self._clean:
            self._clean, self.app_ns, self.statements = True, 0, []
        if self.statements and [s for s, _ in statements] != [s for s, _ in self.statements]:
            raise RuntimeError(f"{self.url}: different statements per round")
        self.statements = statements
        self.app_ns = elapsed if self.app_ns == 0 else min(self.app_ns, elapsed)

    @property
    def ratio(self) -> float:
        return self.app_ns / max(self.sql_ns, 1)


@dataclass
class ProbeResult:
    requests: list[Request]
    transport_floor_ns: int  # httpx + ASGITransport around an app that returns fixed bytes
    mmap_bytes: int

    def summary(self) -> dict[str, Any]:
        ratios = sorted(r.ratio for r in self.requests)
        app = [r.app_ns / 1000 for r in self.requests]
        sql = [r.sql_ns / 1000 for r in self.requests]
        floor_us = self.transport_floor_ns / 1000
        without = sorted(
            (r.app_ns - self.transport_floor_ns) / max(r.sql_ns, 1) for r in self.requests
        )
        return {
            "requests": len(self.requests),
            "statements_per_request": statistics.median(len(r.statements) for r in self.requests),
            "app_us_median": round(statistics.median(app), 1),
            "sql_us_median": round(statistics.median(sql), 1),
            "ratio_median": round(statistics.median(ratios), 2),
            "ratio_p90": round(_percentile(ratios, 0.9), 2),
            "transport_floor_us": round(floor_us, 1),
            "ratio_median_without_transport": round(statistics.median(without), 2),
            "ratio_p90_without_transport": round(_percentile(without, 0.9), 2),
            "mmap_bytes": self.mmap_bytes,
            "overran_requests": sum(1 for r in self.requests if r.overruns),
        }


def _completed_run(statements: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The statements of the run that completed: from the last time the first one was sent."""
    starts = [i for i, (s, _) in enumerate(statements) if s == statements[0][0]]
    return statements[starts[-1] :]


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def probe_urls(db: Path, count: int, seed: int = 1) -> list[str]:
    """`count` distinct filtered-page URLs, each built around a claim drawn from the file:
    its metric, the month it was stated in, and a `max_value` of 1-3x its value (so the page
    holds at least that claim, and the value range varies)."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        total = con.execute("SELECT max(rowid) FROM claim").fetchone()[0]
        step = max(1, total // (count * 4))
        sample = con.execute(
            "SELECT metric_id, substr(stated_on, 1, 7), value FROM claim "
            "WHERE rowid % ? = 0 AND stated_on IS NOT NULL AND value > 0 "
            "AND stated_on_precision != 'year'",
            (step,),
        ).fetchall()
    urls: list[str] = []
    seen: set[str] = set()
    while len(urls) < count:
        metric, month, value = rng.choice(sample)
        query = urllib.parse.urlencode(
            {
                "metric": metric,
                "stated_from": month,
                "stated_to": month,
                "limit": 50,
                "max_value": f"{value * rng.uniform(1, 3):.0f}",
            }
        )
        url = f"/v1/claims?{query}"
        if url not in seen:
            seen.add(url)
            urls.append(url)
    return urls


async def _through_app(db: Path, requests: list[Request], rounds: int) -> tuple[int, int]:
    """Time each request through the app (fastest of `rounds`) and record its statements;
    returns (the httpx transport floor in ns, the app's mmap_size)."""
    import httpx
    from sqlalchemy import event
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from app.main import create_app
    from app.settings import Settings

    # Every query in this process, so that the listener sees every statement: a long query
    # (or one overrunning its inline budget) would otherwise run in a worker process. The
    # probe's pages are not long, and overruns are counted (`overran_requests`).
    settings = Settings(
        database_url=f"sqlite:///{db}", response_cache_bytes=0, worker_processes=False
    )
    app = create_app(settings)
    engine = app.state.engine
    current: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        current.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
                for _ in range(2):  # warm: pool, compiled-statement cache, pages
                    for r in requests:
                        (await client.get(r.url)).raise_for_status()
                runner = app.state.queries
                for _round in range(rounds):
                    for r in requests:
                        current.clear()
                        overruns = runner.overruns
                        started = time.perf_counter_ns()
                        response = await client.get(r.url)
                        elapsed = time.perf_counter_ns() - started
                        if response.status_code != 200:
                            raise RuntimeError(f"{r.url}: {response.status_code}")
                        r.record(elapsed, list(current), overran=runner.overruns != overruns)
    finally:
        event.remove(engine, "before_cursor_execute", capture)

    body = b"x" * 20_000

    async def fixed(_request: Any) -> Response:
        return Response(body, media_type="application/json")

    floor = Starlette(routes=[Route("/v1/claims", fixed)])
    best = []
    transport = httpx.ASGITransport(app=floor)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
        for r in requests:
            started = time.perf_counter_ns()
            await client.get(r.url)
            best.append(time.perf_counter_ns() - started)
    return int(statistics.median(best)), settings.sqlite_mmap_bytes


def _replay(db: Path, requests: list[Request], rounds: int, mmap_bytes: int) -> None:
    """Run each request's captured statements on a bare connection; fastest of `rounds`."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        con.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
        for r in requests:  # warm, as the app side was
            for statement, params in r.statements:
                con.execute(statement, params).fetchall()
        for round_ in range(rounds):
            for r in requests:
                started = time.perf_counter_ns()
                for statement, params in r.statements:
                    con.execute(statement, params).fetchall()
                elapsed = time.perf_counter_ns() - started
                r.sql_ns = elapsed if round_ == 0 else min(r.sql_ns, elapsed)
    finally:
        con.close()


def capture_statements(db: Path, urls: list[str]) -> dict[str, list[tuple[str, Any]]]:
    """The statements and parameters the app runs for each URL (response cache off)."""
    reqs = [Request(url) for url in urls]
    asyncio.run(_through_app(db, reqs, 1))
    return {r.url: r.statements for r in reqs}


# Where a profiled function's own time is counted: the first pattern found in its file name.
LAYERS = [
    (
        "sqlite3 (C: execute + fetch)",
        ("method 'execute' of 'sqlite3", "method 'fetchall' of 'sqlite3"),
    ),
    ("app.queries (filters, records)", ("/app/queries/",)),
    ("app.api (routes, deps, caching middleware)", ("/app/api/", "/app/main.py")),
    ("sqlalchemy (statement building, compile cache, result rows)", ("/sqlalchemy/",)),
    ("fastapi (params, dependencies, routing)", ("/fastapi/",)),
    ("pydantic", ("/pydantic", "pydantic_core")),
    ("starlette (routing, middleware, responses)", ("/starlette/",)),
    ("httpx + ASGITransport (the probe's client)", ("/httpx/", "/sniffio/", "importlib")),
    ("orjson", ("orjson",)),
    ("asyncio / anyio", ("/asyncio/", "/anyio/")),
]


def profile_layers(db: Path, *, requests: int = 300, seed: int = 1) -> dict[str, float]:
    """Microseconds per request of own (not cumulative) time per layer, under cProfile
    (which inflates Python-heavy layers; read the shares, not the absolute sum)."""
    import cProfile
    import pstats

    reqs = [Request(url) for url in probe_urls(db, requests, seed)]
    profiler = cProfile.Profile()

    async def run() -> None:
        import httpx

        from app.main import create_app
        from app.settings import Settings

        app = create_app(Settings(database_url=f"sqlite:///{db}", response_cache_bytes=0))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
                for r in reqs:
                    (await client.get(r.url)).raise_for_status()
                profiler.enable()
                for r in reqs:
                    await client.get(r.url)
                profiler.disable()

    asyncio.run(run())
    totals: dict[str, float] = {}
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def layer_of(key: tuple[str, int, str]) -> str | None:
        where = f"{key[0]}:{key[2]}"
        return next((label for label, keys in LAYERS if any(k in where for k in keys)), None)

    for key, (_cc, _nc, own, _cum, callers) in stats.items():
        layer = layer_of(key)
        if layer is None and key[0] == "~" and callers:
            # A builtin (isinstance, dict.get, ...): its time goes to its callers' layers.
            for caller, (_c, _n, caller_own, _ct) in callers.items():
                share = layer_of(caller) or "other (stdlib, ...)"
                totals[share] = totals.get(share, 0.0) + caller_own
            continue
        layer = layer or "other (stdlib, ...)"
        totals[layer] = totals.get(layer, 0.0) + own
    return {
        k: round(v * 1e6 / len(reqs), 1) for k, v in sorted(totals.items(), key=lambda x: -x[1])
    }


def run_probe(db: Path, *, requests: int = 300, rounds: int = 3, seed: int = 1) -> ProbeResult:
    reqs = [Request(url) for url in probe_urls(db, requests, seed)]
    floor_ns, mmap_bytes = asyncio.run(_through_app(db, reqs, rounds))
    _replay(db, reqs, rounds, mmap_bytes)
    return ProbeResult(reqs, floor_ns, mmap_bytes)


def describe(summary: dict[str, Any]) -> str:
    s = summary
    return (
        f"probe: {s['requests']} uncached filtered pages, {s['statements_per_request']} "
        f"statements each: app {s['app_us_median']} us vs their SQL on bare sqlite3 "
        f"{s['sql_us_median']} us (median); app/SQL median {s['ratio_median']}x, "
        f"p90 {s['ratio_p90']}x (httpx in-process transport alone {s['transport_floor_us']} "
        f"us; without it median {s['ratio_median_without_transport']}x, "
        f"p90 {s['ratio_p90_without_transport']}x); {s['overran_requests']} overran the "
        "inline budget in a round"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="print N requests' statements")
    parser.add_argument("--layers", action="store_true", help="cProfile: own time per layer")
    args = parser.parse_args(argv)
    if args.layers:
        layers = profile_layers(args.db.resolve(), requests=args.requests, seed=args.seed)
        for layer, us in layers.items():
            print(f"{us:9.1f} us/request  {layer}")
        print(f"{sum(layers.values()):9.1f} us/request  total under cProfile")
        return 0
    result = run_probe(
        args.db.resolve(), requests=args.requests, rounds=args.rounds, seed=args.seed
    )
    for r in result.requests[: args.show]:
        print(f"{r.url}: app {r.app_ns / 1000:.0f} us, SQL {r.sql_ns / 1000:.0f} us")
        for statement, params in r.statements:
            print(f"    {' '.join(statement.split())[:160]}  {params}")
    print(describe(result.summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
