"""Slow export readers cannot freeze the API (issue 14, defect 1).

Before: every streaming export held a pooled connection for its whole life (and after its
client had gone); with 20 slow readers the pool was empty and the next request waited for a
connection inside the event loop, so a fast client got no answer at all. Now an export reads
short, prefetched batches with a briefly held connection, a disconnect frees everything at
once, and past `MAX_EXPORTS` an export is refused at once with a 503.
"""

import socket
import time

import httpx

from tests.live import LiveServer

SLOW_READERS = 20
SLOW_SECONDS = 8.0


def _slow_reader(server: LiveServer, path: str) -> socket.socket:
    """A client that asks for an export and then reads a few bytes at a time, through a
    small receive window (so the kernel's buffers do not swallow the file)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    sock.settimeout(5.0)
    assert sock.recv(64).startswith(b"HTTP/1.1 200")
    return sock


def _p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_slow_export_readers_do_not_starve_the_api(serve, generated_url: str) -> None:  # type: ignore[no-untyped-def]
    server: LiveServer = serve(generated_url, MAX_EXPORTS=str(SLOW_READERS))
    readers = [
        _slow_reader(server, f"/v1/export/claims.{'csv' if n % 2 else 'ndjson'}")
        for n in range(SLOW_READERS)
    ]
    latencies: list[float] = []
    statuses: list[int] = []
    with httpx.Client(base_url=server.url, timeout=10.0) as fast:
        # Past the bound, an export is refused at once, not queued.
        started = time.perf_counter()
        refused = fast.get("/v1/export/claims.csv")
        assert time.perf_counter() - started < 1.0
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 0
        n = 0
        deadline = time.monotonic() + SLOW_SECONDS
        while time.monotonic() < deadline:
            for reader in readers:
                reader.recv(16)  # a few bytes per second each
            for path in (f"/v1/claims?limit={1 + n % 100}&sort=-value", "/health"):
                started = time.perf_counter()
                statuses.append(fast.get(path).status_code)
                latencies.append(time.perf_counter() - started)
            n += 1
            time.sleep(0.05)
        assert set(statuses) == {200}, statuses
        assert len(latencies) > 40
        assert _p99(latencies) < 0.5, sorted(latencies)[-5:]
        # The slow clients leave: their exports are freed at once, so the full number of
        # exports can run again straight away.
        for reader in readers:
            reader.close()
        time.sleep(0.5)
        fresh = [_slow_reader(server, "/v1/export/claims.ndjson") for _ in range(SLOW_READERS)]
        for reader in fresh:
            reader.close()
        time.sleep(0.5)
        whole = fast.get("/v1/export/claims.csv")
        assert whole.status_code == 200
        assert len(whole.text.splitlines()) > int(whole.headers["x-row-count"])
