"""Benchmark the API on a million claims against the framework ceiling and Datasette.

    python scripts/bench.py                       # everything, ~11 minutes on 2 cores
    python scripts/bench.py --duration 3 --skip-loader --connections 32
    python scripts/bench.py --postgres-url postgresql+psycopg://...   # and the API on PostgreSQL

In one run, on loopback only:
1. the loader: a generated dataset (scripts/generate.py) written by the real bulk path,
   claim-table rows/s side by side with a bare `sqlite3` `executemany` of the same rows in
   one transaction (generating the benchmark database first if it is missing);
2. the API (uvicorn, 1 worker) under `wrk` at each connection count, for a fixed mix of
   requests, twice: as shipped, its response cache primed with the mix ("api"), and with
   the cache off, every request running its queries ("api_nocache");
3. the same request mix against a bare Starlette app returning exactly those bytes (the
   framework ceiling, same uvicorn) and against Datasette serving the same database file
   (the equivalent SQL through its JSON API);
4. the API process's memory while it streams the full CSV export;
5. with --postgres-url, the same mix against the API on PostgreSQL (cache primed and off),
   once that database is shown to hold the same dataset version as the SQLite file.

Prints requests/s, p50 and p99 per endpoint with the ratios to both references and writes
everything to bench-results.json.
"""

import argparse
import contextlib
import gc
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

DEFAULT_DB = ROOT / "data" / "synthetic-{claims}-seed{seed}.db"
TARGETS = ("api", "api_nocache", "starlette", "datasette", "api_pg", "api_pg_nocache")
API_TARGETS = ("api", "api_nocache", "api_pg", "api_pg_nocache")
API_LABELS = {
    "api": "SQLite, as shipped, cache primed",
    "api_nocache": "SQLite, cache off",
    "api_pg": "PostgreSQL, as shipped, cache primed",
    "api_pg_nocache": "PostgreSQL, cache off",
}
CLAIM_PAGE = 50


# --- the request mix ---------------------------------------------------------------------
@dataclass
class Variant:
    path: str  # the request target the API answers (path + query)
    sql: str  # what Datasette runs for the same answer
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    name: str
    what: str
    variants: list[Variant]


# Datasette gets, for a claims page, the very statement the API runs for it (captured from
# app.queries.claims) with the page's citations as a JSON column, in one request.
WITH_CITATIONS = (
    "SELECT p.*, (SELECT json_group_array(json_object('source_id', ci.source_id, "
    "'source_title', s.title, 'quote', ci.quote, 'char_start', ci.char_start, "
    "'char_end', ci.char_end)) FROM citation ci JOIN source s ON s.id = ci.source_id "
    "WHERE ci.claim_id = p.id) AS citations FROM ({page}) AS p"
)
CLAIM_SELECT = (
    "SELECT c.*, m.name AS metric_name, m.kind AS metric_kind, sp.name AS speaker_name, "
    "su.name AS subject_name, e.title AS event_title FROM claim c "
    "JOIN metric m ON m.id = c.metric_id JOIN entity sp ON sp.id = c.speaker_id "
    "JOIN entity su ON su.id = c.subject_id LEFT JOIN event e ON e.id = c.event_id"
)
SORTS = {
    "stated_on": ("sort_stated", "ASC"),
    "-value": ("sort_value", "DESC"),
    "period_end": ("sort_period_end", "ASC"),
}


