"""The claim filters: one registry that list, facets, exports, series and disagreements share.

Each filter is one field of `ClaimFilters`, declared once with everything about it: its query
parameter (type, constraints, description, example; app.api.deps builds the FastAPI
dependency from these) and the SQL condition it adds (`_Resolution` runs them in field
order). A new filter is a new field here, and every endpoint that takes claim filters has it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select
from sqlalchemy.orm import aliased

from app.dates import PARTIAL_DATE_PATTERN, Precision, parse_partial_date
from app.models import Citation, Claim, Entity, Event, Metric, Source
from app.qualifiers import Qualifier
from app.queries.errors import InvalidParameterError
from app.queries.search import claim_ids_matching
from app.queries.vocabulary import (
    expand_metrics,
    names_of,
    require_ids,
    require_metrics,
    resolve_entities,
)

claim_t = Claim.__table__  # type: ignore[attr-defined]
citation_t = Citation.__table__  # type: ignore[attr-defined]
metric_t = Metric.__table__  # type: ignore[attr-defined]
event_t = Event.__table__  # type: ignore[attr-defined]
source_t = Source.__table__  # type: ignore[attr-defined]
speaker_t = aliased(Entity.__table__, name="speaker")  # type: ignore[attr-defined]
subject_t = aliased(Entity.__table__, name="subject")  # type: ignore[attr-defined]

MAX_REPEATS = 50  # values of one repeatable filter
MAX_TEXT_LENGTH = 500
# A lower date bound this early excludes no date that can be stored; raising an earlier one to
# it changes no answer and keeps the planner's date arithmetic (a year back) valid.
EARLIEST_LOWER_BOUND = date(2, 1, 2)


class DateMatch(StrEnum):
    """How a date filter treats a date known to the month or the year (an interval)."""

    overlap = "overlap"
    within = "within"


@dataclass(frozen=True)
class Param:
    """A filter's query parameter: the raw type the API accepts, its constraints (FastAPI
    `Query` keywords), documentation, and how the raw value becomes the filter's value."""

    annotation: Any
    description: str
    example: Any = None
    constraints: dict[str, Any] = field(default_factory=dict)
    parse: Callable[[str, Any], Any] | None = None


def lower_bound(parameter: str, value: str | None) -> date | None:
    """`2024-10` as a lower bound means 2024-10-01."""
    if value is None:
        return None
    try:
        return max(parse_partial_date(value).first_day, EARLIEST_LOWER_BOUND)
    except ValueError as exc:
        raise InvalidParameterError(parameter, str(exc)) from None


def upper_bound(parameter: str, value: str | None) -> date | None:
    """`2024-10` as an upper bound means 2024-10-31."""
    if value is None:
        return None
    try:
        return parse_partial_date(value).last_day
    except ValueError as exc:
        raise InvalidParameterError(parameter, str(exc)) from None


def check_bounds(low: Any, high: Any, parameter: str) -> None:
    """A lower bound after its upper bound is a 422 naming the upper one: each bound applied
    alone would still match intervals that overlap both (a year-precision date "matches"
    from=2025-02&to=2025-01-31)."""
    if low is not None and high is not None and low > high:
        raise InvalidParameterError(parameter, "the lower bound is after the upper bound")


def _ids(description: str, example: str) -> Param:
    return Param(list[str], description, example, {"max_length": MAX_REPEATS})


def _date_bound(description: str, example: str, *, upper: bool) -> Param:
    return Param(
        str | None,
        description,
        example,
        {"pattern": PARTIAL_DATE_PATTERN},
        upper_bound if upper else lower_bound,
    )


def _value_bound(description: str) -> Param:
    return Param(float | None, description, None, {"allow_inf_nan": False})


def _given(value: Any) -> bool:
    """Whether a filter value was given: `is` tests, so a bound of 0 is a filter; only
    None, [] and False mean "not given"."""
    return not (value is None or value is False or value == [])


