"""Events: dated happenings, filterable by date overlap, type, entity and text."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, exists, select

from app.models import Claim, Entity, Event, EventCitation, EventEntity, Source
from app.queries.errors import NotFoundError
from app.queries.pagination import page_by_id
from app.queries.search import SearchKind, ref_ids_matching
from app.queries.vocabulary import resolve_entities
from app.records import citation_record, event_record

event_t = Event.__table__  # type: ignore[attr-defined]
event_entity_t = EventEntity.__table__  # type: ignore[attr-defined]
event_citation_t = EventCitation.__table__  # type: ignore[attr-defined]
entity_t = Entity.__table__  # type: ignore[attr-defined]
source_t = Source.__table__  # type: ignore[attr-defined]
claim_t = Claim.__table__  # type: ignore[attr-defined]

_PUBLIC = [c for c in event_t.c if c.key not in ("span_start", "span_end")]


@dataclass
class EventFilters:
    date_from: date | None = None
    date_to: date | None = None
    type: str | None = None
    entity: list[str] | None = None
    q: str | None = None


def _details(conn: Connection, event_ids: list[str]) -> dict[str, dict[str, list[Any]]]:
    details: dict[str, dict[str, list[Any]]] = {
        e: {"entities": [], "citations": [], "claim_ids": []} for e in event_ids
    }
    for r in conn.execute(
        select(event_entity_t, entity_t.c.name)
        .join(entity_t, entity_t.c.id == event_entity_t.c.entity_id)
        .where(event_entity_t.c.event_id.in_(event_ids))
        .order_by(event_entity_t.c.event_id, event_entity_t.c.entity_id)
    ):
        details[r.event_id]["entities"].append({"id": r.entity_id, "name": r.name, "role": r.role})
    cited = event_citation_t.c
    for event_id, *citation in conn.execute(
        select(
            cited.event_id,
            cited.source_id,
            source_t.c.title.label("source_title"),
            cited.quote,
            cited.char_start,
            cited.char_end,
        )
        .join(source_t, source_t.c.id == cited.source_id)
        .where(cited.event_id.in_(event_ids))
        .order_by(cited.event_id, cited.position)
    ):
        details[event_id]["citations"].append(citation_record(citation))
    for r in conn.execute(
        select(claim_t.c.event_id, claim_t.c.id)
        .where(claim_t.c.event_id.in_(event_ids))
        .order_by(claim_t.c.event_id, claim_t.c.id)
    ):
        details[r.event_id]["claim_ids"].append(r.id)
    return details


def _records(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    details = _details(conn, [r.id for r in rows])
    return [event_record(r, details[r.id]) for r in rows]


def list_events(
    conn: Connection,
    *,
    filters: EventFilters,
    limit: int = 50,
    cursor: str | None = None,
    count: bool = False,
) -> dict[str, Any]:
    """Events whose (imprecise) date range overlaps [from, to]; undated events only when no
    date filter is given. Ordered by id."""
    where = []
    if filters.date_from:
        where.append(event_t.c.span_end >= filters.date_from)
    if filters.date_to:
        where.append(event_t.c.span_start <= filters.date_to)
    if filters.type:
        where.append(event_t.c.type == filters.type)
    if filters.entity:
        ids = resolve_entities(conn, names=filters.entity, parameter="entity")
        where.append(
            exists().where(
                event_entity_t.c.event_id == event_t.c.id, event_entity_t.c.entity_id.in_(ids)
            )
        )
    if filters.q is not None:
        where.append(event_t.c.id.in_(ref_ids_matching(conn, q=filters.q, kind=SearchKind.event)))
    page = page_by_id(
        conn, select(*_PUBLIC).where(*where), event_t.c.id, limit=limit, cursor=cursor, count=count
    )
    return {
        "items": _records(conn, page.rows),
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


def get_event(conn: Connection, *, event_id: str) -> dict[str, Any]:
    rows = conn.execute(select(*_PUBLIC).where(event_t.c.id == event_id)).all()
    if not rows:
        raise NotFoundError(f"no event with id {event_id!r}")
    return _records(conn, list(rows))[0]