class ApiSql:
    """The page statement `app.queries.claims` runs for given filters, as Datasette SQL:
    integers inlined, other parameters named (:p0, :p1, ...)."""

    def __init__(self, db: Path) -> None:
        from sqlalchemy import event

        from app.db import create_read_engine

        self.engine = create_read_engine(f"sqlite:///{db}")
        self.statements: list[tuple[str, Any]] = []
        event.listen(self.engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def page(self, run: Any) -> tuple[str, dict[str, Any]]:
        self.statements.clear()
        with self.engine.connect() as conn:
            run(conn)
        pages = [(st, p) for st, p in self.statements if "metric_name" in st]
        statement, params = pages[0]
        named: dict[str, Any] = {}
        parts = statement.split("?")
        sql = parts[0]
        for i, (value, rest) in enumerate(zip(params, parts[1:], strict=True)):
            if isinstance(value, int):
                sql += str(value) + rest
            else:
                named[f"p{i}"] = value
                sql += f":p{i}" + rest
        return WITH_CITATIONS.format(page=sql), named

    def claims(self, **kwargs: Any) -> tuple[str, dict[str, Any]]:
        from app.queries.claims import list_claims

        return self.page(lambda conn: list_claims(conn, **kwargs))

    def close(self) -> None:
        self.engine.dispose()


def build_cases(db: Path) -> list[Case]:
    """The request mix, with ids, months and cursors taken from the database."""
    from app.queries.pagination import encode_cursor

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = con.execute

    def column(sql: str, *args: Any) -> list[Any]:
        return [r[0] for r in q(sql, args)]

    from app.dates import parse_partial_date
    from app.queries.claim_filters import ClaimFilters
    from app.queries.claims import get_claim
    from app.queries.keyset import ClaimSort

    api_sql = ApiSql(db)
    total = q("SELECT count(*) FROM claim").fetchone()[0]
    metrics = column("SELECT metric_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 2")
    months = ["2024-11", "2025-02", "2025-05", "2025-08", "2025-11"]
    metric_dates = []
    for metric in metrics:
        for month in months:
            month_dates = parse_partial_date(month)
            filters = ClaimFilters(
                metric=[metric], stated_from=month_dates.first_day, stated_to=month_dates.last_day
            )
            metric_dates.append(
                Variant(
                    f"/v1/claims?metric={metric}&stated_from={month}&stated_to={month}",
                    *api_sql.claims(filters=filters),
                )
            )
    speakers = column("SELECT speaker_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 10")
    by_speaker = [
        Variant(f"/v1/claims?speaker={s}", *api_sql.claims(filters=ClaimFilters(speaker=[s])))
        for s in speakers
    ]
    first, deep = [], []
    for sort, (col, direction) in SORTS.items():
        first.append(
            Variant(
                f"/v1/claims?sort={sort}",
                *api_sql.claims(filters=ClaimFilters(), sort=ClaimSort(sort)),
            )
        )
        for share in (0.5, 0.7, 0.9):
            value, last_id = q(
                f"SELECT {col}, id FROM claim ORDER BY {col} {direction}, id {direction} "
                f"LIMIT 1 OFFSET ?",
                (int(total * share),),
            ).fetchone()
            cursor = encode_cursor(sort, value, last_id)
            deep.append(
                Variant(
                    f"/v1/claims?sort={sort}&cursor={cursor}",
                    *api_sql.claims(filters=ClaimFilters(), sort=ClaimSort(sort), cursor=cursor),
                )
            )
    step = max(1, total // 20)
    ids = column("SELECT id FROM claim WHERE rowid % ? = 7 LIMIT 20", step)
    by_id = [
        Variant(f"/v1/claims/{i}", *api_sql.page(lambda c, i=i: get_claim(c, claim_id=i)))
        for i in ids
    ]
    api_sql.close()
    # Chart-sized series: a metric's claims about a subject by one speaker (200-1000 points).
    metric, subject = "personnel-casualties", "russian-forces"
    series_speakers = column(
        "SELECT speaker_id FROM claim WHERE metric_id = ? AND subject_id = ? GROUP BY 1 "
        "HAVING count(*) BETWEEN 200 AND 1000 ORDER BY count(*) DESC LIMIT 5",
        metric,
        subject,
    )
    series = [
        Variant(
            f"/v1/metrics/{metric}/series?speaker={s}&subject={subject}",
            f"{CLAIM_SELECT} WHERE c.metric_id = :m AND c.speaker_id = :s AND "
            "c.subject_id = :su ORDER BY c.sort_stated, c.id",
            {"m": metric, "s": s, "su": subject},
        )
        for s in series_speakers
    ]
    words = ["Makhnovka", "Syrsky", "helicopters", "Akhmat", "Kovalenko", "Plekhovo"]
    search = [
        Variant(
            f"/v1/search?q={w}",
            "SELECT d.kind, d.ref_id, d.title, "
            "snippet(search_fts, -1, '<mark>', '</mark>', '…', 16) AS snippet, "
            "bm25(search_fts) AS rank FROM search_fts JOIN search_document d "
            "ON d.id = search_fts.rowid WHERE search_fts MATCH :q "
            "ORDER BY rank, d.kind, d.ref_id LIMIT 21",
            {"q": f'"{w}"'},
        )
        for w in words
    ]
    facet_speakers = column(
        "SELECT speaker_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 5 OFFSET 10"
    )
    facet_sql = (
        "WITH m AS (SELECT * FROM claim WHERE speaker_id = :s) "
        "SELECT 'total' AS facet, NULL AS value, NULL AS label, count(*) AS n FROM m "
        "UNION ALL SELECT 'metric', m.metric_id, x.name, count(*) FROM m "
        "JOIN metric x ON x.id = m.metric_id GROUP BY 2 "
        "UNION ALL SELECT 'speaker', m.speaker_id, x.name, count(*) FROM m "
        "JOIN entity x ON x.id = m.speaker_id GROUP BY 2 "
        "UNION ALL SELECT 'subject', m.subject_id, x.name, count(*) FROM m "
        "JOIN entity x ON x.id = m.subject_id GROUP BY 2 "
        "UNION ALL SELECT 'qualifier', qualifier, qualifier, count(*) FROM m GROUP BY 2 "
        "UNION ALL SELECT 'stated_month', substr(stated_on, 1, 7), NULL, count(*) FROM m "
        "GROUP BY 2 "
        "UNION ALL SELECT 'source', ci.source_id, s.title, count(DISTINCT ci.claim_id) "
        "FROM citation ci JOIN source s ON s.id = ci.source_id "
        "WHERE ci.claim_id IN (SELECT id FROM m) GROUP BY 2"
    )
    facets = [
        Variant(f"/v1/claims/facets?speaker={s}", facet_sql, {"s": s}) for s in facet_speakers
    ]
    con.close()
    return [
        Case("claims_metric_dates", "/v1/claims by metric + stated month", metric_dates),
        Case("claims_speaker", "/v1/claims by speaker", by_speaker),
        Case("claims_first_page", "/v1/claims first page, 3 sorts", first),
        Case("claims_deep_page", "/v1/claims keyset page at 50-90% depth", deep),
        Case("claim_by_id", "/v1/claims/{id}", by_id),
        Case("series", "/v1/metrics/{id}/series, one speaker+subject", series),
        Case("search", "/v1/search one word (FTS5)", search),
        Case("facets", "/v1/claims/facets by speaker", facets),
    ]


# --- servers -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A child process serving HTTP on 127.0.0.1:port, stopped by its own pid."""

    def __init__(self, name: str, cmd: list[str], port: int, env: dict[str, str]) -> None:
        self.name, self.port = name, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the server)
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=self.log
        )

    def wait(self, path: str = "/", timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{self.name} exited:\n{self.log.read().decode()[-3000:]}")
            try:
                if httpx.get(self.base + path, timeout=5).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in {timeout}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_api(
    db: Path,
    *,
    cache: bool = False,
    mmap_bytes: int | None = None,
    database_url: str | None = None,
) -> Server:
    """The API: uvicorn, one worker, access log off; the response cache as shipped or off;
    on the SQLite file, or on `database_url` (PostgreSQL holding the same dataset)."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--workers", "1", "--no-access-log", "--log-level", "warning"]
    env = {"DATABASE_URL": database_url or f"sqlite:///{db}"}
    if not cache:
        env["RESPONSE_CACHE_BYTES"] = "0"
    if mmap_bytes is not None:
        env["SQLITE_MMAP_BYTES"] = str(mmap_bytes)
    server = Server("api", cmd, port, env)
    server.wait("/health")
    return server


def start_starlette(bodies_file: Path) -> Server:
    port = free_port()
    cmd = [sys.executable, __file__, "--serve-static", str(bodies_file), "--port", str(port)]
    server = Server("starlette", cmd, port, {})
    server.wait("/__ready")
    return server


DATASETTE_DB = "facts"


def start_datasette(db: Path) -> Server:
    """Datasette serving the same file, immutable, with room for the heavier queries."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-datasette-"))
    link = folder / f"{DATASETTE_DB}.db"
    link.symlink_to(db)
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(link), "-h", "127.0.0.1"]
    cmd += ["-p", str(port), "--setting", "sql_time_limit_ms", "30000"]
    cmd += ["--setting", "max_returned_rows", "5000", "--setting", "num_sql_threads", "3"]
    server = Server("datasette", cmd, port, {})
    server.wait("/-/versions.json")
    return server


