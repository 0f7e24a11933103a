"""One error shape for every failure: RFC 9457 `application/problem+json`, never a traceback."""

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.api.database import OverloadedError
from app.api.strict import ParameterProblemsError
from app.dates import PARTIAL_DATE_PATTERN
from app.db import DatabaseMissingError
from app.queries.errors import InvalidParameterError, NotFoundError
from app.queries.pagination import CURSOR_PATTERN
from app.schemas.common import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("app.errors")


def problem(status: int, detail: str, request: Request, **extra: Any) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _problem_content(status: int, detail: str, instance: str, **extra: Any) -> dict[str, Any]:
    # `model` registers the named `Problem` schema; `app.api.docs` then drops the entry
    # FastAPI adds beside it under the route's own media type: errors are only problem+json.
    return {
        "model": Problem,
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                    "type": "about:blank",
                    "title": HTTPStatus(status).phrase,
                    "status": status,
                    "detail": detail,
                    "instance": instance,
                    **extra,
                },
            }
        },
    }


def not_found(what: str, path: str) -> dict[int | str, dict[str, Any]]:
    """The documented 404 of an operation that looks a `what` up by id under `path`."""
    return {
        404: {
            "description": f"No {what} has this id.",
            **_problem_content(
                404, f"no {what} with id 'no-such-{what}'", f"{path}/no-such-{what}"
            ),
        }
    }


NOT_FOUND = not_found("claim", "/v1/claims")
_BAD_DATE = "'2025-13' is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY"
INVALID: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "A parameter is malformed (the problem's `errors` say which and why), "
        "or names an id or alias that does not exist.",
        **_problem_content(
            422,
            f"stated_from: {_BAD_DATE}",
            "/v1/claims",
            errors=[{"parameter": "stated_from", "message": _BAD_DATE}],
        ),
    }
}


OVERLOADED: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "The server is busy (every worker is taken and the queue is full) or "
        "cannot read its database; `Retry-After` says when to try again.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        },
        **_problem_content(
            503, "the server is busy (4 long queries queued); retry in 1 s", "/v1/claims/facets"
        ),
    }
}
UNREADABLE_DATABASE = "the database cannot be read; the operator has been told (see the log)"
# A damaged or unmigrated file, a lost server: the database, not the request, is at fault.
# Errors in the SQL itself (a bug) stay 500s.
_CODE_ERRORS = (ProgrammingError, IntegrityError, DataError)


def _location(loc: tuple[Any, ...]) -> str:
    # ("query", "qualifier", 0) -> "qualifier": the item index of a repeated parameter is noise.
    parts = [
        str(p)
        for p in loc
        if p not in ("query", "path", "header", "body") and not isinstance(p, int)
    ]
    return ".".join(parts) or "request"


# Patterns whose pydantic message ("String should match pattern '^\\d{4}...'") says less
# than a sentence would.
PATTERN_MESSAGES = {
    PARTIAL_DATE_PATTERN: "is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY",
    CURSOR_PATTERN: "is not a cursor returned by this API",
}


def _validation_message(error: dict[str, Any]) -> str:
    pattern = (error.get("ctx") or {}).get("pattern")
    if error.get("type") == "string_pattern_mismatch" and pattern in PATTERN_MESSAGES:
        return f"{error.get('input')!r} {PATTERN_MESSAGES[pattern]}"
    message = str(error.get("msg", "invalid"))
    if "input" in error and error.get("type") != "missing":
        return f"{message} (got {error['input']!r})"
    return message


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return problem(404, str(exc), request)

    @app.exception_handler(ParameterProblemsError)
    async def _parameters(request: Request, exc: ParameterProblemsError) -> Response:
        errors = [{"parameter": name, "message": message} for name, message in exc.problems]
        return problem(422, exc.detail, request, errors=errors)

    @app.exception_handler(InvalidParameterError)
    async def _invalid(request: Request, exc: InvalidParameterError) -> Response:
        return problem(
            422, str(exc), request, errors=[{"parameter": exc.parameter, "message": exc.message}]
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"parameter": _location(tuple(e.get("loc", ()))), "message": _validation_message(e)}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return problem(422, detail, request, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path!r}; see /docs"
        response = problem(exc.status_code, detail, request)
        # Keep the headers the exception carries: a 405's `Allow` is required (RFC 9110),
        # and HEAD is allowed wherever GET is (app.api.edges.HeadMiddleware).
        response.headers.update(exc.headers or {})
        allowed = [m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()]
        if "GET" in allowed and "HEAD" not in allowed:
            response.headers["allow"] = ", ".join([*allowed, "HEAD"])
        return response

    @app.exception_handler(OverloadedError)
    async def _overloaded(request: Request, exc: OverloadedError) -> Response:
        response = problem(503, str(exc), request)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(PoolTimeoutError)
    async def _pool_timeout(request: Request, exc: PoolTimeoutError) -> Response:
        logger.error("no database connection free on %s", request.url.path)
        return await _overloaded(request, OverloadedError("no database connection free"))

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if isinstance(exc, _CODE_ERRORS):
            return await _unexpected(request, exc)
        logger.error("database error on %s: %s", request.url.path, exc.orig)
        response = problem(503, UNREADABLE_DATABASE, request)
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(DatabaseMissingError)
    async def _no_database(request: Request, exc: DatabaseMissingError) -> Response:
        return problem(503, str(exc), request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error on %s", request.url.path)
        return problem(500, "internal error; it has been logged", request)
