"""Soak the API: a bounded, loopback-only run of new URLs, slow export readers and a reload.

    uv run python scripts/soak.py --database-url sqlite:///data/synthetic-200000.db
    uv run python scripts/soak.py --database-url sqlite:///data/synthetic-200000.db \\
        --seconds 60 --connections 32 --slow-readers 8

What it does (everything on 127.0.0.1, everything stops by itself):
1. Copies the SQLite file to a scratch folder and prepares a second dataset from it: the same
   claims with every `note` set to a marker and a new dataset version (the reload).
2. Starts `uvicorn app.main:app` on a free loopback port over the copy.
3. For `--seconds`: `--connections` clients send a mix in which every URL is new (claims by
   metric and month with a varying `max_value`, by speaker, by id, full-text with counts,
   facets, search, series, events, sources; `/v1/stats` too); `--slow-readers` clients
   stream exports and read them slowly, starting again when one ends; a probe asks for
   `/health` every 50 ms. Halfway through, the prepared dataset replaces the served file
   with an atomic rename, as `scripts/seed.py` does.
4. Reports errors by status, p50/p99 per kind of request, `/health` p99, the server's RSS
   (max and at the end), exports completed and cut by the reload, and the number of stale
   answers: a response whose ETag names one dataset version while its body shows the other
   (a claim's note, `/v1/stats`' version).

Targets (issue 14): 0 errors, 0 stale answers, `/health` p99 under 50 ms.
"""

import argparse
import asyncio
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MARKER = "soak: reloaded dataset"
HEALTH_EVERY = 0.05
CLAIM_KINDS = ("metric+month", "speaker", "by id", "q+count", "deep page")  # bodies with notes


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    stale: list[str] = field(default_factory=list)
    checked: int = 0
    exports_done: int = 0
    exports_cut: int = 0
    export_bytes: int = 0
    rss_kb: list[int] = field(default_factory=list)
    anon_kb: list[int] = field(default_factory=list)
    processes: int = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(source: Path, folder: Path) -> tuple[Path, Path, str]:
    """The served copy and the reload: same data, every note marked, a new version."""
    served, reload = folder / "served.db", folder / "reload.db"
    shutil.copyfile(source, served)
    shutil.copyfile(source, reload)
    version = f"soak{random.randrange(16**8):08x}"
    with sqlite3.connect(reload) as conn:
        conn.execute("UPDATE claim SET note = ?", (MARKER,))
        conn.execute("UPDATE dataset_info SET value = ? WHERE key = 'version'", (version,))
    return served, reload, version


def etag_version(response: httpx.Response) -> str | None:
    etag = response.headers.get("etag")
    return etag.strip('"').rsplit("-", 1)[0] if etag else None


class Mix:
    """An endless supply of URLs never sent before."""

    def __init__(self, metrics: list[str], speakers: list[str], ids: list[str], words: list[str]):
        self.metrics, self.speakers, self.ids, self.words = metrics, speakers, ids, words
        self.n = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return self

    def __next__(self) -> tuple[str, str]:
        self.n += 1
        n, rnd = self.n, random.Random(self.n)
        metric, speaker = rnd.choice(self.metrics), rnd.choice(self.speakers)
        month = f"2024-{8 + n % 5:02d}" if n % 2 else f"2025-{1 + n % 3:02d}"
        word = rnd.choice(self.words)
        kinds = [
            (
                "metric+month",
                f"/v1/claims?metric={metric}&stated_from={month}"
                f"&stated_to={month}&max_value={100 + n}&limit=50",
            ),
            ("speaker", f"/v1/claims?speaker={speaker}&limit={1 + n % 200}"),
            ("by id", f"/v1/claims/{self.ids[n % len(self.ids)]}"),
            ("q+count", f"/v1/claims?q={word}&count=true&limit={1 + n % 100}"),
            ("facets", f"/v1/claims/facets?metric={metric}&max_value={1000 + n}"),
            ("search", f"/v1/search?q={word}&limit={1 + n % 100}"),
            ("series", f"/v1/metrics/{metric}/series?from=2024-{1 + n % 12:02d}"),
            ("events", f"/v1/events?limit={1 + n % 300}"),
            ("sources", f"/v1/sources?limit={1 + n % 300}"),
            ("deep page", f"/v1/claims?sort=-value&limit={1 + n % 500}&min_value={n % 997}"),
        ]
        weights = [5, 4, 5, 1, 1, 1, 1, 1, 1, 2]
        if n % 50 == 0:
            return "stats", "/v1/stats"
        return rnd.choices(kinds, weights)[0]


