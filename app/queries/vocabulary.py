"""Metrics, entities and speakers; resolving ids and aliases that filters name."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, select

from app.models import Claim, Entity, EntityAlias, Metric
from app.models.entity import alias_key
from app.queries.errors import InvalidParameterError, NotFoundError
from app.queries.pagination import page_by_id
from app.queries.version import NO_VERSION, dataset_version_of
from app.records import entity_record, metric_record

claim_t = Claim.__table__  # type: ignore[attr-defined]
metric_t = Metric.__table__  # type: ignore[attr-defined]
entity_t = Entity.__table__  # type: ignore[attr-defined]
alias_t = EntityAlias.__table__  # type: ignore[attr-defined]


def require_ids(conn: Connection, *, table: Table, ids: list[str], parameter: str) -> list[str]:
    """The ids, after checking each names a row: an unknown id is a 422, not an empty list."""
    found = set(conn.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidParameterError(
            parameter, f"unknown {table.name} id {missing[0]!r}; see /v1/{table.name}s"
        )
    return ids


@dataclass(frozen=True)
class Names:
    """What metric and entity filters resolve against: every metric with its broader one,
    every entity alias key. Small (a few thousand rows at a million claims) and read on
    every filtered request, so it is read once per dataset version and kept in memory."""

    broader: dict[str, str | None]
    entity_by_alias: dict[str, str]
    # Metrics that are not counted over a period (stocks: a level on an as-of date).
    not_flows: frozenset[str]


KEPT_VERSIONS = 4  # the datasets served recently: the current one, and those just replaced
_names: dict[str, Names] = {}


def names_of(conn: Connection) -> Names:
    """The metric and entity names of the dataset this connection reads (cached by its
    version, a content hash: a new dataset is a new entry, never a stale one)."""
    version = dataset_version_of(conn)
    names = _names.get(version)
    if names is None:
        names = Names(
            broader=_broader_links(conn),
            entity_by_alias=dict(
                conn.execute(select(alias_t.c.alias_key, alias_t.c.entity_id)).all()  # type: ignore[arg-type]
            ),
            not_flows=frozenset(
                conn.execute(select(metric_t.c.id).where(metric_t.c.kind != "flow")).scalars()
            ),
        )
        if version != NO_VERSION:
            while len(_names) >= KEPT_VERSIONS:
                del _names[next(iter(_names))]
            _names[version] = names
    return names


def require_metrics(conn: Connection, *, ids: list[str]) -> list[str]:
    """The metric ids, after checking each names a metric (422 otherwise)."""
    known = names_of(conn).broader
    missing = [i for i in ids if i not in known]
    if missing:
        raise InvalidParameterError("metric", f"unknown metric id {missing[0]!r}; see /v1/metrics")
    return ids


def resolve_entities(conn: Connection, *, names: list[str], parameter: str) -> list[str]:
    """Entity ids for ids or aliases (Zelensky, zelenskyy, ...); unknown names are a 422."""
    by_alias = names_of(conn).entity_by_alias
    found = {alias_key(n): n for n in names}
    missing = [name for key, name in found.items() if key not in by_alias]
    if missing:
        raise InvalidParameterError(
            parameter, f"no entity is called {missing[0]!r}; see /v1/entities for ids and aliases"
        )
    return sorted({by_alias[key] for key in found})


def _broader_links(conn: Connection) -> dict[str, str | None]:
    return dict(conn.execute(select(metric_t.c.id, metric_t.c.broader_id)).all())  # type: ignore[arg-type]


def _narrower_closure(links: dict[str, str | None], metric_ids: list[str]) -> set[str]:
    result, frontier = set(metric_ids), list(metric_ids)
    while frontier:
        parent = frontier.pop()
        for child, broader in links.items():
            if broader == parent and child not in result:
                result.add(child)
                frontier.append(child)
    return result


def expand_metrics(conn: Connection, *, metric_ids: list[str]) -> set[str]:
    """The metrics and every metric under them (equipment losses -> UAV losses, ...)."""
    return _narrower_closure(names_of(conn).broader, metric_ids)


def _metric_record(
    row: Any, links: dict[str, str | None], counts: dict[str, int]
) -> dict[str, Any]:
    return metric_record(
        row,
        narrower_ids=sorted(m for m, b in links.items() if b == row.id),
        claim_count=counts.get(row.id, 0),
        claim_count_with_narrower=sum(counts.get(m, 0) for m in _narrower_closure(links, [row.id])),
    )


def _claim_counts(conn: Connection, metric_ids: set[str] | None = None) -> dict[str, int]:
    query = select(claim_t.c.metric_id, func.count()).group_by(claim_t.c.metric_id)
    if metric_ids is not None:
        query = query.where(claim_t.c.metric_id.in_(sorted(metric_ids)))
    return dict(conn.execute(query).all())  # type: ignore[arg-type]


def list_metrics(conn: Connection) -> list[dict[str, Any]]:
    links = _broader_links(conn)
    counts = _claim_counts(conn)
    rows = conn.execute(select(metric_t).order_by(metric_t.c.id)).all()
    return [_metric_record(r, links, counts) for r in rows]


def require_metric(conn: Connection, *, metric_id: str) -> Any:
    """The metric's row; an unknown id is a 404."""
    row = conn.execute(select(metric_t).where(metric_t.c.id == metric_id)).first()
    if row is None:
        raise NotFoundError(f"no metric with id {metric_id!r}")
    return row


