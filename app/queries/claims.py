"""Claims: one claim, a filtered page in any sort order, every matching claim in batches."""

from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from app.queries.claim_filters import (
    ClaimFilters,
    claim_t,
    event_t,
    metric_t,
    resolve,
    speaker_t,
    subject_t,
)
from app.queries.errors import NotFoundError
from app.queries.keyset import SORT_COLUMNS, ClaimSort, cursor_value, ordered_page, sort_parts
from app.queries.pagination import decode_cursor, encode_cursor
from app.records import CLAIM_COLUMNS, citation_record, claim_record


def _build_claim_select() -> Select[Any]:
    """The claim record's columns (CLAIM_COLUMNS, in that order), then the sort keys (the
    keyset orders by them and a cursor carries one)."""
    c = claim_t.c
    named = {
        "metric_name": metric_t.c.name.label("metric_name"),
        "metric_kind": metric_t.c.kind.label("metric_kind"),
        "speaker_name": speaker_t.c.name.label("speaker_name"),
        "subject_name": subject_t.c.name.label("subject_name"),
        "event_title": event_t.c.title.label("event_title"),
    }
    columns = [named[name] if name in named else c[name] for name in CLAIM_COLUMNS]
    return (
        select(*columns, *SORT_COLUMNS.values())
        .join(metric_t, metric_t.c.id == c.metric_id)
        .join(speaker_t, speaker_t.c.id == c.speaker_id)
        .join(subject_t, subject_t.c.id == c.subject_id)
        .outerjoin(event_t, event_t.c.id == c.event_id)
    )


# Built once: statements are generative (`.where()` returns a copy), so every page starts
# from this one instead of rebuilding the joins (issue 12: statement building was most of an
# uncached page's Python time).
_CLAIM_SELECT = _build_claim_select()


def _claim_select() -> Select[Any]:
    return _CLAIM_SELECT


def citations_for(conn: Connection, *, claim_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Citations of the given claims, in position order, keyed by claim id."""
    by_claim: dict[str, list[dict[str, Any]]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return by_claim
    # Sent as the driver's own SQL: an expanding IN through SQLAlchemy costs several times
    # what the query itself does (issue 12); every value is a plain id, every column text or
    # integer, so there is nothing to convert either way.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    statement = _CITATIONS_OF_CLAIMS.format(ids=", ".join([mark] * len(claim_ids)))
    for claim_id, *cited in conn.exec_driver_sql(statement, tuple(claim_ids)).all():
        by_claim[claim_id].append(citation_record(cited))
    return by_claim


_CITATIONS_OF_CLAIMS = (
    "SELECT ci.claim_id, ci.source_id, s.title AS source_title, ci.quote, ci.char_start, "
    "ci.char_end FROM citation AS ci JOIN source AS s ON s.id = ci.source_id "
    "WHERE ci.claim_id IN ({ids}) ORDER BY ci.claim_id, ci.position"
)


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
    resolved = resolve(conn, filters)
    column, descending = sort_parts(sort)
    after = None
    if cursor:
        value, last_id = decode_cursor(cursor, sort.value)
        after = (cursor_value(sort, value), last_id)
    rows = ordered_page(
        conn, resolved, _claim_select, column, descending=descending, after=after, limit=limit + 1
    )
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
        "total": _count(conn, resolved.all_conditions()) if count else None,
    }


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


def _count(conn: Connection, where: list[ColumnElement[bool]]) -> int:
    return conn.execute(select(func.count()).select_from(claim_t).where(*where)).scalar_one()


def count_claims(conn: Connection, *, filters: ClaimFilters) -> int:
    return _count(conn, resolve(conn, filters).all_conditions())
