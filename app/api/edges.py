"""The edges of HTTP that Starlette answers itself, made to keep the API's promises:
errors are problem+json (a refused CORS preflight included), redirects never echo the
request's `Host` header (a trailing-slash redirect is sent as a relative `Location`), and
HEAD answers wherever GET does (RFC 9110 9.1; the routes declare GET only, so that the
OpenAPI document and the generated clients have one operation per resource)."""

import contextlib
from urllib.parse import urlsplit

import orjson
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import PROBLEM_MEDIA_TYPE


class ProblemCorsMiddleware(CORSMiddleware):
    """CORS whose refused preflight is a problem+json 400 naming what was refused."""

    def preflight_response(self, request_headers: object) -> Response:
        response = super().preflight_response(request_headers)  # type: ignore[arg-type]
        if response.status_code < 400:
            return response
        detail = bytes(response.body).decode()  # "Disallowed CORS method, headers"
        body = {
            "type": "about:blank",
            "title": "Bad Request",
            "status": response.status_code,
            "detail": f"{detail}; allowed methods: {', '.join(self.allow_methods)}; "
            f"allowed headers: {', '.join(sorted(self.allow_headers))}",
        }
        problem = Response(
            orjson.dumps(body), status_code=response.status_code, media_type=PROBLEM_MEDIA_TYPE
        )
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                problem.headers[name] = value
        return problem


class RelativeRedirectMiddleware:
    """Rewrites an absolute `Location` of a redirect to its path and query: Starlette builds
    it from the `Host` header, which a client controls (a cache poisoned with a redirect to
    another site). A relative reference resolves against the URL the client asked for."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def relative_location(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location:
                    parts = urlsplit(location)
                    if parts.scheme or parts.netloc:
                        path = "/" + parts.path.lstrip("/")  # never "//host": scheme-relative
                        headers["location"] = path + (f"?{parts.query}" if parts.query else "")
            await send(message)

        await self.app(scope, receive, relative_location)


class _BodyNotWanted(Exception):
    """A HEAD response's headers are sent: the app may stop producing the body."""


class HeadMiddleware:
    """Answers HEAD as GET without the body: the same status and headers (`Content-Length`
    included), and the app is stopped once they are sent (an export does not run on)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)
                await send({"type": "http.response.body", "body": b""})
                raise _BodyNotWanted

        with contextlib.suppress(_BodyNotWanted):
            await self.app({**scope, "method": "GET"}, receive, headers_only)
