"""Sources: metadata (with claim and event counts) and their text."""

from typing import Any

from sqlalchemy import Connection, distinct, func, select

from app.models import Citation, EventCitation, Source
from app.queries.errors import NotFoundError
from app.queries.pagination import page_by_id
from app.records import source_record

source_t = Source.__table__  # type: ignore[attr-defined]
citation_t = Citation.__table__  # type: ignore[attr-defined]
event_citation_t = EventCitation.__table__  # type: ignore[attr-defined]

_METADATA = [c for c in source_t.c if c.key != "text"]


def _source_select() -> Any:
    claims = (
        select(func.count(distinct(citation_t.c.claim_id)))
        .where(citation_t.c.source_id == source_t.c.id)
        .scalar_subquery()
    )
    events = (
        select(func.count(distinct(event_citation_t.c.event_id)))
        .where(event_citation_t.c.source_id == source_t.c.id)
        .scalar_subquery()
    )
    return select(*_METADATA, claims.label("claim_count"), events.label("event_count"))


def list_sources(
    conn: Connection, *, limit: int = 50, cursor: str | None = None, count: bool = False
) -> dict[str, Any]:
    page = page_by_id(
        conn, _source_select(), source_t.c.id, limit=limit, cursor=cursor, count=count
    )
    return {
        "items": [source_record(r) for r in page.rows],
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


def get_source(conn: Connection, *, source_id: str) -> dict[str, Any]:
    row = conn.execute(_source_select().where(source_t.c.id == source_id)).first()
    if row is None:
        raise NotFoundError(f"no source with id {source_id!r}")
    return source_record(row)


def get_source_text(conn: Connection, *, source_id: str) -> str:
    text = conn.execute(select(source_t.c.text).where(source_t.c.id == source_id)).scalar()
    if text is None:
        raise NotFoundError(f"no source with id {source_id!r}")
    return str(text)