class _Resolution:
    """The filters turned into SQL, one registered condition after another.

    `where` holds the conditions; the value range is kept apart (`value_range`) because the
    keyset planner writes it according to the sort; `indexed` lists the equality filters that
    have a (filter, sort, id) index, with their resolved ids."""

    def __init__(self, conn: Connection, filters: "ClaimFilters") -> None:
        self.conn = conn
        self.filters = filters
        self.where: list[ColumnElement[bool]] = []
        self.value_range: list[tuple[str, float]] = []
        self.indexed: list[tuple[Any, list[str]]] = []
        # The conditions each filter added to `where`: the keyset planner moves the stated
        # date's lower bound into the ranges it implies (see keyset.page_conditions).
        self.by_filter: dict[str, list[ColumnElement[bool]]] = {}
        for spec in fields(filters):
            condition = spec.metadata.get("condition")
            value = getattr(filters, spec.name)
            if condition is not None and _given(value):
                before = len(self.where)
                condition(self, value)
                self.by_filter[spec.name] = self.where[before:]

    def all_conditions(self) -> list[ColumnElement[bool]]:
        return [
            *self.where,
            *(value_condition(claim_t.c.sort_value, op, v) for op, v in self.value_range),
        ]


def value_condition(value: Any, op: str, bound: Any) -> ColumnElement[bool]:
    return value >= bound if op == "min" else value <= bound


# -- the conditions, one per filter ----------------------------------------------------------
def _metric(r: _Resolution, names: list[str]) -> None:
    metrics = set(require_metrics(r.conn, ids=names))
    if r.filters.include_narrower:
        metrics = expand_metrics(r.conn, metric_ids=sorted(metrics))
    r.where.append(claim_t.c.metric_id.in_(sorted(metrics)))
    r.indexed.append((claim_t.c.metric_id, sorted(metrics)))


def _entity(column_name: str) -> Callable[[_Resolution, list[str]], None]:
    def condition(r: _Resolution, names: list[str]) -> None:
        column = claim_t.c[f"{column_name}_id"]
        ids = resolve_entities(r.conn, names=names, parameter=column_name)
        r.where.append(column.in_(ids))
        r.indexed.append((column, sorted(ids)))

    return condition


def _source(r: _Resolution, names: list[str]) -> None:
    sources = require_ids(r.conn, table=source_t, ids=names, parameter="source")
    # The claims cited by the sources, found through the citation index (a correlated EXISTS
    # would probe the citations of every claim in turn).
    cited = select(citation_t.c.claim_id).where(citation_t.c.source_id.in_(sources))
    r.where.append(claim_t.c.id.in_(cited))


def _event(r: _Resolution, names: list[str]) -> None:
    events = require_ids(r.conn, table=event_t, ids=names, parameter="event")
    r.where.append(claim_t.c.event_id.in_(events))
    r.indexed.append((claim_t.c.event_id, sorted(set(events))))


def _qualifier(r: _Resolution, qualifiers: list[Qualifier]) -> None:
    r.where.append(claim_t.c.qualifier.in_([Qualifier(q).value for q in qualifiers]))


def _hedge(r: _Resolution, hedges: list[str]) -> None:
    wanted = sorted({" ".join(h.split()).casefold() for h in hedges})
    r.where.append(func.lower(claim_t.c.hedge).in_(wanted))


def _within(r: _Resolution) -> bool:
    return r.filters.date_match == DateMatch.within


def _stated_from(r: _Resolution, bound: date) -> None:
    c = claim_t.c
    # overlap: the interval the stated date covers ends on or after the bound;
    # within: it starts on or after it.
    r.where.append((c.stated_span_start if _within(r) else c.stated_span_end) >= bound)


def _stated_to(r: _Resolution, bound: date) -> None:
    c = claim_t.c
    r.where.append((c.stated_span_end if _within(r) else c.stated_span_start) <= bound)


def _stated_precision(r: _Resolution, precisions: list[Precision]) -> None:
    wanted = sorted({Precision(p).value for p in precisions})
    r.where.append(claim_t.c.stated_on_precision.in_(wanted))


def _period_from(r: _Resolution, bound: date) -> None:
    c = claim_t.c
    if _within(r):
        # A flow whose start is not stated ("since their deployment", up to its end) may have
        # begun before the bound, so it is not known to lie within; a stock's period is the
        # one day it is as of.
        r.where.append(c.period_span_start >= bound)
        r.where.append(
            or_(c.period_start.is_not(None), c.metric_id.in_(sorted(names_of(r.conn).not_flows)))
        )
        return
    # An open period (a start, no end) reaches every later date.
    r.where.append(
        or_(
            c.period_span_end >= bound,
            and_(c.period_span_end.is_(None), c.period_span_start.is_not(None)),
        )
    )


