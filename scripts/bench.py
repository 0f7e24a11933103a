"""Benchmark the API on a million claims against the framework ceiling and Datasette.

    python scripts/bench.py                       # everything, ~20 minutes on 2 cores
    python scripts/bench.py --claims 200000 --duration 3 --skip-loader --skip-export
    python scripts/bench.py --mixes long_tail --cases lt_metric_dates --connections 32
    python scripts/bench.py --postgres-url postgresql+psycopg://...   # and the API on PostgreSQL

In one run, on loopback only:
1. the loader: a generated dataset (scripts/generate.py) written by the real bulk path,
   claim-table rows/s side by side with a bare `sqlite3` `executemany` of the same rows in
   one transaction (generating the benchmark database first if it is missing);
2. the probe (scripts/probe.py): uncached filtered pages in-process against their own SQL;
3. two request mixes under `wrk`, at each connection count, against each target:
   - long tail (the headline): every request a URL never sent before, built by a wrk Lua
     script from a request number (claims by metric + month, by speaker, deep keyset page,
     claim by id);
   - cached: a fixed mix of ~75 URLs, round-robin (also series, search, facets);
   targets: the API (uvicorn, 1 worker) as shipped, response cache on ("api"; primed with
   the cached mix, all misses in the long tail) and off ("api_nocache"); a bare Starlette
   app answering the same bytes (the framework ceiling, same uvicorn); Datasette on the same
   file, running the very statements the API ran (captured from the app in-process);
4. the API process's memory while it streams the full CSV export;
5. with --postgres-url, both mixes against the API on PostgreSQL (cache on and off), once
   that database is shown to answer the cached mix with the very bytes SQLite gave.

Prints requests/s, p50 and p99 per case with the ratios to both references, the issue's
targets MET / NOT MET, and writes everything to bench-results.json.
"""

import argparse
import contextlib
import gc
import json
import math
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
LONG_TAIL_CASES = ("lt_metric_dates", "lt_speaker", "lt_deep_page", "lt_claim_by_id")


# --- the cached mix ----------------------------------------------------------------------
@dataclass
class Variant:
    path: str  # the request target the API answers (path + query)
    sql: str = ""  # what Datasette runs for the same answer (from the API's own statements)
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    name: str
    what: str
    variants: list[Variant]


# Datasette gets, for a claims page, the very statement the API ran for it (captured from the
# app) with the page's citations as a JSON column, in one request.
WITH_CITATIONS = (
    "SELECT p.*, (SELECT json_group_array(json_object('source_id', ci.source_id, "
    "'source_title', s.title, 'quote', ci.quote, 'char_start', ci.char_start, "
    "'char_end', ci.char_end)) FROM citation ci JOIN source s ON s.id = ci.source_id "
    "WHERE ci.claim_id = p.id) AS citations FROM ({page}) AS p"
)
SORTS = {
    "stated_on": ("sort_stated", "ASC"),
    "-value": ("sort_value", "DESC"),
    "period_end": ("sort_period_end", "ASC"),
}


def is_page_statement(statement: str) -> bool:
    """The claims page statement of `app.queries.claims` (the one selecting joined rows)."""
    return "metric_name" in statement and "FROM claim" in statement


def datasette_statement(
    statement: str, params: Any, named: dict[int, str] | None = None, prefix: str = "p"
) -> tuple[str, dict[str, Any]]:
    """A captured `?` statement as Datasette SQL: numbers inlined (Datasette binds text, and
    text never equals a number in SQLite), strings bound by name; the parameters at the
    positions in `named` become those names (numbers cast back), for a template."""
    named = named or {}
    parts = statement.split("?")
    if len(parts) != len(params) + 1:
        raise RuntimeError(f"cannot rewrite a statement with a literal '?': {statement[:200]}")
    sql, values = parts[0], {}
    for i, (value, rest) in enumerate(zip(params, parts[1:], strict=True)):
        if i in named:
            cast = {int: "INTEGER", float: "REAL"}.get(type(value))
            sql += (f"CAST(:{named[i]} AS {cast})" if cast else f":{named[i]}") + rest
        elif isinstance(value, int | float):
            sql += repr(value) + rest
        else:
            values[f"{prefix}{i}"] = value
            sql += f":{prefix}{i}" + rest
    return sql, values


