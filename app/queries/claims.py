"""Claims: filtered, sorted, keyset-paginated lists; one claim; the shared filter logic."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from app.models import Citation, Claim, Entity, Event, Metric, Source
from app.queries.errors import InvalidParameterError, NotFoundError
from app.queries.pagination import decode_cursor, encode_cursor
from app.queries.search import claim_ids_matching
from app.queries.vocabulary import expand_metrics, require_ids, resolve_entities
from app.records import citation_record, claim_record
from app.schemas.claims import ClaimSort

claim_t = Claim.__table__  # type: ignore[attr-defined]
citation_t = Citation.__table__  # type: ignore[attr-defined]
metric_t = Metric.__table__  # type: ignore[attr-defined]
event_t = Event.__table__  # type: ignore[attr-defined]
source_t = Source.__table__  # type: ignore[attr-defined]
speaker_t = aliased(Entity.__table__, name="speaker")  # type: ignore[attr-defined]
subject_t = aliased(Entity.__table__, name="subject")  # type: ignore[attr-defined]

SORT_COLUMNS = {
    "stated_on": claim_t.c.sort_stated,
    "value": claim_t.c.sort_value,
    "period_end": claim_t.c.sort_period_end,
}


@dataclass
class ClaimFilters:
    """The filters `/v1/claims`, its facets and its exports share."""

    metric: list[str] = field(default_factory=list)
    include_narrower: bool = False
    speaker: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    event: list[str] = field(default_factory=list)
    qualifier: list[str] = field(default_factory=list)
    stated_from: date | None = None
    stated_to: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    min_value: float | None = None
    max_value: float | None = None
    q: str | None = None


# A value range matching fewer rows than this is read whole and sorted; a wider one is
# filtered while the sort's index is walked in order (see `_Resolved.page_conditions`).
NARROW_VALUE_RANGE = 2000
# A repeated filter with up to this many values is split into one ordered index range per
# value, merged (see `_page`).
MAX_MERGED_RANGES = 64


@dataclass
class _Resolved:
    """The filters as SQL: `base` conditions, the value range apart (it is written according
    to the sort), and the resolved ids of the filters that have a (filter, sort, id) index."""

    base: list[ColumnElement[bool]]
    value_range: list[tuple[str, float]]
    indexed: list[tuple[Any, list[str]]]
    filters: ClaimFilters

    def where(self) -> list[ColumnElement[bool]]:
        return [
            *self.base,
            *(_value_condition(claim_t.c.sort_value, op, v) for op, v in self.value_range),
        ]

    def page_conditions(
        self, conn: Connection, sort_column: Any
    ) -> tuple[list[ColumnElement[bool]], list["_Range"]]:
        """The WHERE of a page in `sort_column` order, written so that an index delivers the
        order: (conditions, alternatives), the alternatives being disjoint ranges of the
        sort column to merge.

        A date filter on the sort's own date bounds the ordered index range: the sort key is
        the first day a date covers, so a lower bound `from` on the interval's end is met by
        the dates from the first of from's month on, plus the year-precision ones (1 January
        of from's year); an upper bound `to` on the interval's start is `key <= to`. A wide
        value range must not drive the plan into reading and sorting all its rows."""
        c, f = claim_t.c, self.filters
        where = list(self.base)
        alternatives = [_Range([])]
        if sort_column is c.sort_stated:
            # Undated claims (sort key 9999-12-31) never match a stated filter anyway.
            if f.stated_to is not None:
                where.append(c.sort_stated <= f.stated_to)
            if f.stated_from is not None:
                alternatives = _reaching(c.sort_stated, f.stated_from)
        if sort_column is c.sort_period_end and f.period_from is not None:
            # Open periods sort as 9999-12-31 and stay in the last range.
            alternatives = _reaching(c.sort_period_end, f.period_from)
        if self.value_range:
            value: Any = c.sort_value
            if sort_column is not c.sort_value and not self._narrow_value_range(conn):
                value = c.sort_value + 0  # an expression: no index range on it
            where += [_value_condition(value, op, v) for op, v in self.value_range]
        return where, alternatives

    def _narrow_value_range(self, conn: Connection) -> bool:
        c = claim_t.c
        probe = (
            select(c.id)
            .where(*(_value_condition(c.sort_value, op, v) for op, v in self.value_range))
            .limit(NARROW_VALUE_RANGE)
            .subquery()
        )
        matched = conn.execute(select(func.count()).select_from(probe)).scalar_one()
        return bool(matched < NARROW_VALUE_RANGE)

    def split(self) -> tuple[Any, list[str]] | None:
        """The repeated indexed filter with the fewest values, to merge one range per value."""
        repeated = [r for r in self.indexed if 1 < len(r[1]) <= MAX_MERGED_RANGES]
        return min(repeated, key=lambda r: len(r[1])) if repeated else None


@dataclass
class _Range:
    """Conditions selecting one range of the sort column; `only` if it is a single value."""

    conditions: list[ColumnElement[bool]]
    only: Any = None


def _reaching(first_day: Any, start: date) -> list[_Range]:
    """Disjoint ranges of a first-day sort key that hold every date (of day, month or year
    precision) whose interval ends on or after `start`."""
    new_year, first_of_month = date(start.year, 1, 1), start.replace(day=1)
    if first_of_month == new_year:
        return [_Range([first_day >= new_year])]
    return [_Range([first_day == new_year], only=new_year), _Range([first_day >= first_of_month])]


def _after(ranges: list[_Range], after: tuple[Any, str], descending: bool) -> list[_Range]:
    """The ranges that still hold rows past the keyset position; a single-value range at
    the cursor's value continues by id (SQLite would otherwise read that range whole)."""
    value, last_id = after
    kept = []
    for r in ranges:
        if r.only is None:
            kept.append(r)
        elif r.only == value:
            id_after = claim_t.c.id < last_id if descending else claim_t.c.id > last_id
            kept.append(_Range([*r.conditions, id_after], r.only))
        elif (r.only < value) == descending:
            kept.append(r)
    return kept


