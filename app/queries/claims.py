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
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import aliased

from app.models import Citation, Claim, Entity, Event, Metric, Source
from app.queries.errors import InvalidParameterError, NotFoundError
from app.queries.pagination import decode_cursor, encode_cursor
from app.queries.search import claim_ids_matching
from app.queries.vocabulary import expand_metrics, require_ids, resolve_entities
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


def filter_conditions(conn: Connection, filters: ClaimFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters; unknown ids raise InvalidParameterError (422)."""
    c = claim_t.c
    where: list[ColumnElement[bool]] = []
    if filters.metric:
        metrics = require_ids(conn, table=metric_t, ids=filters.metric, parameter="metric")
        if filters.include_narrower:
            metrics = expand_metrics(conn, metric_ids=metrics)
        where.append(c.metric_id.in_(sorted(metrics)))
    for name, column in (("speaker", c.speaker_id), ("subject", c.subject_id)):
        names = getattr(filters, name)
        if names:
            where.append(column.in_(resolve_entities(conn, names=names, parameter=name)))
    if filters.source:
        sources = require_ids(conn, table=source_t, ids=filters.source, parameter="source")
        where.append(
            exists().where(citation_t.c.claim_id == c.id, citation_t.c.source_id.in_(sources))
        )
    if filters.event:
        events = require_ids(conn, table=event_t, ids=filters.event, parameter="event")
        where.append(c.event_id.in_(events))
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
    if filters.min_value is not None:
        where.append(c.sort_value >= filters.min_value)
    if filters.max_value is not None:
        where.append(c.sort_value <= filters.max_value)
    if filters.q is not None:
        where.append(c.id.in_(claim_ids_matching(conn, q=filters.q)))
    return where


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


def _number(value: float | None) -> float | int | None:
    """38000.0 -> 38000: figures read as written; fractional values stay floats."""
    return int(value) if value is not None and value.is_integer() else value


def claim_record(row: Any, citations: list[dict[str, Any]]) -> dict[str, Any]:
    """A claim row (from `_claim_select`) as the public ClaimPublic shape."""
    m = row._mapping
    return {
        "id": m["id"],
        "metric": {
            "id": m["metric_id"],
            "name": m["metric_name"],
            "unit": m["unit"],
            "kind": m["metric_kind"],
        },
        "subject": {"id": m["subject_id"], "name": m["subject_name"]},
        "speaker": {"id": m["speaker_id"], "name": m["speaker_name"]},
        "value": _number(m["value"]),
        "qualifier": m["qualifier"],
        "hedge": m["hedge"],
        "value_low": _number(m["value_low"]),
        "value_high": _number(m["value_high"]),
        "unit": m["unit"],
        "place": m["place"],
        "period_start": m["period_start"],
        "period_start_precision": m["period_start_precision"],
        "period_end": m["period_end"],
        "period_end_precision": m["period_end_precision"],
        "stated_on": m["stated_on"],
        "stated_on_precision": m["stated_on_precision"],
        "event": {"id": m["event_id"], "title": m["event_title"]} if m["event_id"] else None,
        "note": m["note"],
        "citations": citations,
    }


def citations_for(conn: Connection, *, claim_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Citations of the given claims, in position order, keyed by claim id."""
    by_claim: dict[str, list[dict[str, Any]]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return by_claim
    rows = conn.execute(
        select(citation_t, source_t.c.title.label("source_title"))
        .join(source_t, source_t.c.id == citation_t.c.source_id)
        .where(citation_t.c.claim_id.in_(claim_ids))
        .order_by(citation_t.c.claim_id, citation_t.c.position)
    )
    for row in rows:
        by_claim[row.claim_id].append(
            {
                "source_id": row.source_id,
                "source_title": row.source_title,
                "quote": row.quote,
                "char_start": row.char_start,
                "char_end": row.char_end,
            }
        )
    return by_claim


def _sort_parts(sort: ClaimSort) -> tuple[Any, bool]:
    key = sort.value.lstrip("-")
    return SORT_COLUMNS[key], sort.value.startswith("-")


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
    where = filter_conditions(conn, filters)
    column, descending = _sort_parts(sort)
    page_where = list(where)
    if cursor:
        value, last_id = decode_cursor(cursor, sort.value)
        value = _cursor_value(sort, value)
        key = tuple_(column, claim_t.c.id)
        page_where.append(
            key < tuple_(value, last_id) if descending else key > tuple_(value, last_id)
        )
    order = (column.desc(), claim_t.c.id.desc()) if descending else (column, claim_t.c.id)
    rows = conn.execute(_claim_select().where(*page_where).order_by(*order).limit(limit + 1)).all()
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
        "total": _count(conn, where) if count else None,
    }


def _cursor_value(sort: ClaimSort, value: Any) -> Any:
    try:
        if sort.value.lstrip("-") == "value":
            return float(value)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidParameterError("cursor", "not a cursor returned by this API") from None


def get_claim(conn: Connection, *, claim_id: str) -> dict[str, Any]:
    row = conn.execute(_claim_select().where(claim_t.c.id == claim_id)).first()
    if row is None:
        raise NotFoundError(f"no claim with id {claim_id!r}")
    return claim_record(row, citations_for(conn, claim_ids=[claim_id])[claim_id])


def iter_claims(
    conn: Connection, *, filters: ClaimFilters, batch_size: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every matching claim in (stated_on, id) order, fetched in keyset batches so memory
    stays flat however many claims match."""
    where = filter_conditions(conn, filters)
    column = claim_t.c.sort_stated
    after: tuple[Any, str] | None = None
    while True:
        page_where = list(where)
        if after is not None:
            page_where.append(tuple_(column, claim_t.c.id) > tuple_(*after))
        rows = conn.execute(
            _claim_select().where(*page_where).order_by(column, claim_t.c.id).limit(batch_size)
        ).all()
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