def _period_to(r: _Resolution, bound: date) -> None:
    c = claim_t.c
    # within: the whole period, its end included, lies before the bound (an open period
    # never does).
    r.where.append((c.period_span_end if _within(r) else c.period_span_start) <= bound)


def _min_value(r: _Resolution, bound: float) -> None:
    r.value_range.append(("min", bound))


def _max_value(r: _Resolution, bound: float) -> None:
    r.value_range.append(("max", bound))


def _q(r: _Resolution, q: str) -> None:
    r.where.append(claim_t.c.id.in_(claim_ids_matching(r.conn, q=q)))


def reference_date(c: Any) -> Any:
    """A claim's reference date: its period end (the as-of date) if known, else its stated
    date (first days; see `latest`)."""
    return func.coalesce(c.period_end, c.stated_on)


def _latest(r: _Resolution, _value: bool) -> None:
    """Among the claims matching every other filter, the latest per (metric, subject,
    speaker): declared last, so that every other condition is already in `r`."""
    c = claim_t.c
    reference = reference_date(c)
    ranked = (
        select(
            c.id.label("id"),
            func.rank()
            .over(partition_by=(c.metric_id, c.subject_id, c.speaker_id), order_by=reference.desc())
            .label("position"),
        )
        .where(*r.all_conditions(), reference.is_not(None))
        .subquery("ranked")
    )
    r.where.append(c.id.in_(select(ranked.c.id).where(ranked.c.position == 1)))