def check_stale(kind: str, response: httpx.Response, versions: dict[str, str], r: Results) -> None:
    """Does the body show the dataset the ETag names?"""
    tagged = etag_version(response)
    if tagged is None or response.status_code != 200:
        return
    body: Any = response.json()
    shown: str | None = None
    if kind == "stats":
        shown = body["dataset_version"]
    elif kind in CLAIM_KINDS:
        items = [body] if kind == "by id" else body["items"]
        notes = {item["note"] for item in items}
        if notes:
            reloaded = MARKER in notes
            if reloaded and len(notes) > 1:
                r.stale.append(f"{response.url}: notes of two datasets")
                return
            shown = versions["new"] if reloaded else versions["old"]
    if shown is None:
        return
    r.checked += 1
    if shown != tagged:
        r.stale.append(f"{response.url}: ETag {tagged}, data {shown}")


async def client_loop(
    client: httpx.AsyncClient, mix: Mix, deadline: float, versions: dict[str, str], r: Results
) -> None:
    while time.monotonic() < deadline:
        kind, path = next(mix)
        started = time.perf_counter()
        try:
            response = await client.get(path)
        except httpx.HTTPError as exc:
            r.transport_errors[type(exc).__name__] += 1
            continue
        r.latencies[kind].append(time.perf_counter() - started)
        r.statuses[(kind, response.status_code)] += 1
        check_stale(kind, response, versions, r)


async def slow_reader(
    client: httpx.AsyncClient, n: int, deadline: float, versions: dict[str, str], r: Results
) -> None:
    """Streams exports at ~250 KB/s, one after another."""
    while time.monotonic() < deadline:
        path = "/v1/export/claims." + ("csv" if n % 2 else "ndjson")
        try:
            async with client.stream("GET", path) as response:
                r.statuses[("export", response.status_code)] += 1
                if response.status_code != 200:
                    await asyncio.sleep(1)
                    continue
                async for chunk in response.aiter_bytes(8192):
                    r.export_bytes += len(chunk)
                    if time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.03)
                else:
                    r.exports_done += 1
        except httpx.RemoteProtocolError:
            r.exports_cut += 1  # a reload mid-export cuts it: never a file of two datasets
        except httpx.HTTPError as exc:
            r.transport_errors[f"export {type(exc).__name__}"] += 1


async def health_probe(url: str, deadline: float, r: Results) -> None:
    """`/health` every HEALTH_EVERY seconds from a process of its own, as a load balancer
    polls: in this process its timings would include the load clients' own event loop."""
    seconds = max(0.0, deadline - time.monotonic())
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--health-probe",
        url,
        f"{seconds:.1f}",
        stdout=subprocess.PIPE,
    )
    out, _ = await probe.communicate()
    for line in out.decode().splitlines():
        status, seconds_taken = line.split()
        if status == "error":
            r.transport_errors["health " + seconds_taken] += 1
            continue
        r.latencies["/health"].append(float(seconds_taken))
        r.statuses[("/health", int(status))] += 1


def poll_health(url: str, seconds: float) -> None:
    """The probe process: one keep-alive connection, a line per request on stdout."""
    import http.client
    import urllib.parse

    where = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    lines = []
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=30)
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", "/health")
            response = conn.getresponse()
            response.read()
            lines.append(f"{response.status} {time.perf_counter() - started:.6f}")
        except (OSError, http.client.HTTPException) as exc:
            lines.append(f"error {type(exc).__name__}")
            conn.close()
        time.sleep(HEALTH_EVERY)
    print("\n".join(lines))


