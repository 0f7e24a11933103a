"""HTTP caching for a dataset that only changes when a new one is loaded.

- A 200's ETag is a hash of the dataset version its queries read, the code version and the
  request (path + query). A request whose `If-None-Match` holds an ETag this process issued
  for the same request on the served version gets a 304 without touching the database; any
  other `If-None-Match` (`*` included) is compared with the response once it is known, and
  only a 200 becomes a 304: a 404, a 422 or an unknown route is answered as it is.
- Successful responses are kept in a bounded in-process LRU keyed by the dataset version
  their queries read, so an answer computed on one dataset is never served for another: a
  request that read the old file after a reload was noticed (or both files, across a reload)
  stores nothing the new version would find. Responses larger than a tenth of the budget
  (big exports) are never kept. A budget of 0 turns the LRU off.
- `/health` is never cached: it reports on the database now.
"""

import contextlib
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.database import MIXED, recorded_version
from app.api.dataset import ServedDataset

UNCACHED_PATHS = frozenset({"/health"})
ISSUED_ETAGS = 1 << 16  # remembered per process (about 5 MB at most)


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


class _NotModifiedSent(Exception):
    """The response became a 304: the rest of its body is not wanted."""


def _opaque(tag: str) -> str:
    """An entity tag without its weakness flag: `If-None-Match` compares weakly (RFC 9110
    13.1.2), so `W/"x"` from a proxy that weakened our tag matches `"x"`."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    return _opaque(etag) in [_opaque(t) for t in if_none_match.split(",")]


class HttpCacheMiddleware:
    def __init__(
        self, app: ASGIApp, *, dataset: ServedDataset, max_age: int, max_bytes: int
    ) -> None:
        self.app = app
        self.dataset = dataset
        self.code_version = _code_version()
        self.cache_control = f"public, max-age={max_age}".encode()
        self.cache = ResponseCache(max_bytes) if max_bytes > 0 else None
        self.issued: OrderedDict[str, None] = OrderedDict()

    def etag(self, version: str, request: str) -> str:
        digest = hashlib.sha256(f"{version}\0{self.code_version}\0{request}".encode()).hexdigest()[
            :20
        ]
        return f'"{version}-{digest}"'

    def _issue(self, etag: str) -> None:
        self.issued[etag] = None
        if len(self.issued) > ISSUED_ETAGS:
            self.issued.popitem(last=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if await self.dataset.refresh_if_due() and self.cache is not None:
            self.cache.clear()
        if scope["path"] in UNCACHED_PATHS:
            await self.app(scope, receive, self._no_store(send))
            return
        request = f"{scope['path']}\0{scope.get('query_string', b'').decode('latin-1')}"
        version = self.dataset.version
        etag = self.etag(version, request)
        if_none_match = Headers(scope=scope).get("if-none-match")
        if if_none_match is not None and etag in self.issued and _matches(if_none_match, etag):
            await self._not_modified(send, etag)
            return
        cached = self.cache.get(f"{version}\0{request}") if self.cache else None
        if cached is not None:
            if if_none_match is not None and _matches(if_none_match, etag):
                await self._not_modified(send, etag)
                return
            headers = [*cached.headers, (b"x-cache", b"hit")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": cached.body})
            return
        with contextlib.suppress(_NotModifiedSent):
            await self.app(scope, receive, self._capturing_send(scope, send, request))

    async def _not_modified(self, send: Send, etag: str) -> None:
        headers = [(b"etag", etag.encode()), (b"cache-control", self.cache_control)]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def _no_store(send: Send) -> Send:
        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["cache-control"] = "no-store"
            await send(message)

        return no_store

    def _capturing_send(self, scope: Scope, send: Send, request: str) -> Send:
        """Tags a 200 with the ETag of the version its queries read, turns it into a 304
        if `If-None-Match` matches, and keeps a copy in the cache under that version."""
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = self.cache is not None
        key = ""
        stored_headers: list[tuple[bytes, bytes]] = []

        async def capture(message: Message) -> None:
            nonlocal start, size, keep, key
            if message["type"] == "http.response.start":
                start = message
                read = recorded_version(scope) or self.dataset.version
                if message["status"] != 200 or read == MIXED:
                    keep = False
                    await send(message)
                    return
                etag = self.etag(read, request)
                self._issue(etag)
                key = f"{read}\0{request}"
                if if_none_match is not None and _matches(if_none_match, etag):
                    await self._not_modified(send, etag)
                    raise _NotModifiedSent
                headers = MutableHeaders(scope=message)
                headers["etag"] = etag
                headers["cache-control"] = self.cache_control.decode()
                # A copy: the middlewares outside this one edit the message's list in place
                # (CORS adds `Vary`), and a cache hit goes out through them again.
                stored_headers[:] = list(message["headers"])
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if self.cache is not None and size > self.cache.max_entry:
                    keep, chunks[:] = False, []
                if keep and not message.get("more_body", False) and start is not None:
                    assert self.cache is not None
                    if key.startswith(f"{self.dataset.version}\0"):  # still the served one
                        self.cache.put(key, _Entry(200, stored_headers, b"".join(chunks)))
            await send(message)

        return capture