def _value_condition(value: Any, op: str, bound: float) -> ColumnElement[bool]:
    return value >= bound if op == "min" else value <= bound


def _resolve(conn: Connection, filters: ClaimFilters) -> _Resolved:
    c = claim_t.c
    where: list[ColumnElement[bool]] = []
    indexed: list[tuple[Any, list[str]]] = []
    if filters.metric:
        metrics = set(require_ids(conn, table=metric_t, ids=filters.metric, parameter="metric"))
        if filters.include_narrower:
            metrics = expand_metrics(conn, metric_ids=sorted(metrics))
        where.append(c.metric_id.in_(sorted(metrics)))
        indexed.append((c.metric_id, sorted(metrics)))
    for name, column in (("speaker", c.speaker_id), ("subject", c.subject_id)):
        names = getattr(filters, name)
        if names:
            ids = resolve_entities(conn, names=names, parameter=name)
            where.append(column.in_(ids))
            indexed.append((column, sorted(ids)))
    if filters.source:
        sources = require_ids(conn, table=source_t, ids=filters.source, parameter="source")
        # The claims cited by the sources, found through the citation index (a correlated
        # EXISTS would probe the citations of every claim in turn).
        where.append(
            c.id.in_(select(citation_t.c.claim_id).where(citation_t.c.source_id.in_(sources)))
        )
    if filters.event:
        events = require_ids(conn, table=event_t, ids=filters.event, parameter="event")
        where.append(c.event_id.in_(events))
        indexed.append((c.event_id, sorted(set(events))))
    if filters.qualifier:
        where.append(c.qualifier.in_(filters.qualifier))
    # Overlap of the interval an imprecise date covers with the requested range.
    if filters.stated_from:
        where.append(c.stated_span_end >= filters.stated_from)
    if filters.stated_to:
        where.append(c.stated_span_start <= filters.stated_to)
    if filters.period_from:
        where.append(
            or_(
                c.period_span_end >= filters.period_from,
                and_(c.period_span_end.is_(None), c.period_span_start.is_not(None)),
            )
        )
    if filters.period_to:
        where.append(c.period_span_start <= filters.period_to)
    value_range: list[tuple[str, float]] = []
    if filters.min_value is not None:
        value_range.append(("min", filters.min_value))
    if filters.max_value is not None:
        value_range.append(("max", filters.max_value))
    if filters.q is not None:
        where.append(c.id.in_(claim_ids_matching(conn, q=filters.q)))
    return _Resolved(where, value_range, indexed, filters)