def _filter(
    param: Param,
    condition: Callable[..., None] | None,
    default: Any = None,
    *,
    costly: bool = False,
) -> Any:
    """One filter's declaration. `costly`: given, the query's cost grows with the data (the
    API runs it straight on a worker thread). Other filters are tried on the event loop, under
    a time budget that moves an overrunning query to a thread (app/api/database.py)."""
    metadata = {"param": param, "condition": condition, "costly": costly}
    if isinstance(default, list):
        return field(default_factory=list, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class ClaimFilters:
    """The filters of `/v1/claims`, its facets, exports, series and disagreements."""

    metric: list[str] = _filter(
        _ids("Metric id; repeatable.", "prisoners-captured"), _metric, default=[]
    )
    include_narrower: bool = _filter(
        Param(bool, "Also match metrics under the given ones (equipment-losses -> uav-losses)."),
        None,
        default=False,
    )
    speaker: list[str] = _filter(
        _ids("Speaker id or alias, case-insensitive; repeatable.", "zelensky"),
        _entity("speaker"),
        default=[],
    )
    subject: list[str] = _filter(
        _ids("Subject entity id or alias; repeatable.", "russian-forces"),
        _entity("subject"),
        default=[],
    )
    source: list[str] = _filter(
        _ids(
            "Source id (claims cited there); repeatable.",
            "general-staff-kursk-operation-summary-2025-02-06",
        ),
        _source,
        default=[],
    )
    event: list[str] = _filter(
        _ids("Event id; repeatable.", "dprk-troops-arrive-in-kursk"), _event, default=[]
    )
    qualifier: list[Qualifier] = _filter(
        Param(list[Qualifier], "Qualifier; repeatable.", None, {"max_length": 5}),
        _qualifier,
        default=[],
    )
    hedge: list[str] = _filter(
        Param(
            list[str],
            'The hedge word as written ("over", "more than", "about"), case-insensitive; '
            "repeatable.",
            "over",
            {"max_length": MAX_REPEATS},
        ),
        _hedge,
        default=[],
    )
    stated_from: date | None = _filter(
        _date_bound(
            "Stated on or after (YYYY-MM-DD, YYYY-MM or YYYY; a month or year means its first "
            "day). A date known to the month or year matches when its interval overlaps the "
            "range, or with `date_match=within` when it lies inside it.",
            "2025-01",
            upper=False,
        ),
        _stated_from,
    )
    stated_to: date | None = _filter(
        _date_bound(
            "Stated on or before (YYYY-MM-DD, YYYY-MM or YYYY; a month or year means its last "
            "day).",
            "2025-01-31",
            upper=True,
        ),
        _stated_to,
    )
    period_from: date | None = _filter(
        _date_bound(
            "Reference period reaches this date or later (overlap) or starts on or after it "
            "(`date_match=within`); a claim without a period never matches.",
            "2024-10-15",
            upper=False,
        ),
        _period_from,
    )
    period_to: date | None = _filter(
        _date_bound(
            "Reference period starts on or before this date (overlap) or ends on or before it "
            "(`date_match=within`); a month or year means its last day.",
            "2024-10-20",
            upper=True,
        ),
        _period_to,
    )
    date_match: DateMatch = _filter(
        Param(
            DateMatch,
            "How the stated and period filters treat a date known only to the month or year: "
            "`overlap` (default) keeps it when the interval it covers overlaps the range; "
            "`within` only when the whole interval lies inside the range (a claim stated in "
            '"2025" does not answer "stated in January 2025").',
        ),
        None,
        default=DateMatch.overlap,
    )
    stated_precision: list[Precision] = _filter(
        Param(
            list[Precision],
            "Only claims whose stated date is known to this precision (`day`, `month` or "
            "`year`); repeatable. `stated_precision=year&stated_from=2025&stated_to=2025`: "
            'the claims dated only "2025".',
            None,
            {"max_length": 3},
        ),
        _stated_precision,
        default=[],
    )
    min_value: float | None = _filter(
        _value_bound("Value at least this (a range compares by its lower bound)."),
        _min_value,
    )
    max_value: float | None = _filter(_value_bound("Value at most this."), _max_value)
    q: str | None = _filter(
        Param(
            str | None,
            "Full-text search over the claim's quotes, place, note, metric name and "
            'speaker/subject names; words are ANDed, `"a phrase"` matches those words in '
            "that order, `word*` is a prefix; names match through every alias (`Зеленський`), "
            "terms through their synonym group (`POW`). At most 16 words outside quotes.",
            "prisoner",
            {"min_length": 1, "max_length": MAX_TEXT_LENGTH},
        ),
        _q,
        costly=True,
    )
    latest: bool = _filter(
        Param(
            bool,
            "Keep, for each (metric, subject, speaker), only the claim with the latest "
            "reference date (period end, else stated date; compared by first day) among those "
            "matching the other filters. Ties are all kept; claims with neither date are left "
            "out.",
        ),
        _latest,
        default=False,
        costly=True,
    )


def claim_filter_fields() -> list[tuple[str, Param]]:
    """The registry: every filter's name and query parameter, in declaration order."""
    return [(spec.name, spec.metadata["param"]) for spec in fields(ClaimFilters)]


def is_costly(filters: ClaimFilters) -> bool:
    """Whether a filter declared `costly` is given: full-text search (every matching claim
    id), `latest` (a group per metric, subject and speaker). A value or period range is
    filtered while the sort's index is walked, so a rare match may read many rows: the
    inline budget, not this, sends those to a thread."""
    return any(
        spec.metadata["costly"] and _given(getattr(filters, spec.name)) for spec in fields(filters)
    )


def parse_claim_filters(raw: dict[str, Any]) -> ClaimFilters:
    """Filters from raw parameter values (names absent from `raw` keep their defaults);
    checks that each lower bound is not above its upper bound."""
    values: dict[str, Any] = {}
    for name, param in claim_filter_fields():
        if name in raw:
            values[name] = param.parse(name, raw[name]) if param.parse else raw[name]
    filters = ClaimFilters(**values)
    check_bounds(filters.stated_from, filters.stated_to, "stated_to")
    check_bounds(filters.period_from, filters.period_to, "period_to")
    check_bounds(filters.min_value, filters.max_value, "max_value")
    return filters


def resolve(conn: Connection, filters: ClaimFilters) -> _Resolution:
    """The filters as SQL; unknown ids raise InvalidParameterError (422)."""
    return _Resolution(conn, filters)


def filter_conditions(conn: Connection, filters: ClaimFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters; unknown ids raise InvalidParameterError (422)."""
    return resolve(conn, filters).all_conditions()
