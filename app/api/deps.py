"""Dependencies shared by the routers: the database and common parameters."""

import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from starlette.responses import Response
from starlette.types import Scope

from app.api.database import QueryRunner
from app.api.responses import json_bytes, serialised_json_response
from app.dates import PARTIAL_DATE_PATTERN
from app.queries.claim_filters import (
    MAX_REPEATS,
    ClaimFilters,
    Param,
    claim_filter_fields,
    is_costly,
    parse_claim_filters,
)
from app.queries.pagination import CURSOR_PATTERN

MAX_PAGE_SIZE = 500
MAX_ID_LENGTH = 200


T = TypeVar("T")


class Db:
    """The database, as a route sees it: `await db.run(query, **kwargs)` calls
    `query(conn, **kwargs)` on a read-only connection and returns its result.

    The runner (app/api/database.py) chooses where: inline on the event loop for a cheap
    query on SQLite, awaited through the async driver for PostgreSQL, and in a worker
    process for `long=True` (a query whose cost grows with the data: full-text search,
    exact counts, aggregates). Past its bounds it raises OverloadedError, a 503 with
    `Retry-After`. `await db.json(...)` answers with the result as JSON, serialised where
    the query ran."""

    def __init__(self, runner: QueryRunner, scope: Scope) -> None:
        self.runner = runner
        self.scope = scope

    async def run(self, query: Callable[..., T], /, long: bool = False, **kwargs: Any) -> T:
        return await self.runner.run(self.scope, query, long, **kwargs)

    async def run_unbounded(self, query: Callable[..., T], /, **kwargs: Any) -> T:
        """`run` without waiting for a slot: for the health check only (see the runner)."""
        return await self.runner.run_unbounded(self.scope, query, **kwargs)

    async def json(
        self, query: Callable[..., Any], /, long: bool = False, **kwargs: Any
    ) -> Response:
        """The result as a JSON response, serialised where the query ran: from a worker
        process, bytes come back instead of a structure to pickle and unpickle (a chart's
        series of ~500 points: ~1 ms less of the API process's time, and orjson's work done
        on the worker's core)."""
        body = await self.run(functools.partial(json_bytes, query), long, **kwargs)
        return serialised_json_response(body)


async def get_db(request: Request) -> Db:
    return Db(request.app.state.queries, request.scope)


DbDep = Annotated[Db, Depends(get_db)]


def long_claim_query(filters: ClaimFilters, *, count: bool = False) -> bool:
    """Whether a claim page may cost more than walking an index for a page: an exact count,
    or a filter the registry declares costly."""
    return count or is_costly(filters)


LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size (1-{MAX_PAGE_SIZE}).")
]
CursorQuery = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="`next_cursor` from the previous page."),
]
CountQuery = Annotated[
    bool, Query(description="Add the exact `total` of matching items (costs one COUNT).")
]
IdPath = Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH, description="Stable id.")]


def id_path(what: str, example: str) -> Any:
    """A path parameter holding the stable id of a `what`, documented with a real example."""
    return Path(
        min_length=1,
        max_length=MAX_ID_LENGTH,
        description=f"Stable {what} id (slug).",
        examples=[example],
    )


def date_bound(description: str, example: str | None = None, *, alias: str | None = None) -> Any:
    """A date-bound query parameter (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), for every endpoint."""
    return Query(
        alias=alias,
        pattern=PARTIAL_DATE_PATTERN,
        description=description,
        examples=[example] if example else None,
    )


def repeatable(description: str, example: str) -> Any:
    """A query parameter that may be given several times (`speaker=a&speaker=b`)."""
    return Query(max_length=MAX_REPEATS, description=description, examples=[example])


def _query(param: Param) -> Any:
    examples = [param.example] if param.example is not None else None
    return Query(description=param.description, examples=examples, **param.constraints)


def claim_filters_dependency(*, exclude: frozenset[str] = frozenset()) -> Any:
    """A dependency taking every registered claim filter (app.queries.claim_filters) as a
    query parameter, but those in `exclude` (a path parameter, or a name the endpoint gives
    another meaning), and returning them parsed and checked as `ClaimFilters`."""
    defaults = {
        spec.name: spec.default_factory() if spec.default_factory is not MISSING else spec.default
        for spec in fields(ClaimFilters)
    }
    parameters = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[param.annotation, _query(param)],
            # A date field's default is a date or None; its raw parameter is text.
            default=None if param.parse else defaults[name],
        )
        for name, param in claim_filter_fields()
        if name not in exclude
    ]

    async def claim_filters(**raw: Any) -> ClaimFilters:
        return parse_claim_filters(raw)

    claim_filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        parameters, return_annotation=ClaimFilters
    )
    return claim_filters


ClaimFiltersDep = Annotated[ClaimFilters, Depends(claim_filters_dependency())]
