"""HTTP caching: the data only changes when a new dataset is loaded, so a GET's ETag is a
hash of the dataset version and the request (path + query), known before any work is done.
A matching `If-None-Match` gets a 304 without touching the database."""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ETagMiddleware:
    def __init__(self, app: ASGIApp, *, version: str, max_age: int) -> None:
        self.app = app
        self.version = version
        self.cache_control = f"public, max-age={max_age}"

    def etag(self, scope: Scope) -> str:
        query = scope.get("query_string", b"").decode("latin-1")
        key = f"{self.version}\0{scope['path']}\0{query}"
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return f'"{self.version}-{digest}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        etag = self.etag(scope)
        if_none_match = Headers(scope=scope).get("if-none-match", "")
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*":
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", etag.encode()),
                        (b"cache-control", self.cache_control.encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = MutableHeaders(scope=message)
                headers["ETag"] = etag
                headers["Cache-Control"] = self.cache_control
            await send(message)

        await self.app(scope, receive, send_with_headers)