def datasette_all(db: Path, statements: list[tuple[str, Any]]) -> tuple[str, dict[str, Any]]:
    """Every statement the API ran for a request, in one Datasette query: a claims page with
    its citations; anything else as one JSON column per statement (all of them run)."""
    pages = [(s, p) for s, p in statements if is_page_statement(s)]
    if pages:
        sql, params = datasette_statement(*pages[0])
        return WITH_CITATIONS.format(page=sql), params
    columns, params = [], {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        for n, (statement, values) in enumerate(statements):
            names = [d[0] for d in con.execute(statement, values).description]
            sql, named = datasette_statement(statement, values, prefix=f"s{n}p")
            row = ", ".join(f'"{name}"' for name in names)
            columns.append(f"(SELECT json_group_array(json_array({row})) FROM ({sql})) AS s{n}")
            params |= named
    return "SELECT " + ", ".join(columns), params


def build_cases(db: Path) -> list[Case]:
    """The request mix, with ids, months and cursors taken from the database; Datasette's SQL
    is what the API ran for each request (captured in-process through the app)."""
    from app.queries.pagination import encode_cursor
    from scripts.probe import capture_statements

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def column(sql: str, *args: Any) -> list[Any]:
        return [r[0] for r in con.execute(sql, args)]

    total = con.execute("SELECT count(*) FROM claim").fetchone()[0]
    metrics = column("SELECT metric_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 2")
    months = ["2024-11", "2025-02", "2025-05", "2025-08", "2025-11"]
    metric_dates = [
        f"/v1/claims?metric={metric}&stated_from={month}&stated_to={month}"
        for metric in metrics
        for month in months
    ]
    speakers = column("SELECT speaker_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 10")
    by_speaker = [f"/v1/claims?speaker={s}" for s in speakers]
    first = [f"/v1/claims?sort={sort}" for sort in SORTS]
    deep = []
    for sort, (col, direction) in SORTS.items():
        for share in (0.5, 0.7, 0.9):
            value, last_id = con.execute(
                f"SELECT {col}, id FROM claim ORDER BY {col} {direction}, id {direction} "
                f"LIMIT 1 OFFSET ?",
                (int(total * share),),
            ).fetchone()
            deep.append(f"/v1/claims?sort={sort}&cursor={encode_cursor(sort, value, last_id)}")
    step = max(1, total // 20)
    by_id = [
        f"/v1/claims/{i}" for i in column("SELECT id FROM claim WHERE rowid % ? = 7 LIMIT 20", step)
    ]
    # Chart-sized series: a metric's claims about a subject by one speaker (200-1000 points).
    metric, subject = "personnel-casualties", "russian-forces"
    series_speakers = column(
        "SELECT speaker_id FROM claim WHERE metric_id = ? AND subject_id = ? GROUP BY 1 "
        "HAVING count(*) BETWEEN 200 AND 1000 ORDER BY count(*) DESC LIMIT 5",
        metric,
        subject,
    )
    series = [f"/v1/metrics/{metric}/series?speaker={s}&subject={subject}" for s in series_speakers]
    words = ["Makhnovka", "Syrsky", "helicopters", "Akhmat", "Kovalenko", "Plekhovo"]
    search = [f"/v1/search?q={w}" for w in words]
    facet_speakers = column(
        "SELECT speaker_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 5 OFFSET 10"
    )
    facets = [f"/v1/claims/facets?speaker={s}" for s in facet_speakers]
    con.close()
    cases = [
        ("claims_metric_dates", "/v1/claims by metric + stated month", metric_dates),
        ("claims_speaker", "/v1/claims by speaker", by_speaker),
        ("claims_first_page", "/v1/claims first page, 3 sorts", first),
        ("claims_deep_page", "/v1/claims keyset page at 50-90% depth", deep),
        ("claim_by_id", "/v1/claims/{id}", by_id),
        ("series", "/v1/metrics/{id}/series, one speaker+subject", series),
        ("search", "/v1/search one word (FTS5)", search),
        ("facets", "/v1/claims/facets by speaker", facets),
    ]
    captured = capture_statements(db, [p for _, _, paths in cases for p in paths])
    return [
        Case(name, what, [Variant(p, *datasette_all(db, captured[p])) for p in paths])
        for name, what, paths in cases
    ]


# --- the long-tail mix ---------------------------------------------------------------------
# Every request a URL never sent before: wrk's Lua `request()` builds it from a number k,
# unique per request across wrk's threads and across the runs on one server (an offset is
# passed per run). k is read as digits of a mixed radix over the case's dimensions; a piece
# of the URL is a literal, an entry of a table chosen by some digits, or k itself.
@dataclass
class Pick:
    dims: tuple[int, ...]  # which dimensions index the table, most significant first
    table: list[str]


UNIQUE = "k"  # the request number itself, zero-padded: makes every URL distinct
Piece = str | Pick


@dataclass
class LongTail:
    name: str
    what: str
    dims: list[int]  # sizes of the mixed-radix digits of k
    api: list[Piece]
    datasette: list[Piece]
    ceiling_prefix: str  # the API paths of this case start with it (for the Starlette ceiling)

    @property
    def distinct(self) -> float:
        """How many different URLs k can give before they repeat."""
        unique = UNIQUE in self.api and UNIQUE in self.datasette
        return float("inf") if unique else float(math.prod(self.dims))


def render(pieces: list[Piece], dims: list[int], k: int) -> str:
    """The URL for k (what the Lua `make` does, for samples and checks)."""
    digits, r = [], k
    for size in dims:
        digits.append(r % size)
        r //= size
    out = []
    for piece in pieces:
        if isinstance(piece, Pick):
            index = 0
            for d in piece.dims:
                index = index * dims[d] + digits[d]
            out.append(piece.table[index])
        else:
            out.append(f"{k:09d}" if piece == UNIQUE else piece)
    return "".join(out)


def long_tail_lua(pieces: list[Piece], dims: list[int], threads: int) -> str:
    """A wrk script sending render(pieces, dims, k) for k = offset + n*threads + tid."""

    def long_string(text: str) -> str:
        level = "=" * 4
        assert f"]{level}]" not in text
        return f"[{level}[{text}]{level}]"

    tables, lua_pieces = [], []
    for piece in pieces:
        if isinstance(piece, Pick):
            assert all("\n" not in entry for entry in piece.table)
            tables.append(f"split({long_string(chr(10).join(piece.table))})")
            dims_lua = ", ".join(str(d + 1) for d in piece.dims)
            lua_pieces.append(f"{{t = {len(tables)}, d = {{{dims_lua}}}}}")
        elif piece == UNIQUE:
            lua_pieces.append("{u = true}")
        else:
            lua_pieces.append(f"{{lit = {long_string(piece)}}}")
    return f"""
local function split(s)
  local out = {{}}
  for line in string.gmatch(s, "[^\\n]+") do out[#out + 1] = line end
  return out
end
local dims = {{{", ".join(map(str, dims))}}}
local tables = {{{", ".join(tables)}}}
local pieces = {{{", ".join(lua_pieces)}}}
local function make(k)
  local digit, r = {{}}, k
  for i = 1, #dims do digit[i] = r % dims[i]; r = math.floor(r / dims[i]) end
  local out = {{}}
  for _, p in ipairs(pieces) do
    if p.lit then out[#out + 1] = p.lit
    elseif p.u then out[#out + 1] = string.format("%09d", k)
    else
      local index = 0
      for _, d in ipairs(p.d) do index = index * dims[d] + digit[d] end
      out[#out + 1] = tables[p.t][index + 1]
    end
  end
  return table.concat(out)
end
-- One id per thread from setup() (no `local tid`: it would shadow thread:set's value).
counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
init = function(args)
  offset = tonumber(args[1]) or 0
  n = 0
end
request = function()
  n = n + 1
  return wrk.format("GET", make(offset + n * {threads} + tid))
end
"""


def _template(
    db: Path, path: str, named: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[int, str]]:
    """The page statement the API ran for `path`, as Datasette SQL whose parameters equal to
    a value in `named` (sentinels chosen by the caller) are named `name`: (sql, fixed
    parameters, url-encoded query prefix up to the named ones)."""
    from scripts.probe import capture_statements

    statements = capture_statements(db, [path])[path]
    statement, params = next((s, p) for s, p in statements if is_page_statement(s))
    positions = {}
    for i, value in enumerate(params):
        for name, sentinel in named.items():
            if str(value) == str(sentinel):
                positions[i] = name
    missing = set(named) - set(positions.values())
    if missing:
        raise RuntimeError(f"{path}: no parameter for {missing} in {params}")
    sql, fixed = datasette_statement(statement, params, positions)
    return WITH_CITATIONS.format(page=sql), fixed, positions


def datasette_prefix(sql: str, fixed: dict[str, Any]) -> str:
    query = {"sql": sql, "_shape": "array", **{k: str(v) for k, v in fixed.items()}}
    return f"/{DATASETTE_DB}.json?" + urllib.parse.urlencode(query)


LONG_TAIL_MONTHS = [f"2024-{m:02d}" for m in range(8, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
# Upper value bounds wide enough that the page walks the date order (the API checks that
# thousands of claims fall under them); the request number, as decimals, makes each distinct.
WIDE_MAX_VALUES = ["100000", "250000", "500000", "1000000"]
LIMITS = [str(n) for n in range(31, 71)]


def build_long_tail(db: Path) -> list[LongTail]:
    from app.queries.pagination import encode_cursor

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def column(sql: str, *args: Any) -> list[Any]:
        return [r[0] for r in con.execute(sql, args)]

    total = con.execute("SELECT count(*) FROM claim").fetchone()[0]
    cases = []

    # Claims by metric + stated month, with a varying max_value.
    metrics = column("SELECT metric_id FROM claim GROUP BY 1 ORDER BY count(*) DESC LIMIT 4")
    combos = [(m, month) for m in metrics for month in LONG_TAIL_MONTHS]
    ds_prefixes = []
    for m, month in combos:
        sentinel = "987654321.5"
        path = f"/v1/claims?metric={m}&stated_from={month}&stated_to={month}&max_value={sentinel}"
        sql, fixed, _ = _template(db, path, {"mx": sentinel})
        ds_prefixes.append(datasette_prefix(sql, fixed) + "&mx=")
    dims = [len(combos), len(WIDE_MAX_VALUES)]
    cases.append(
        LongTail(
            "lt_metric_dates",
            "/v1/claims by metric + stated month + varying max_value",
            dims,
            api=[
                "/v1/claims?",
                Pick((0,), [f"metric={m}&stated_from={mo}&stated_to={mo}" for m, mo in combos]),
                "&max_value=",
                Pick((1,), WIDE_MAX_VALUES),
                ".",
                UNIQUE,
            ],
            datasette=[Pick((0,), ds_prefixes), Pick((1,), WIDE_MAX_VALUES), ".", UNIQUE],
            ceiling_prefix="/v1/claims?metric=",
        )
    )

    # Claims by speaker (those with more than a page), each sort, a varying page size.
    speakers = column(
        "SELECT speaker_id FROM claim GROUP BY 1 HAVING count(*) > 60 ORDER BY 1 LIMIT 2000"
    )
    sorts = ["stated_on", "-stated_on", "value", "-value", "period_end", "-period_end"]
    ds_sorts = []
    for sort in sorts:
        path = f"/v1/claims?speaker={speakers[0]}&sort={sort}&limit=47"
        sql, fixed, _ = _template(db, path, {"sp": speakers[0], "lim": 48})
        ds_sorts.append(datasette_prefix(sql, fixed))
    cases.append(
        LongTail(
            "lt_speaker",
            "/v1/claims by speaker, 6 sorts, page size 31-70",
            [len(speakers), len(sorts), len(LIMITS)],
            api=[
                "/v1/claims?speaker=",
                Pick((0,), speakers),
                "&sort=",
                Pick((1,), sorts),
                "&limit=",
                Pick((2,), LIMITS),
            ],
            datasette=[
                Pick((1,), ds_sorts),
                "&sp=",
                Pick((0,), speakers),
                "&lim=",
                Pick((2,), [str(int(n) + 1) for n in LIMITS]),
            ],
            ceiling_prefix="/v1/claims?speaker=",
        )
    )

    # Deep keyset pages: cursors spread over 10-95% of each sort's order.
    per_sort = 2000
    cursor_sorts, cursors, values, ids, ds_sorts = list(SORTS), [], [], [], []
    for sort, (col, direction) in SORTS.items():
        step = max(1, int(total * 0.85) // per_sort)
        rows = con.execute(
            f"SELECT {col}, id FROM claim ORDER BY {col} {direction}, id {direction} "
            f"LIMIT ? OFFSET ?",
            (per_sort * step, total // 10),
        ).fetchall()[::step][:per_sort]
        assert len(rows) == per_sort, (sort, len(rows))
        cursors += [encode_cursor(sort, v, i) for v, i in rows]
        values += [str(v) for v, _ in rows]
        ids += [i for _, i in rows]
        v0, i0 = rows[0]
        path = f"/v1/claims?sort={sort}&cursor={encode_cursor(sort, v0, i0)}&limit=47"
        sql, fixed, _ = _template(db, path, {"v": v0, "i": i0, "lim": 48})
        ds_sorts.append(datasette_prefix(sql, fixed))
    cases.append(
        LongTail(
            "lt_deep_page",
            "/v1/claims keyset page at 10-95% depth, 3 sorts, page size 31-70",
            [len(cursor_sorts), per_sort, len(LIMITS)],
            api=[
                "/v1/claims?sort=",
                Pick((0,), cursor_sorts),
                "&cursor=",
                Pick((0, 1), cursors),
                "&limit=",
                Pick((2,), LIMITS),
            ],
            datasette=[
                Pick((0,), ds_sorts),
                "&v=",
                Pick((0, 1), [urllib.parse.quote(v) for v in values]),
                "&i=",
                Pick((0, 1), ids),
                "&lim=",
                Pick((2,), [str(int(n) + 1) for n in LIMITS]),
            ],
            ceiling_prefix="/v1/claims?sort=",
        )
    )

    # One claim by id, 100,000 ids (or all) spread over the table.
    count = min(total, 100_000)
    by_id = column(
        "SELECT id FROM claim WHERE rowid % ? = 0 LIMIT ?", max(1, total // count), count
    )
    sql, fixed, _ = _template(db, f"/v1/claims/{by_id[0]}", {"id": by_id[0]})
    cases.append(
        LongTail(
            "lt_claim_by_id",
            f"/v1/claims/{{id}}, {len(by_id):,} ids",
            [len(by_id)],
            api=["/v1/claims/", Pick((0,), by_id)],
            datasette=[datasette_prefix(sql, fixed) + "&id=", Pick((0,), by_id)],
            ceiling_prefix="/v1/claims/",
        )
    )
    con.close()
    return cases


def check_long_tail(
    api: "Server", datasette: "Server | None", cases: list[LongTail]
) -> dict[str, list[bytes]]:
    """Sample requests of each case: the API answers 200, and Datasette (if given) returns
    the same claims in the same order for the same k. Returns the API's sample bodies (the
    Starlette ceiling answers with them)."""
    samples: dict[str, list[bytes]] = {}
    with httpx.Client(timeout=120) as client:
        for case in cases:
            samples[case.name] = []
            for k in range(7, 7 + 8 * 977, 977):
                url = api.base + render(case.api, case.dims, k)
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
                samples[case.name].append(response.content)
                if datasette is None:
                    continue
                body = response.json()
                api_ids = [i["id"] for i in body["items"]] if "items" in body else [body["id"]]
                ds_url = datasette.base + render(case.datasette, case.dims, k)
                ds = client.get(ds_url)
                if ds.status_code != 200:
                    raise RuntimeError(
                        f"datasette {ds_url[:300]}: {ds.status_code} {ds.text[:300]}"
                    )
                ds_ids = [row["id"] for row in ds.json()][: len(api_ids)]
                if ds_ids != api_ids:
                    raise RuntimeError(f"{case.name} k={k}: Datasette's rows differ from the API's")
    return samples


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
    """The framework ceiling: Starlette returning the captured bytes for each request (for a
    long-tail URL, one of the API's answers to that case, chosen by the URL's length)."""
    import pickle

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    with bodies_file.open("rb") as f:
        static = pickle.load(f)
    bodies: dict[str, tuple[bytes, str]] = static["exact"]
    prefixes: list[tuple[str, list[bytes]]] = static["prefixes"]

    async def answer(request: Request) -> Response:
        scope = request.scope
        key = scope["raw_path"].decode()
        if scope["query_string"]:
            key += "?" + scope["query_string"].decode()
        found = bodies.get(key)
        if found is None:
            for prefix, samples in prefixes:
                if key.startswith(prefix):
                    body = samples[len(key) % len(samples)]
                    return Response(body, media_type="application/json")
            return Response(
                b"ready" if key == "/__ready" else b"", 200 if key == "/__ready" else 404
            )
        return Response(found[0], media_type=found[1])

    app = Starlette(routes=[Route("/{path:path}", answer)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- the load generator ------------------------------------------------------------------
@dataclass
class Load:
    """What wrk sends for one case: a fixed list of paths round-robin (`distinct` 0), or a
    long-tail script whose every URL is new (up to `distinct` of them)."""

    lua: Any  # threads -> the wrk Lua script
    first: str  # a path of the case (to wait for the server to drain)
    distinct: float = 0


def round_robin(paths: list[str]) -> Load:
    script = "local paths = {\n"
    script += "".join(f"  [==[{p}]==],\n" for p in paths)
    script += "}\nlocal i = 0\n"
    script += "request = function()\n  i = i + 1\n"
    script += "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    return Load(lambda _threads: script, paths[0])


def long_tail_load(case: "LongTail", pieces: list["Piece"]) -> Load:
    return Load(
        lambda threads: long_tail_lua(pieces, case.dims, threads),
        render(pieces, case.dims, 0),
        case.distinct,
    )


def wrk(
    base: str, script: str, connections: int, seconds: float, args: list[str] | None = None
) -> dict[str, Any]:
    """Run wrk with a Lua script; requests/s, latency percentiles, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    cmd = ["wrk", "-t", str(wrk_threads(connections)), "-c", str(connections)]
    cmd += ["-d", f"{max(1, round(seconds))}s", "--timeout", "30s", "--latency", "-s", f.name]
    cmd += [base, *(["--", *args] if args else [])]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(f.name)
    return parse_wrk(out)


def wrk_threads(connections: int) -> int:
    return min(connections, 2)


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
def capture_bodies(server: Server, paths: list[str]) -> dict[str, tuple[bytes, str]]:
    bodies = {}
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
            bodies[path] = (response.content, response.headers["content-type"])
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


def datasette_paths(case: Case) -> list[str]:
    return [f"{datasette_prefix(v.sql, v.params)}" for v in case.variants]


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
    loads: dict[str, Load],
    connections: list[int],
    seconds: float,
    warmup: float,
) -> dict[str, dict[str, Any]]:
    """Every case at each connection count (all at the lowest first), against a server from
    `start()`; a server that stalls is restarted, so that the next case starts clean. A
    long-tail case's request numbers continue across its runs on one server (warm-up
    included), so that no URL is sent twice while there are new ones."""
    results: dict[str, dict[str, Any]] = {}
    offsets = dict.fromkeys(loads, 0)
    server = start()

    def send(case: str, load: Load, c: int, duration: float) -> dict[str, Any]:
        threads = wrk_threads(c)
        args = [str(offsets[case])] if load.distinct else None
        result = wrk(server.base, load.lua(threads), c, duration, args)
        if load.distinct:
            offsets[case] += (result["requests"] + c + 2) * threads
            result["urls_repeat"] = offsets[case] > load.distinct
        drain(server, load.first)
        return result

    try:
        for c in connections:
            for case, load in loads.items():
                if warmup:
                    send(case, load, c, warmup)
                result = send(case, load, c, seconds)
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
                repeats = "  (URLS REPEATED)" if result.get("urls_repeat") else ""
                print(f"  {name:10} {case:20} c={c:<3} {figures}{errors}{repeats}", flush=True)
                if result["stalled"] or result["requests"] < c:
                    server.stop()
                    server = start()
                    offsets = dict.fromkeys(loads, 0)
    finally:
        server.stop()
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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
        "--mixes",
        default="long_tail,cached",
        help="comma-separated, of long_tail (every URL new) and cached (a fixed mix)",
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
    parser.add_argument("--skip-probe", action="store_true", help="no in-process probe")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--table", type=Path, help="print the table of a results file and exit")
    parser.add_argument("--serve-static", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def machine() -> dict[str, Any]:
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version.split("\n")[0],
        "load_average_at_start": load_average(),
    }


def step_loader(args: argparse.Namespace, db: Path, results: dict[str, Any]) -> None:
    """The loader's claim rows/s beside a bare executemany (and the database, if missing)."""
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


def step_probe(db: Path, results: dict[str, Any]) -> None:
    """Target 1: an uncached page against its own SQL, in-process (scripts/probe.py)."""
    from scripts.probe import describe, run_probe

    print("bench: probe (in-process, response cache off, 300 distinct filtered pages)")
    results["probe"] = run_probe(db).summary()
    print("  " + describe(results["probe"]), flush=True)


@dataclass
class Mix:
    """One request mix, per target: what wrk sends, how the API server is started."""

    name: str
    loads: dict[str, Load]  # case -> load, for the API and the Starlette ceiling
    datasette: dict[str, Load]  # case -> load, for Datasette
    prime: list[str]  # paths the cached API target is primed with (none: long tail)
    check: dict[str, list[str]]  # case -> Datasette paths checked before it is measured


def cached_mix(cases: list[Case]) -> Mix:
    return Mix(
        "cached",
        {c.name: round_robin([v.path for v in c.variants]) for c in cases},
        {c.name: round_robin(datasette_paths(c)) for c in cases},
        [v.path for c in cases for v in c.variants],
        {c.name: datasette_paths(c) for c in cases},
    )


def long_tail_mix(cases: list[LongTail]) -> Mix:
    return Mix(
        "long_tail",
        {c.name: long_tail_load(c, c.api) for c in cases},
        {c.name: long_tail_load(c, c.datasette) for c in cases},
        [],
        {c.name: [render(c.datasette, c.dims, k) for k in (1, 2)] for c in cases},
    )


def target_api(db: Path, mix: Mix, cache: bool, database_url: str | None = None) -> Any:
    """The API as shipped (cache on; primed with a fixed mix) or with RESPONSE_CACHE_BYTES=0."""

    def start() -> Server:
        server = start_api(db, cache=cache, database_url=database_url)
        return prime_cache(server, mix.prime) if cache and mix.prime else server

    return start


def target_starlette(bodies_file: Path) -> Any:
    return lambda: start_starlette(bodies_file)


def target_datasette(db: Path, mix: Mix, checked: dict[str, Any]) -> Any:
    """Datasette on the same file; its answers to the mix are checked once."""

    def start() -> Server:
        server = start_datasette(db)
        if mix.name not in checked:
            checked[mix.name] = checked_datasette(server, mix)
        return server

    return start


def checked_datasette(server: Server, mix: Mix) -> dict[str, int]:
    return {case: check_datasette(server, paths) for case, paths in mix.check.items()}


def step_http(
    mix: Mix,
    db: Path,
    targets: list[str],
    connections: list[int],
    timing: tuple[int, int],
    static: Path,
    http: dict[str, dict[str, Any]],
    results: dict[str, Any],
) -> None:
    """One mix against each target, one server start per target."""
    labels = {
        "api": "as shipped: uvicorn, 1 worker, response cache on"
        + (", primed with the mix" if mix.prime else " (every URL new: all misses)"),
        "api_nocache": "uvicorn, 1 worker, RESPONSE_CACHE_BYTES=0",
        "starlette": "the ceiling: same bytes, same uvicorn",
        "datasette": "same database, the SQL the API ran, via its JSON API",
    }
    starts = {
        "api": target_api(db, mix, cache=True),
        "api_nocache": target_api(db, mix, cache=False),
        "starlette": target_starlette(static),
        "datasette": target_datasette(db, mix, results.setdefault("datasette_checked", {})),
    }
    for target in ("api", "api_nocache", "starlette", "datasette"):
        if target not in targets:
            continue
        print(f"bench: {mix.name} mix: {target} ({labels[target]})")
        loads = mix.datasette if target == "datasette" else mix.loads
        measured = run_target(target, starts[target], loads, connections, *timing)
        http.setdefault(target, {}).update(measured)


def write_static(
    bodies: dict[str, tuple[bytes, str]], samples: list[tuple[str, list[bytes]]], path: Path
) -> None:
    """What the Starlette ceiling answers: the exact bytes of each fixed-mix request, and for
    a long-tail URL one of the API's answers to requests of that case."""
    import pickle

    prefixes = sorted(samples, key=lambda s: -len(s[0]))
    with path.open("wb") as f:
        pickle.dump({"exact": bodies, "prefixes": prefixes}, f)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
    mixes = [m for m in args.mixes.split(",") if m]
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": machine(),
        "database": str(db),
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": connections,
        },
    }
    step_loader(args, db, results)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        results["database_claims"] = con.execute("SELECT count(*) FROM claim").fetchone()[0]
    results["database_bytes"] = db.stat().st_size
    if not args.skip_probe:
        step_probe(db, results)

    wanted = set(args.cases.split(",")) if args.cases else None
    cases = [c for c in build_cases(db) if wanted is None or c.name in wanted]
    tails = [c for c in build_long_tail(db) if wanted is None or c.name in wanted]
    if "cached" not in mixes:
        cases = []
    if "long_tail" not in mixes:
        tails = []
    results["cases"] = {
        c.name: {"what": c.what, "variants": [asdict(v) for v in c.variants]} for c in cases
    }
    results["long_tail_cases"] = {  # distinct_urls None: unbounded
        c.name: {"what": c.what, "distinct_urls": None if math.isinf(c.distinct) else c.distinct}
        for c in tails
    }

    # The bytes the ceiling answers with, from the API (checking every request answers 200).
    api = start_api(db)
    try:
        bodies = capture_bodies(api, [v.path for c in cases for v in c.variants])
        samples = check_long_tail(api, None, tails)
    finally:
        api.stop()
    results["response_bytes_mean"] = {
        c.name: sum(len(bodies[v.path][0]) for v in c.variants) // len(c.variants) for c in cases
    } | {name: sum(map(len, s)) // len(s) for name, s in samples.items()}
    if "datasette" in targets and tails:
        api, ds = start_api(db), start_datasette(db)
        try:
            check_long_tail(api, ds, tails)  # the same claims in the same order
        finally:
            api.stop()
            ds.stop()
    static = Path(tempfile.mkstemp(suffix=".pickle")[1])
    ceiling = [(c.ceiling_prefix, samples[c.name]) for c in tails]
    write_static({p: b for p, b in bodies.items()}, ceiling, static)
    timing = (args.duration, args.warmup)
    http: dict[str, dict[str, Any]] = {}
    try:
        for mix in [long_tail_mix(tails)] * bool(tails) + [cached_mix(cases)] * bool(cases):
            step_http(mix, db, targets, connections, timing, static, http, results)
        if args.postgres_url:
            measure_postgres(
                args.postgres_url, db, cases, tails, bodies, connections, timing, http, results
            )
    finally:
        static.unlink()
    results["http"] = http
    if not args.skip_export:
        step_export(db, results)

    names = [c.name for c in tails] + [c.name for c in cases]
    results["table"] = summary(http, names, connections)
    results["targets"] = targets_check(results, connections)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = load_average()
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_tables(results["table"])
    for line in results["targets"]:
        print(line)
    print(f"bench: {results['seconds']}s; results in {args.out}")
    return 0


def step_export(db: Path, results: dict[str, Any]) -> None:
    """Memory while streaming the full CSV export, as shipped and with mmap off."""
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


def measure_postgres(
    url: str,
    db: Path,
    cases: list[Case],
    tails: list[LongTail],
    bodies: dict[str, tuple[bytes, str]],
    connections: list[int],
    timing: tuple[int, int],
    http: dict[str, dict[str, Any]],
    results: dict[str, Any],
) -> None:
    """Both mixes against the API on PostgreSQL, once it is shown to answer every request
    of the fixed mix with the very bytes the API on SQLite gave (search apart: PostgreSQL
    ranks with ts_rank_cd, not bm25), i.e. that it holds the same dataset."""
    server = start_api(db, database_url=url)
    different = []
    try:
        with httpx.Client(base_url=server.base, timeout=120) as client:
            for case in cases:
                if case.name == "search":
                    continue
                different += [
                    v.path for v in case.variants if client.get(v.path).content != bodies[v.path][0]
                ]
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
    for mix in [long_tail_mix(tails)] * bool(tails) + [cached_mix(cases)] * bool(cases):
        for target, cache in (("api_pg", True), ("api_pg_nocache", False)):
            print(f"bench: {mix.name} mix: {target} (PostgreSQL, uvicorn, 1 worker, cache {cache})")
            start = target_api(db, mix, cache=cache, database_url=url)
            measured = run_target(target, start, mix.loads, connections, *timing)
            http.setdefault(target, {}).update(measured)


def summary(
    http: dict[str, dict[str, Any]], names: list[str], connections: list[int]
) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        for c in connections:
            key = f"{name}@{c}"
            row: dict[str, Any] = {"case": name, "connections": c}
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
    for api in API_TARGETS:
        for case in LONG_TAIL_CASES:
            row = table.get((case, c))
            if not row or api not in row:
                continue
            name = f"{api} {case}@{c} (every URL new)"
            if f"{api}_vs_datasette" in row:
                r = row[f"{api}_vs_datasette"]
                lines.append(f"{name}: >= 5x Datasette: {r:.1f}x {verdict(r >= 5)}")
            if f"{api}_vs_starlette" in row:
                r = row[f"{api}_vs_starlette"]
                lines.append(f"{name}: >= 10% of the ceiling: {r:.1%} {verdict(r >= 0.1)}")
            p99 = row[api]["p99_ms"]
            shown = "stalled" if p99 is None else f"{p99:.1f} ms"
            lines.append(
                f"{name}: p99 <= 150 ms: {shown} {verdict(p99 is not None and p99 <= 150)}"
            )
    if "probe" in results:
        p = results["probe"]
        lines.append(
            f"probe: an uncached page <= 2x its SQL: median {p['ratio_median']}x, "
            f"p90 {p['ratio_p90']}x {verdict(p['ratio_median'] <= 2)}"
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
