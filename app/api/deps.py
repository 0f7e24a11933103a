"""Dependencies shared by the routers: the database and common parameters."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from starlette.types import Scope

from app.api.database import QueryRunner
from app.dates import PARTIAL_DATE_PATTERN, parse_partial_date
from app.qualifiers import Qualifier
from app.queries.claims import ClaimFilters
from app.queries.errors import InvalidParameterError
from app.queries.pagination import CURSOR_PATTERN

MAX_PAGE_SIZE = 500
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 500
T = TypeVar("T")


class Db:
    """The database, as a route sees it: `await db.run(query, **kwargs)` calls
    `query(conn, **kwargs)` on a read-only connection and returns its result.

    The runner (app/api/database.py) chooses where: inline on the event loop for a cheap
    query on SQLite, on a bounded worker thread for PostgreSQL and for `long=True` (a query
    whose cost grows with the data: full-text search, exact counts, aggregates). Past its
    bounds it raises OverloadedError, a 503 with `Retry-After`."""

    def __init__(self, runner: QueryRunner, scope: Scope) -> None:
        self.runner = runner
        self.scope = scope

    async def run(self, query: Callable[..., T], /, long: bool = False, **kwargs: Any) -> T:
        return await self.runner.run(self.scope, query, long, **kwargs)


async def get_db(request: Request) -> Db:
    return Db(request.app.state.queries, request.scope)


DbDep = Annotated[Db, Depends(get_db)]


def long_claim_query(filters: ClaimFilters, *, count: bool = False) -> bool:
    """Whether a claim page may cost more than walking an index for a page: full-text
    search, an exact count, a value or period range (filtered while the sort's index is
    walked, so a rare match reads many rows)."""
    f = filters
    ranges = (f.min_value, f.max_value, f.period_from, f.period_to)
    return count or f.q is not None or any(bound is not None for bound in ranges)


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


# The claim queries widen a lower date bound by up to a year (LONGEST_PRECISION) to use an
# index, and `date(1, 1, 1) - 366 days` overflows. A lower bound this early excludes no date
# that can be stored, so raising it to this changes no answer and keeps the arithmetic valid.
EARLIEST_LOWER_BOUND = date(2, 1, 2)


def first_day(parameter: str, value: str | None) -> date | None:
    """`2024-10` as a lower bound means 2024-10-01."""
    if value is None:
        return None
    try:
        return max(parse_partial_date(value).first_day, EARLIEST_LOWER_BOUND)
    except ValueError as exc:
        raise InvalidParameterError(parameter, str(exc)) from None


def last_day(parameter: str, value: str | None) -> date | None:
    """`2024-10` as an upper bound means 2024-10-31."""
    if value is None:
        return None
    try:
        return parse_partial_date(value).last_day
    except ValueError as exc:
        raise InvalidParameterError(parameter, str(exc)) from None


def _ordered(parameter: str, low: object, high: object) -> None:
    if low is not None and high is not None and low > high:  # type: ignore[operator]
        raise InvalidParameterError(parameter, "the lower bound is after the upper bound")


MAX_REPEATS = 50  # values of one repeatable filter


def repeatable(description: str, example: str) -> Any:
    """A query parameter that may be given several times (`speaker=a&speaker=b`)."""
    return Query(max_length=MAX_REPEATS, description=description, examples=[example])


# The repeatable filters that several endpoints take, declared once.
MetricsQuery = Annotated[list[str], repeatable("Metric id; repeatable.", "prisoners-captured")]
SpeakersQuery = Annotated[
    list[str], repeatable("Speaker id or alias, case-insensitive; repeatable.", "zelensky")
]
SubjectsQuery = Annotated[
    list[str], repeatable("Subject entity id or alias; repeatable.", "russian-forces")
]


async def claim_filters(
    metric: MetricsQuery = [],  # noqa: B006
    include_narrower: Annotated[
        bool,
        Query(
            description="Also match metrics under the given ones (equipment-losses -> uav-losses)."
        ),
    ] = False,
    speaker: SpeakersQuery = [],  # noqa: B006
    subject: SubjectsQuery = [],  # noqa: B006
    source: Annotated[
        list[str],
        repeatable(
            "Source id (claims cited there); repeatable.",
            "general-staff-kursk-operation-summary-2025-02-06",
        ),
    ] = [],  # noqa: B006
    event: Annotated[
        list[str], repeatable("Event id; repeatable.", "dprk-troops-arrive-in-kursk")
    ] = [],  # noqa: B006
    qualifier: Annotated[
        list[Qualifier], Query(max_length=5, description="Qualifier; repeatable.")
    ] = [],  # noqa: B006
    stated_from: Annotated[
        str | None,
        Query(
            pattern=PARTIAL_DATE_PATTERN,
            description="Stated on or after (YYYY-MM-DD, YYYY-MM or YYYY); imprecise dates match "
            "when the interval they cover overlaps.",
            examples=["2025-01"],
        ),
    ] = None,
    stated_to: Annotated[
        str | None,
        Query(
            pattern=PARTIAL_DATE_PATTERN,
            description="Stated on or before (YYYY-MM-DD, YYYY-MM, "
            "YYYY; a month or year means its last day).",
            examples=["2025-01-31"],
        ),
    ] = None,
    period_from: Annotated[
        str | None,
        Query(
            pattern=PARTIAL_DATE_PATTERN,
            description="Reference period overlaps from this date on (YYYY-MM-DD, YYYY-MM or "
            "YYYY); a claim without a period never matches.",
            examples=["2024-10-15"],
        ),
    ] = None,
    period_to: Annotated[
        str | None,
        Query(
            pattern=PARTIAL_DATE_PATTERN,
            description="Reference period overlaps up to this date (a month or year means its "
            "last day).",
            examples=["2024-10-20"],
        ),
    ] = None,
    min_value: Annotated[
        float | None,
        Query(
            description="Value at least this (a range compares by its lower bound).",
            allow_inf_nan=False,
        ),
    ] = None,
    max_value: Annotated[
        float | None, Query(description="Value at most this.", allow_inf_nan=False)
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_TEXT_LENGTH,
            description="Full-text search over the claim's quotes; words are ANDed, `word*` is a "
            "prefix.",
            examples=["prisoner"],
        ),
    ] = None,
) -> ClaimFilters:
    filters = ClaimFilters(
        metric=metric,
        include_narrower=include_narrower,
        speaker=speaker,
        subject=subject,
        source=source,
        event=event,
        qualifier=[q_.value for q_ in qualifier],
        stated_from=first_day("stated_from", stated_from),
        stated_to=last_day("stated_to", stated_to),
        period_from=first_day("period_from", period_from),
        period_to=last_day("period_to", period_to),
        min_value=min_value,
        max_value=max_value,
        q=q,
    )
    _ordered("stated_to", filters.stated_from, filters.stated_to)
    _ordered("period_to", filters.period_from, filters.period_to)
    _ordered("max_value", filters.min_value, filters.max_value)
    return filters


ClaimFiltersDep = Annotated[ClaimFilters, Depends(claim_filters)]
