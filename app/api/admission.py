"""Admission: at most `limit` requests are being worked on at once; the others wait their
turn before any work is done for them, and past a bounded queue get a 503 at once. Only
`/v1/` requests are admitted this way.

A request whose query runs on a worker thread does not use the event loop meanwhile: it
gives its place up for that time (`Admitted`, used by app/api/database.py) and takes one
back to finish, so cheap requests never queue behind long queries they do not share a
resource with.

One process, one event loop: when every connection sends work at once, each request's steps
queue behind everyone else's, and a cheap request (`/health`, a page by id) waits for a whole
round of them. Admitting a few at a time keeps that round short; `/health` and answers from
the response cache (outside this middleware) never wait. A request leaves as soon as its
response starts: a streaming export is bounded by its own limit (app/api/database.py).
"""

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.database import STATE_ADMISSION, OverloadedError, Slots
from app.api.errors import PROBLEM_MEDIA_TYPE

ADMITTED_PREFIX = "/v1/"  # the API's own work; `/health`, docs and static files never wait


class AdmissionMiddleware:
    def __init__(
        self, app: ASGIApp, *, limit: int, max_waiting: int = 1024, max_wait: float = 10.0
    ) -> None:
        self.app = app
        self.slots = Slots("request", limit, max_waiting=max_waiting, max_wait=max_wait)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only the API is admitted: a page that calls it in process (the explorer) must not
        # hold a slot its own calls would wait for.
        if scope["type"] != "http" or not scope["path"].startswith(ADMITTED_PREFIX):
            await self.app(scope, receive, send)
            return
        admitted = Admitted(self.slots)
        try:
            await self.slots.acquire(admitted)
        except OverloadedError as exc:
            await _busy(scope, send, exc)
            return
        admitted.held = True
        scope.setdefault("state", {})[STATE_ADMISSION] = admitted

        async def send_and_leave(message: Message) -> None:
            if message["type"] == "http.response.start":
                admitted.leave()
            await send(message)

        try:
            await self.app(scope, receive, send_and_leave)
        finally:
            admitted.leave()


class Admitted:
    """A request's place among the admitted; `async with admitted:` steps out for the
    duration (a query on a worker thread) and waits for a place again after it."""

    def __init__(self, slots: Slots) -> None:
        self.slots = slots
        self.held = False
        self._stepped_out = False

    def leave(self) -> None:
        if self.held:
            self.held = False
            self.slots.release(self)

    async def __aenter__(self) -> None:
        self._stepped_out = self.held
        self.leave()

    async def __aexit__(self, *_exc: object) -> None:
        if self._stepped_out:
            # Admitted once already: back in line without the queue bound's 503.
            await self.slots.limiter.acquire_on_behalf_of(self)
            self.held = True


async def _busy(scope: Scope, send: Send, exc: OverloadedError) -> None:
    body = orjson.dumps(
        {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": str(exc),
            "instance": scope["path"],
        }
    )
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(exc.retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
