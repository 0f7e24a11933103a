"""HTTP caching for a dataset that only changes when a new one is loaded.

- A GET's ETag is a hash of the dataset version, the code version and the request (path +
  query), known before any work is done: a matching `If-None-Match` gets a 304 without
  touching the database. A deploy that changes response shapes changes every ETag.
- Successful responses are kept in a bounded in-process LRU keyed the same way, so a repeated
  request is answered from memory (`X-Cache: hit`). Responses larger than a tenth of the
  budget (big exports) are never kept. A budget of 0 turns the LRU off.
"""

import contextlib
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.dataset import ServedDataset


@dataclass
class _Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


# The explorer's templates, stylesheet and script shape its pages as much as the Python does.
CODE_SUFFIXES = (".py", ".html", ".css", ".js")


def _code_version() -> str:
    """A hash of the application's code and installed framework versions."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES):
        digest.update(path.read_bytes())
    for package in ("fastapi", "pydantic", "sqlalchemy", "fastapi-offline"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(metadata.version(package).encode())
    return digest.hexdigest()[:12]


class ResponseCache:
    """Bytes-bounded LRU of complete responses."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 10
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0

    def put(self, key: str, entry: _Entry) -> None:
        if entry.size > self.max_entry or key in self.entries:
            return
        self.entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.size -= evicted.size


class HttpCacheMiddleware:
    def __init__(
        self, app: ASGIApp, *, dataset: ServedDataset, max_age: int, max_bytes: int
    ) -> None:
        self.app = app
        self.dataset = dataset
        self.code_version = _code_version()
        self.cache_control = f"public, max-age={max_age}".encode()
        self.cache = ResponseCache(max_bytes) if max_bytes > 0 else None

    def etag(self, key: str) -> str:
        version = self.dataset.version
        digest = hashlib.sha256(f"{version}\0{self.code_version}\0{key}".encode()).hexdigest()[:20]
        return f'"{version}-{digest}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if self.dataset.refresh_if_due() and self.cache is not None:
            self.cache.clear()
        key = f"{scope['path']}\0{scope.get('query_string', b'').decode('latin-1')}"
        etag = self.etag(key)
        cache_headers = [(b"etag", etag.encode()), (b"cache-control", self.cache_control)]
        if_none_match = Headers(scope=scope).get("if-none-match", "")
        if if_none_match == "*" or etag in [tag.strip() for tag in if_none_match.split(",")]:
            await send({"type": "http.response.start", "status": 304, "headers": cache_headers})
            await send({"type": "http.response.body", "body": b""})
            return
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            headers = [*cached.headers, (b"x-cache", b"hit")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": cached.body})
            return
        await self.app(scope, receive, self._capturing_send(send, key, cache_headers))

    def _capturing_send(
        self, send: Send, key: str, cache_headers: list[tuple[bytes, bytes]]
    ) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = self.cache is not None

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    headers = MutableHeaders(scope=message)
                    for name, value in cache_headers:
                        headers[name.decode()] = value.decode()
                else:
                    keep = False
                start = message
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if self.cache is not None and size > self.cache.max_entry:
                    keep, chunks[:] = False, []
                if keep and not message.get("more_body", False) and start is not None:
                    assert self.cache is not None
                    self.cache.put(key, _Entry(200, list(start["headers"]), b"".join(chunks)))
            await send(message)

        return capture
