"""Facet counts over the claims a filter set matches."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from app.models import Citation, Claim, Entity, Metric, Source
from app.queries.claims import ClaimFilters, filter_conditions

claim_t = Claim.__table__  # type: ignore[attr-defined]
citation_t = Citation.__table__  # type: ignore[attr-defined]


def _labels(conn: Connection, model: Any, label_column: str, ids: Iterable[str]) -> dict[str, str]:
    """Labels of just the ids that occur (not all 100,000 source titles)."""
    table = model.__table__
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = conn.execute(select(table.c.id, table.c[label_column]).where(table.c.id.in_(wanted)))
    return dict(rows.all())  # type: ignore[arg-type]


def _facet(counts: dict[Any, int], labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    items = [
        {"value": value, "label": (labels or {}).get(value, value or "not stated"), "count": n}
        for value, n in counts.items()
    ]
    return sorted(items, key=lambda i: (-i["count"], i["value"] or ""))


def claim_facets(conn: Connection, *, filters: ClaimFilters) -> dict[str, Any]:
    where = filter_conditions(conn, filters)
    matching = select(claim_t.c.id).where(*where)

    def grouped(column: Any) -> dict[Any, int]:
        query = select(column, func.count()).where(*where).group_by(column)
        return dict(conn.execute(query).all())  # type: ignore[arg-type]

    by_source = dict(
        conn.execute(  # type: ignore[arg-type]
            select(citation_t.c.source_id, func.count(distinct(citation_t.c.claim_id)))
            .where(citation_t.c.claim_id.in_(matching))
            .group_by(citation_t.c.source_id)
        ).all()
    )
    months: Counter[str | None] = Counter()
    for stated_on, precision, n in conn.execute(
        select(claim_t.c.stated_on, claim_t.c.stated_on_precision, func.count())
        .where(*where)
        .group_by(claim_t.c.stated_on, claim_t.c.stated_on_precision)
    ):
        months[
            None if stated_on is None else stated_on.isoformat()[: 4 if precision == "year" else 7]
        ] += n
    by_metric = grouped(claim_t.c.metric_id)
    by_speaker = grouped(claim_t.c.speaker_id)
    by_subject = grouped(claim_t.c.subject_id)
    entities = _labels(conn, Entity, "name", [*by_speaker, *by_subject])
    return {
        "total": conn.execute(select(func.count()).select_from(claim_t).where(*where)).scalar_one(),
        "metric": _facet(by_metric, _labels(conn, Metric, "name", by_metric)),
        "speaker": _facet(by_speaker, entities),
        "subject": _facet(by_subject, entities),
        "source": _facet(by_source, _labels(conn, Source, "title", by_source)),
        "qualifier": _facet(grouped(claim_t.c.qualifier)),
        "stated_month": sorted(_facet(dict(months)), key=lambda i: i["value"] or "9999"),
    }