def _children(pid: int) -> list[int]:
    """The server's child processes (its query workers, app/api/workers.py)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _memory_kb(pid: int, field_name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name):
            return int(line.split()[1])
    return 0


async def rss_probe(pid: int, deadline: float, r: Results) -> None:
    """The server's memory, its workers' included (the API process's own, then the sum)."""
    while time.monotonic() < deadline:
        try:
            pids = [pid, *_children(pid)]
            r.rss_kb.append(sum(_memory_kb(p, "VmRSS:") for p in pids))
            r.anon_kb.append(sum(_memory_kb(p, "RssAnon:") for p in pids))
            r.processes = max(r.processes, len(pids))
        except FileNotFoundError:
            pass  # a worker that just ended
        await asyncio.sleep(1)


async def reload_midway(served: Path, reload: Path, at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    os.replace(reload, served)  # what scripts/seed.py does: an atomic rename
    print(f"soak: reloaded at {time.strftime('%H:%M:%S')}", file=sys.stderr)


async def vocabulary(url: str) -> Mix:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        metrics = [m["id"] for m in (await client.get("/v1/metrics")).json()["items"]]
        speakers = [s["id"] for s in (await client.get("/v1/speakers?limit=500")).json()["items"]]
        ids: list[str] = []
        words: set[str] = set()
        cursor = None
        for _ in range(10):
            query = "/v1/claims?limit=500" + (f"&cursor={cursor}" if cursor else "")
            page = (await client.get(query)).json()
            for claim in page["items"]:
                ids.append(claim["id"])
                for citation in claim["citations"]:
                    words.update(w for w in citation["quote"].split() if w.isalpha() and len(w) > 4)
            cursor = page["next_cursor"]
            if not cursor:
                break
    random.Random(1).shuffle(ids)
    return Mix(metrics, speakers, ids, sorted(words)[:500])


def report(r: Results, seconds: float, rss_start: int) -> bool:
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else 0.0

    total = sum(len(v) for k, v in r.latencies.items() if k != "/health")
    everything = [x for k, v in r.latencies.items() if k != "/health" for x in v]
    errors = sum(n for (_, status), n in r.statuses.items() if status >= 400)
    errors += sum(r.transport_errors.values())
    print(
        f"\nrequests: {total} in {seconds:.0f} s ({total / seconds:.0f} req/s), "
        f"p50 {pct(everything, 0.5):.1f} ms, p99 {pct(everything, 0.99):.1f} ms"
    )
    print(f"{'kind':<14}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(r.latencies.items()):
        print(f"{kind:<14}{len(values):>7}{pct(values, 0.5):>9.1f}{pct(values, 0.99):>9.1f}")
    bad = {f"{k} {s}": n for (k, s), n in r.statuses.items() if s >= 400}
    print(f"errors: {errors} {bad or ''} {dict(r.transport_errors) or ''}")
    print(f"stale answers: {len(r.stale)} of {r.checked} checked")
    for line in r.stale[:10]:
        print(f"  {line}")
    print(
        f"exports: {r.exports_done} completed, {r.exports_cut} cut by the reload, "
        f"{r.export_bytes / 1e6:.0f} MB read"
    )
    if r.rss_kb:
        print(
            f"server RSS ({r.processes} processes: the API and its query workers): "
            f"start {rss_start / 1024:.0f} MB, max {max(r.rss_kb) / 1024:.0f} MB, "
            f"end {r.rss_kb[-1] / 1024:.0f} MB (with the database's mmap pages, counted once "
            "per process); "
            f"anonymous memory max {max(r.anon_kb or [0]) / 1024:.0f} MB"
        )
    health_p99 = pct(r.latencies["/health"], 0.99)
    print(f"/health p99: {health_p99:.1f} ms (target < 50)")
    return errors == 0 and not r.stale and health_p99 < 50


async def soak(args: argparse.Namespace) -> bool:
    source = Path(args.database_url.removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory(prefix="kursk-soak-") as folder:
        served, reload, new_version = prepare(source, Path(folder))
        with sqlite3.connect(served) as conn:
            old_version = conn.execute(
                "SELECT value FROM dataset_info WHERE key = 'version'"
            ).fetchone()[0]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = open(Path(folder) / "uvicorn.log", "wb")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{served}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(300):
                if server.poll() is not None:
                    log.flush()
                    print((Path(folder) / "uvicorn.log").read_text(errors="replace"))
                    raise SystemExit("soak: the server did not start")
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            mix = await vocabulary(url)
            rss_start = int(
                next(
                    line
                    for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                    if line.startswith("VmRSS:")
                ).split()[1]
            )
            versions = {"old": old_version, "new": new_version}
            results = Results()
            started = time.monotonic()
            deadline = started + args.seconds
            limits = httpx.Limits(max_connections=args.connections + args.slow_readers + 2)
            timeout = httpx.Timeout(30.0)
            async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
                await asyncio.gather(
                    *(
                        client_loop(client, mix, deadline, versions, results)
                        for _ in range(args.connections)
                    ),
                    *(
                        slow_reader(client, n, deadline, versions, results)
                        for n in range(args.slow_readers)
                    ),
                    health_probe(url, deadline, results),
                    rss_probe(server.pid, deadline, results),
                    reload_midway(served, reload, started + args.seconds / 2),
                )
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
        print(
            f"soak: {args.seconds:.0f} s, {args.connections} connections, "
            f"{args.slow_readers} slow export readers, reload midway; "
            f"{source.name}, versions {old_version} -> {new_version}"
        )
        ok = report(results, elapsed, rss_start)
        tail = (Path(folder) / "uvicorn.log").read_text(errors="replace").splitlines()[-5:]
        if tail:
            print("server log (last lines):", *tail, sep="\n  ")
        return ok


def main() -> int:
    if sys.argv[1:2] == ["--health-probe"]:
        poll_health(sys.argv[2], float(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///PATH (copied)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--slow-readers", type=int, default=8)
    args = parser.parse_args()
    if not args.database_url.startswith("sqlite:///"):
        parser.error("the soak copies a SQLite file (it replaces the copy midway)")
    if not 1 <= args.seconds <= 600 or not 1 <= args.connections <= 256:
        parser.error("bounded: --seconds 1-600, --connections 1-256")
    return 0 if asyncio.run(soak(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