def serve_static(bodies_file: Path, port: int) -> None:
    """The framework ceiling: Starlette returning the captured bytes for each request."""
    import pickle

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    with bodies_file.open("rb") as f:
        bodies: dict[str, tuple[bytes, str]] = pickle.load(f)

    async def answer(request: Request) -> Response:
        scope = request.scope
        key = scope["raw_path"].decode()
        if scope["query_string"]:
            key += "?" + scope["query_string"].decode()
        found = bodies.get(key)
        if found is None:
            return Response(
                b"ready" if key == "/__ready" else b"", 200 if key == "/__ready" else 404
            )
        return Response(found[0], media_type=found[1])

    app = Starlette(routes=[Route("/{path:path}", answer)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- the load generator ------------------------------------------------------------------
def wrk(base: str, paths: list[str], connections: int, seconds: float) -> dict[str, Any]:
    """Run wrk round-robin over `paths`; requests/s, latency percentiles, errors."""
    script = "local paths = {\n"
    script += "".join(f"  [==[{p}]==],\n" for p in paths)
    script += "}\nlocal i = 0\n"
    script += "request = function()\n  i = i + 1\n"
    script += "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    threads = min(connections, 2)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    cmd += ["--timeout", "30s", "--latency", "-s", f.name, base]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(f.name)
    return parse_wrk(out)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out: str) -> dict[str, Any]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    total = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    requests = int(total.group(1))
    return {
        "rps": float(rps.group(1)),
        # No answer at all in the whole run: the server stalled.
        "p50_ms": _ms(p50.group(1)) if requests else None,
        "p99_ms": _ms(p99.group(1)) if requests else None,
        "requests": requests,
        "stalled": requests == 0,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sock.group(1).strip() if sock else None,
    }


# --- the loader --------------------------------------------------------------------------
def measure_loader(claims: int, seed: int, target: Path) -> dict[str, Any]:
    """Generate, build and write `claims` claims to `target` through the real loader, then
    insert the same claim rows with a bare executemany, side by side."""
    from sqlmodel import SQLModel

    from app.loader import write as loader_write
    from scripts.generate import build, generate, write

    started = time.perf_counter()
    generated = generate(claims=claims, seed=seed)
    dataset = build(generated.seeds)
    built = time.perf_counter() - started
    t0 = time.perf_counter()
    timings = write(dataset, f"sqlite:///{target}")
    write_seconds = time.perf_counter() - t0
    rows = dataset.rows("claim")
    table = SQLModel.metadata.tables["claim"]
    columns = [c for c in table.columns if c.key in rows[0]]
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    convert = loader_write._row_converter(columns, sqlite_dialect.dialect())
    tuples = [convert(r) for r in rows]  # untimed: the bare insert gets ready-made tuples
    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as con:
        ddl = con.execute("SELECT sql FROM sqlite_master WHERE name = 'claim'").fetchone()[0]
    names = ", ".join(f'"{c.name}"' for c in columns)
    sql = f"INSERT INTO claim ({names}) VALUES ({', '.join('?' * len(columns))})"
    bare: dict[str, float] = {}
    for label, pragmas in (
        ("default pragmas", []),
        ("loader's pragmas", ["journal_mode = MEMORY", "synchronous = OFF"]),
    ):
        scratch = target.with_name(f"{target.name}.bare")
        scratch.unlink(missing_ok=True)
        con = sqlite3.connect(scratch)
        for pragma in pragmas:
            con.execute(f"PRAGMA {pragma}")
        con.execute(ddl)
        t0 = time.perf_counter()
        con.executemany(sql, tuples)
        con.commit()
        bare[label] = len(tuples) / (time.perf_counter() - t0)
        con.close()
        scratch.unlink()
    claim_rate = len(rows) / timings["claim"]
    result = {
        "claims": len(rows),
        "counts": generated.counts,
        "version": dataset.version,
        "generate_and_build_seconds": round(built, 1),
        "write_seconds": round(write_seconds, 1),
        "write_steps_seconds": {k: round(v, 2) for k, v in timings.items()},
        "loader_claim_rows_per_s": round(claim_rate),
        "bare_executemany_rows_per_s": round(bare["default pragmas"]),
        "bare_executemany_loader_pragmas_rows_per_s": round(bare["loader's pragmas"]),
        "loader_vs_bare": round(claim_rate / bare["default pragmas"], 3),
    }
    del tuples, rows, dataset, generated
    gc.collect()
    return result


# --- memory while exporting ----------------------------------------------------------------
def rss(pid: int) -> dict[str, int]:
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0]) // 1024  # MiB
    return fields