def get_metric(conn: Connection, *, metric_id: str) -> dict[str, Any]:
    """One metric, counting only its own claims and its narrower metrics' (an index range
    each), not the whole claim table."""
    row = require_metric(conn, metric_id=metric_id)
    links = _broader_links(conn)
    counts = _claim_counts(conn, _narrower_closure(links, [metric_id]))
    return _metric_record(row, links, counts)


def _entity_select(*, speakers_only: bool) -> Any:
    as_speaker = select(func.count()).where(claim_t.c.speaker_id == entity_t.c.id).scalar_subquery()
    as_subject = select(func.count()).where(claim_t.c.subject_id == entity_t.c.id).scalar_subquery()
    query = select(
        entity_t, as_speaker.label("claims_as_speaker"), as_subject.label("claims_as_subject")
    )
    if speakers_only:
        query = query.where(as_speaker > 0)
    return query


def _aliases(conn: Connection, entity_ids: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {e: [] for e in entity_ids}
    rows = conn.execute(
        select(alias_t.c.entity_id, alias_t.c.alias)
        .where(alias_t.c.entity_id.in_(entity_ids))
        .order_by(alias_t.c.entity_id, alias_t.c.alias)
    )
    names: dict[str, list[str]] = {}
    for row in rows:
        names.setdefault(row.entity_id, []).append(row.alias)
    for entity_id, aliases in names.items():
        result[entity_id] = aliases
    return result


def list_entities(
    conn: Connection,
    *,
    speakers_only: bool = False,
    kind: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    count: bool = False,
) -> dict[str, Any]:
    query = _entity_select(speakers_only=speakers_only)
    if kind is not None:
        query = query.where(entity_t.c.kind == kind)
    page = page_by_id(conn, query, entity_t.c.id, limit=limit, cursor=cursor, count=count)
    aliases = _aliases(conn, [r.id for r in page.rows])
    return {
        "items": [entity_record(r, aliases[r.id]) for r in page.rows],
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


def get_entity(conn: Connection, *, entity_id: str, speakers_only: bool = False) -> dict[str, Any]:
    row = conn.execute(
        _entity_select(speakers_only=speakers_only).where(entity_t.c.id == entity_id)
    ).first()
    if row is None:
        what = "speaker" if speakers_only else "entity"
        raise NotFoundError(f"no {what} with id {entity_id!r}")
    return entity_record(row, _aliases(conn, [entity_id])[entity_id])
