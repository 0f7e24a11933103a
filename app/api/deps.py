"""Dependencies shared by the routers: the read-only connection and common parameters."""

import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import MISSING, fields
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Path, Query, Request
from sqlalchemy import Connection, Engine

from app.dates import PARTIAL_DATE_PATTERN
from app.queries.claim_filters import (
    MAX_REPEATS,
    ClaimFilters,
    Param,
    claim_filter_fields,
    parse_claim_filters,
)
from app.queries.pagination import CURSOR_PATTERN

MAX_PAGE_SIZE = 500
MAX_ID_LENGTH = 200


async def get_connection(request: Request) -> AsyncIterator[Connection]:
    # An `async` dependency: a SQLite read takes well under a millisecond, cheaper than a
    # hop to the thread pool (see TOOLING-NOTES); streaming exports open their own.
    with request.app.state.engine.connect() as connection:
        yield connection


# scope="function": the connection goes back to the pool before the response is sent.
ConnDep = Annotated[Connection, Depends(get_connection, scope="function")]

T = TypeVar("T")
# Long queries (aggregates over many claims) running at once; the rest wait for a slot,
# without holding a thread or a pooled connection (the pool has 8 + 8 overflow).
LONG_QUERY_SLOTS = 4


class Worker:
    """Runs a query that may take long (facets, series, search, disagreements, counts over
    every claim) on a worker thread with its own connection, so the event loop goes on
    answering the cheap requests meanwhile (SQLite and psycopg release the GIL while they
    work)."""

    def __init__(self, engine: Engine, slots: anyio.CapacityLimiter) -> None:
        self.engine = engine
        self.slots = slots

    async def __call__(self, query: Callable[[Connection], T]) -> T:
        def run() -> T:
            with self.engine.connect() as conn:
                return query(conn)

        return await anyio.to_thread.run_sync(run, limiter=self.slots)


async def get_worker(request: Request) -> Worker:
    state = request.app.state
    if getattr(state, "long_query_slots", None) is None:
        # Made on first use: a limiter belongs to the running event loop.
        state.long_query_slots = anyio.CapacityLimiter(LONG_QUERY_SLOTS)
    return Worker(state.engine, state.long_query_slots)


WorkerDep = Annotated[Worker, Depends(get_worker)]
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