def measure_export(db: Path, mmap_bytes: int | None = None) -> dict[str, Any]:
    """Stream the full CSV export from a fresh API process, sampling its memory (VmRSS,
    and apart: anonymous memory, the heap; file-backed, the mmap'ed database pages)."""
    server = start_api(db, mmap_bytes=mmap_bytes)
    try:
        pid = server.proc.pid
        before = rss(pid)
        samples: list[dict[str, int]] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(rss(pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        size = lines = 0
        with httpx.stream("GET", server.base + "/v1/export/claims.csv", timeout=600) as response:
            announced = int(response.headers["x-row-count"])
            for chunk in response.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\r\n")
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        return {
            "rows_announced": announced,
            "csv_lines": lines,
            "bytes": size,
            "seconds": round(seconds, 1),
            "rows_per_s": round(announced / seconds),
            "rss_mib_before": before,
            "rss_mib_peak": {k: max(s[k] for s in samples) for k in before},
            "rss_mib_last": samples[-1] if samples else None,
            "samples": len(samples),
        }
    finally:
        server.stop()


# --- the run -------------------------------------------------------------------------------
def capture_bodies(server: Server, cases: list[Case]) -> dict[str, tuple[bytes, str]]:
    bodies = {}
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for case in cases:
            for v in case.variants:
                response = client.get(v.path)
                if response.status_code != 200:
                    raise RuntimeError(f"{v.path}: {response.status_code} {response.text[:300]}")
                bodies[v.path] = (response.content, response.headers["content-type"])
    return bodies


def prime_cache(server: Server, paths: list[str]) -> Server:
    """Request every path of the mix once, so that the measured run finds them cached, and
    check that a second request is a hit."""
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for path in paths:
            client.get(path).raise_for_status()
        for path in paths:
            if client.get(path).headers.get("x-cache") != "hit":
                raise RuntimeError(f"{path}: not answered from the response cache")
    return server


def datasette_paths(db_name: str, case: Case) -> list[str]:
    paths = []
    for v in case.variants:
        query = {"sql": v.sql, "_shape": "array", **{k: str(x) for k, x in v.params.items()}}
        paths.append(f"/{db_name}.json?" + urllib.parse.urlencode(query))
    return paths


def check_datasette(server: Server, paths: list[str]) -> int:
    """Every Datasette query answers 200 with rows; returns the mean body size."""
    sizes = []
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or not response.json():
                raise RuntimeError(
                    f"datasette {path[:200]}: {response.status_code} {response.text[:300]}"
                )
            sizes.append(len(response.content))
    return sum(sizes) // len(sizes)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def drain(server: Server, path: str) -> None:
    """Wait until the server has worked off what wrk left in flight when it stopped (a slow
    case at 32 connections leaves up to 32 requests queued), so that they do not count
    against the next measurement."""
    # A stalled server is noticed (and restarted) by the caller.
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(server.base + path, timeout=120)


def run_target(
    name: str,
    start: Any,
    paths_by_case: dict[str, list[str]],
    connections: list[int],
    seconds: float,
    warmup: float,
) -> dict[str, dict[str, Any]]:
    """Every case at each connection count (all at the lowest first), against a server from
    `start()`; a server that stalls is restarted, so that the next case starts clean."""
    results: dict[str, dict[str, Any]] = {}
    server = start()
    try:
        for c in connections:
            for case, paths in paths_by_case.items():
                if warmup:
                    wrk(server.base, paths, c, warmup)
                    drain(server, paths[0])
                result = wrk(server.base, paths, c, seconds)
                drain(server, paths[0])
                result["load_average"] = load_average()
                results[f"{case}@{c}"] = result
                if result["requests"]:
                    figures = (
                        f"{result['rps']:9.1f} req/s  p50 {result['p50_ms']:8.2f} ms  "
                        f"p99 {result['p99_ms']:8.2f} ms"
                    )
                else:
                    figures = "STALLED: no response in the whole run"
                errors = f"  NON-2XX {result['non_2xx']}" if result["non_2xx"] else ""
                print(f"  {name:10} {case:20} c={c:<3} {figures}{errors}", flush=True)
                if result["stalled"] or result["requests"] < c:
                    server.stop()
                    server = start()
    finally:
        server.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, help="database file (default data/synthetic-...)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per measured case")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per case")
    parser.add_argument("--connections", default="1,32", help="comma-separated")
    parser.add_argument(
        "--targets",
        default="api,api_nocache,starlette,datasette",
        help="comma-separated, of " + ",".join(TARGETS),
    )
    parser.add_argument(
        "--postgres-url",
        help="also measure the API on this PostgreSQL database (targets api_pg and "
        "api_pg_nocache); it must hold the same dataset: scripts/generate.py with the same "
        "--claims and --seed and --database-url this URL",
    )
    parser.add_argument("--cases", default="", help="only these cases (comma-separated)")
    parser.add_argument("--skip-loader", action="store_true", help="no loader measurement")
    parser.add_argument("--skip-export", action="store_true", help="no CSV export measurement")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--table", type=Path, help="print the table of a results file and exit")
    parser.add_argument("--serve-static", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_static:
        serve_static(args.serve_static, args.port)
        return 0
    if args.table:
        saved = json.loads(args.table.read_text())
        print_tables(saved["table"])
        print("\n".join(saved["targets"]))
        return 0
    if shutil.which("wrk") is None:
        print("bench: wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    started = time.perf_counter()
    db = (args.db or Path(str(DEFAULT_DB).format(claims=args.claims, seed=args.seed))).resolve()
    connections = [int(c) for c in args.connections.split(",")]
    targets = [t for t in args.targets.split(",") if t]
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
                0
            ],
            "load_average_at_start": load_average(),
        },
        "database": str(db),
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": connections,
        },
    }

    # 1. The loader (and the benchmark database, if missing).
    if not db.exists():
        print(f"bench: generating {args.claims:,} claims into {db} (the loader measurement)")
        db.parent.mkdir(parents=True, exist_ok=True)
        results["loader"] = measure_loader(args.claims, args.seed, db)
    elif not args.skip_loader:
        print(f"bench: loader: {args.claims:,} claims into a scratch file beside {db.name}")
        scratch = db.with_name(f"{db.stem}.loader-bench.db")
        try:
            results["loader"] = measure_loader(args.claims, args.seed, scratch)
        finally:
            scratch.unlink(missing_ok=True)
    if "loader" in results:
        lo = results["loader"]
        print(
            f"  loader claim rows/s {lo['loader_claim_rows_per_s']:,} vs bare executemany "
            f"{lo['bare_executemany_rows_per_s']:,} = {lo['loader_vs_bare']:.0%} "
            f"(write {lo['write_seconds']}s: {lo['write_steps_seconds']})",
            flush=True,
        )
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        results["database_claims"] = con.execute("SELECT count(*) FROM claim").fetchone()[0]
    results["database_bytes"] = db.stat().st_size

    # 2. The request mix against the API, capturing the bytes for the ceiling.
    cases = build_cases(db)
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [c for c in cases if c.name in wanted]
    results["cases"] = {
        c.name: {"what": c.what, "variants": [asdict(v) for v in c.variants]} for c in cases
    }
    http: dict[str, dict[str, Any]] = {}
    api = start_api(db)
    try:
        bodies = capture_bodies(api, cases)
    finally:
        api.stop()
    results["response_bytes_mean"] = {
        c.name: sum(len(bodies[v.path][0]) for v in c.variants) // len(c.variants) for c in cases
    }
    paths = {c.name: [v.path for v in c.variants] for c in cases}
    timing = (args.duration, args.warmup)
    if "api" in targets:
        print("bench: api (as shipped: uvicorn, 1 worker, response cache primed with the mix)")
        every_path = [p for case_paths in paths.values() for p in case_paths]
        http["api"] = run_target(
            "api",
            lambda: prime_cache(start_api(db, cache=True), every_path),
            paths,
            connections,
            *timing,
        )
    if "api_nocache" in targets:
        print("bench: api_nocache (uvicorn, 1 worker, RESPONSE_CACHE_BYTES=0)")
        http["api_nocache"] = run_target(
            "api_nocache", lambda: start_api(db), paths, connections, *timing
        )
    if "starlette" in targets:
        import pickle

        with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as f:
            pickle.dump(bodies, f)
        try:
            print("bench: starlette ceiling (same bytes, same uvicorn)")
            http["starlette"] = run_target(
                "starlette", lambda: start_starlette(Path(f.name)), paths, connections, *timing
            )
        finally:
            os.unlink(f.name)
    if "datasette" in targets:
        print("bench: datasette (same database, equivalent SQL via its JSON API)")
        ds_paths = {c.name: datasette_paths(DATASETTE_DB, c) for c in cases}
        results["datasette_bytes_mean"] = {}

        def start_checked_datasette() -> Server:
            server = start_datasette(db)
            if not results["datasette_bytes_mean"]:
                results["datasette_bytes_mean"] = {
                    name: check_datasette(server, p) for name, p in ds_paths.items()
                }
            return server

        http["datasette"] = run_target(
            "datasette", start_checked_datasette, ds_paths, connections, *timing
        )
    if args.postgres_url:
        measure_postgres(args.postgres_url, db, paths, bodies, connections, timing, http, results)
    results["http"] = http

    # 3. Memory while streaming the full CSV export.
    if not args.skip_export:
        for key, mmap_bytes, label in (
            ("export_csv", None, "as shipped (SQLITE_MMAP_BYTES default, 1 GiB)"),
            ("export_csv_mmap_off", 0, "SQLITE_MMAP_BYTES=0"),
        ):
            print(f"bench: streaming the full CSV export from a fresh API process, {label}")
            results[key] = ex = measure_export(db, mmap_bytes) | {"config": label}
            print(
                f"  {ex['rows_announced']:,} rows, {ex['bytes'] / 1e6:.0f} MB in "
                f"{ex['seconds']}s; RSS MiB before {ex['rss_mib_before']}, "
                f"peak {ex['rss_mib_peak']}",
                flush=True,
            )

    results["table"] = summary(http, cases, connections)
    results["targets"] = targets_check(results, connections)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = load_average()
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_tables(results["table"])
    for line in results["targets"]:
        print(line)
    print(f"bench: {results['seconds']}s; results in {args.out}")
    return 0