def filter_conditions(conn: Connection, filters: ClaimFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters; unknown ids raise InvalidParameterError (422)."""
    return _resolve(conn, filters).where()


def _claim_select() -> Select[Any]:
    c = claim_t.c
    return (
        select(
            claim_t,
            metric_t.c.name.label("metric_name"),
            metric_t.c.kind.label("metric_kind"),
            speaker_t.c.name.label("speaker_name"),
            subject_t.c.name.label("subject_name"),
            event_t.c.title.label("event_title"),
        )
        .join(metric_t, metric_t.c.id == c.metric_id)
        .join(speaker_t, speaker_t.c.id == c.speaker_id)
        .join(subject_t, subject_t.c.id == c.subject_id)
        .outerjoin(event_t, event_t.c.id == c.event_id)
    )


# Fixed text, expanding only the id list: the statement is not rebuilt per page and its rows
# need no type processing (every column is text or integer).
_CITATIONS_OF_CLAIMS = text(
    "SELECT ci.claim_id, ci.source_id, s.title AS source_title, ci.quote, ci.char_start, "
    "ci.char_end FROM citation AS ci JOIN source AS s ON s.id = ci.source_id "
    "WHERE ci.claim_id IN :claim_ids ORDER BY ci.claim_id, ci.position"
).bindparams(bindparam("claim_ids", expanding=True))


def citations_for(conn: Connection, *, claim_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Citations of the given claims, in position order, keyed by claim id."""
    by_claim: dict[str, list[dict[str, Any]]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return by_claim
    for row in conn.execute(_CITATIONS_OF_CLAIMS, {"claim_ids": claim_ids}).all():
        by_claim[row.claim_id].append(citation_record(row))
    return by_claim


def _sort_parts(sort: ClaimSort) -> tuple[Any, bool]:
    key = sort.value.lstrip("-")
    return SORT_COLUMNS[key], sort.value.startswith("-")


def _page(
    conn: Connection,
    resolved: _Resolved,
    column: Any,
    *,
    descending: bool = False,
    after: tuple[Any, str] | None = None,
    limit: int,
) -> list[Any]:
    """Up to `limit` claims in (column, id) order after the keyset position `after`.

    Every plan walks an index in the requested order and stops after `limit` rows (checked
    by tests/scale/test_query_plans.py). A repeated filter (`speaker=a&speaker=b`, or a
    metric with its narrower ones) becomes one ordered range of the (filter, sort, id)
    index per value, merged by a UNION ALL under the ORDER BY: an IN list would read every
    matching row and sort them. A date filter on the sorted date may add a second range
    (see `_Resolved.page_conditions`)."""
    conditions, ranges = resolved.page_conditions(conn, column)
    if after is not None:
        key = tuple_(column, claim_t.c.id)
        conditions.append(key < tuple_(*after) if descending else key > tuple_(*after))
        ranges = _after(ranges, after, descending)
        if not ranges:
            return []
    split = resolved.split()
    per_value = [[split[0] == value] for value in split[1]] if split else [[]]
    alternatives = [a + r.conditions for a in per_value for r in ranges]
    if len(alternatives) == 1:
        order = (column.desc(), claim_t.c.id.desc()) if descending else (column, claim_t.c.id)
        query: Any = (
            _claim_select().where(*conditions, *alternatives[0]).order_by(*order).limit(limit)
        )
    else:
        arms = [_claim_select().where(*conditions, *extra) for extra in alternatives]
        # A compound's ORDER BY refers to its result columns, here by position ("id" alone
        # would be ambiguous between the joined tables).
        keys = list(arms[0].selected_columns.keys())
        by: ColumnElement[Any] = literal_column(str(keys.index(column.key) + 1))
        by_id: ColumnElement[Any] = literal_column(str(keys.index("id") + 1))
        order = (by.desc(), by_id.desc()) if descending else (by, by_id)
        query = union_all(*arms).order_by(*order).limit(limit)
    return list(conn.execute(query).all())


def list_claims(
    conn: Connection,
    *,
    filters: ClaimFilters,
    sort: ClaimSort = ClaimSort.stated_on,
    limit: int = 50,
    cursor: str | None = None,
    count: bool = False,
) -> dict[str, Any]:
    """A page of claims with `next_cursor` (keyset on (sort column, id)) and optional total."""
    resolved = _resolve(conn, filters)
    column, descending = _sort_parts(sort)
    after = None
    if cursor:
        value, last_id = decode_cursor(cursor, sort.value)
        after = (_cursor_value(sort, value), last_id)
    rows = _page(conn, resolved, column, descending=descending, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    citations = citations_for(conn, claim_ids=[r.id for r in rows])
    next_cursor = None
    if more:
        last = rows[-1]._mapping
        next_cursor = encode_cursor(sort.value, last[column.key], last["id"])
    return {
        "items": [claim_record(r, citations[r.id]) for r in rows],
        "next_cursor": next_cursor,
        "total": _count(conn, resolved.where()) if count else None,
    }


def _cursor_value(sort: ClaimSort, value: Any) -> Any:
    try:
        if sort.value.lstrip("-") == "value":
            return float(value)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidParameterError("cursor", "not a cursor returned by this API") from None


def get_claim(conn: Connection, *, claim_id: str) -> dict[str, Any]:
    found = claims_by_id(conn, claim_ids=[claim_id])
    if claim_id not in found:
        raise NotFoundError(f"no claim with id {claim_id!r}")
    return found[claim_id]


def claims_by_id(conn: Connection, *, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The claims with these ids (those that exist), with their citations."""
    if not claim_ids:
        return {}
    rows = conn.execute(_claim_select().where(claim_t.c.id.in_(claim_ids))).all()
    citations = citations_for(conn, claim_ids=[r.id for r in rows])
    return {r.id: claim_record(r, citations[r.id]) for r in rows}


def iter_claims(
    conn: Connection, *, filters: ClaimFilters, batch_size: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every matching claim in (stated_on, id) order, fetched in keyset batches so memory
    stays flat however many claims match."""
    resolved = _resolve(conn, filters)
    column = claim_t.c.sort_stated
    after: tuple[Any, str] | None = None
    while True:
        rows = _page(conn, resolved, column, after=after, limit=batch_size)
        if not rows:
            return
        citations = citations_for(conn, claim_ids=[r.id for r in rows])
        for row in rows:
            yield claim_record(row, citations[row.id])
        last = rows[-1]._mapping
        after = (last["sort_stated"], last["id"])


def _count(conn: Connection, where: list[ColumnElement[bool]]) -> int:
    return conn.execute(select(func.count()).select_from(claim_t).where(*where)).scalar_one()


def count_claims(conn: Connection, *, filters: ClaimFilters) -> int:
    return _count(conn, filter_conditions(conn, filters))