def measure_postgres(
    url: str,
    db: Path,
    paths: dict[str, list[str]],
    bodies: dict[str, tuple[bytes, str]],
    connections: list[int],
    timing: tuple[int, int],
    http: dict[str, dict[str, Any]],
    results: dict[str, Any],
) -> None:
    """The same mix against the API on PostgreSQL, once it is shown to answer every request
    of the mix with the very bytes the API on SQLite gave (search apart: PostgreSQL ranks
    with ts_rank_cd, not bm25), i.e. that it holds the same dataset."""
    server = start_api(db, database_url=url)
    different = []
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            for case, case_paths in paths.items():
                if case == "search":
                    continue
                different += [p for p in case_paths if client.get(p).content != bodies[p][0]]
    finally:
        server.stop()
    results["postgres"] = {"same_bytes_as_sqlite": not different, "different": different[:5]}
    if different:
        print(
            f"bench: PostgreSQL answers {len(different)} requests differently from SQLite "
            f"(first: {different[0]}): skipped; load the same dataset there with "
            "scripts/generate.py (same --claims and --seed)"
        )
        return
    every_path = [p for case_paths in paths.values() for p in case_paths]
    print("bench: api_pg (PostgreSQL, uvicorn, 1 worker, response cache primed with the mix)")
    http["api_pg"] = run_target(
        "api_pg",
        lambda: prime_cache(start_api(db, cache=True, database_url=url), every_path),
        paths,
        connections,
        *timing,
    )
    print("bench: api_pg_nocache (PostgreSQL, uvicorn, 1 worker, RESPONSE_CACHE_BYTES=0)")
    http["api_pg_nocache"] = run_target(
        "api_pg_nocache",
        lambda: start_api(db, database_url=url),
        paths,
        connections,
        *timing,
    )


def summary(
    http: dict[str, dict[str, Any]], cases: list[Case], connections: list[int]
) -> list[dict[str, Any]]:
    rows = []
    for case in cases:
        for c in connections:
            key = f"{case.name}@{c}"
            row: dict[str, Any] = {"case": case.name, "connections": c}
            for target in TARGETS:
                r = http.get(target, {}).get(key)
                if r:
                    row[target] = {k: r[k] for k in ("rps", "p50_ms", "p99_ms", "non_2xx")}
            for api in API_TARGETS:
                if row.get(api) and row.get("starlette"):
                    row[f"{api}_vs_starlette"] = round(row[api]["rps"] / row["starlette"]["rps"], 3)
                if row.get(api) and row.get("datasette"):
                    row[f"{api}_vs_datasette"] = round(
                        row[api]["rps"] / max(row["datasette"]["rps"], 0.01), 2
                    )
            rows.append(row)
    return rows


def print_tables(rows: list[dict[str, Any]]) -> None:
    print_table(rows, ("api", "api_nocache"))
    if any("api_pg" in row or "api_pg_nocache" in row for row in rows):
        print("\nPostgreSQL (the same mix; ceiling and Datasette as above):")
        print_table(rows, ("api_pg", "api_pg_nocache"))


def print_table(rows: list[dict[str, Any]], apis: tuple[str, str]) -> None:
    """One line per (case, connections): requests/s, p50 and p99 (ms) per target, ratios,
    for an API target with its cache primed and off. "stall": not one response within the
    run (each request took longer than the run)."""
    api, nocache = apis

    def cell(r: dict[str, Any] | None) -> str:
        if not r:
            return f"{'-':>8} {'-':>7} {'-':>7}"
        if not r["p50_ms"]:
            return f"{r['rps']:8.0f} {'stall':>7} {'stall':>7}"
        return f"{r['rps']:8.0f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f}"

    def ratio(row: dict[str, Any], key: str, fmt: str) -> str:
        return format(row[key], fmt) if key in row else "-"

    head = (
        f"{'case':19} {'c':>3} | {'api r/s':>8} {'p50':>7} {'p99':>7} | "
        f"{'nocache':>8} {'p50':>7} {'p99':>7} | "
        f"{'star r/s':>8} {'p50':>7} {'p99':>7} | {'ds r/s':>8} {'p50':>7} {'p99':>7} | "
        f"{'api/star':>8} {'api/ds':>7} | {'nc/star':>8} {'nc/ds':>7}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        print(
            f"{row['case']:19} {row['connections']:>3} | {cell(row.get(api))} | "
            f"{cell(row.get(nocache))} | "
            f"{cell(row.get('starlette'))} | {cell(row.get('datasette'))} | "
            f"{ratio(row, f'{api}_vs_starlette', '.1%'):>8} "
            f"{ratio(row, f'{api}_vs_datasette', '.1f'):>6}x | "
            f"{ratio(row, f'{nocache}_vs_starlette', '.1%'):>8} "
            f"{ratio(row, f'{nocache}_vs_datasette', '.1f'):>6}x"
        )


def targets_check(results: dict[str, Any], connections: list[int]) -> list[str]:
    """The issue's targets, each MET or NOT MET with the figures."""
    lines = []
    table = {(r["case"], r["connections"]): r for r in results.get("table", [])}
    c = max(connections)

    def verdict(ok: bool) -> str:
        return "MET" if ok else "NOT MET"

    for api, label in API_LABELS.items():
        for case in ("claims_metric_dates", "claims_speaker"):
            row = table.get((case, c))
            if not row or api not in row:
                continue
            name = f"{api} ({label}) {case}@{c}"
            if f"{api}_vs_starlette" in row:
                r = row[f"{api}_vs_starlette"]
                lines.append(
                    f"{name}: >= 50% of the Starlette ceiling: {r:.1%} {verdict(r >= 0.5)}"
                )
            if f"{api}_vs_datasette" in row:
                r = row[f"{api}_vs_datasette"]
                lines.append(f"{name}: >= 10x Datasette: {r:.1f}x {verdict(r >= 10)}")
            p99 = row[api]["p99_ms"]
            shown = "stalled" if p99 is None else f"{p99:.1f} ms"
            lines.append(f"{name}: p99 <= 25 ms: {shown} {verdict(p99 is not None and p99 <= 25)}")
    for api in API_TARGETS:
        for conn in connections:
            first = table.get(("claims_first_page", conn), {}).get(api)
            for case in ("claims_deep_page", "claim_by_id"):
                other = table.get((case, conn), {}).get(api)
                if first and other and first["rps"]:
                    ratio = other["rps"] / first["rps"]
                    lines.append(
                        f"{api} {case}@{conn} within 10% of the first page: "
                        f"{other['rps']:.0f} vs {first['rps']:.0f} req/s ({ratio:.0%}) "
                        f"{verdict(ratio >= 0.9)}"
                    )
    if "loader" in results:
        ratio = results["loader"]["loader_vs_bare"]
        lines.append(f"loader >= 40% of bare executemany: {ratio:.0%} {verdict(ratio >= 0.4)}")
    for key in ("export_csv", "export_csv_mmap_off"):
        if key in results:
            peak = results[key]["rss_mib_peak"]
            lines.append(
                f"export RSS <= 150 MB, {results[key]['config']}: peak VmRSS {peak['VmRSS']} MiB "
                f"(anonymous {peak['RssAnon']}, file-backed {peak['RssFile']}) "
                f"{verdict(peak['VmRSS'] <= 150)}"
            )
    return lines


if __name__ == "__main__":
    sys.exit(main())
