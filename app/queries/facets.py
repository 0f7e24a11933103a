"""Facet counts over the claims a filter set matches."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from app.models import Citation, Claim, Entity, Metric, Source
from app.queries.claim_filters import ClaimFilters, filter_conditions

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


FACET_VALUES = 100  # the default number of values a facet lists
MAX_FACET_VALUES = 1000


def _top(counts: dict[Any, int], limit: int) -> list[tuple[Any, int]]:
    """The `limit` most frequent values, ties by value (null first)."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))[:limit]


def _facet(
    top: list[tuple[Any, int]], labels: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    return [
        {"value": value, "label": (labels or {}).get(value, value or "not stated"), "count": n}
        for value, n in top
    ]


def claim_facets(
    conn: Connection, *, filters: ClaimFilters, limit: int = FACET_VALUES
) -> dict[str, Any]:
    """Counts by facet; each facet lists its `limit` most frequent values (a source facet
    over a million claims has ~100,000), labelled by one lookup of just those."""
    where = filter_conditions(conn, filters)
    matching = select(claim_t.c.id).where(*where)

    def grouped(column: Any) -> dict[Any, int]:
        query = select(column, func.count()).where(*where).group_by(column)
        return dict(conn.execute(query).all())  # type: ignore[arg-type]

    counts: dict[str, dict[Any, int]] = {}
    by_source = select(citation_t.c.source_id, func.count(distinct(citation_t.c.claim_id)))
    if where:  # without filters every cited claim matches: no IN over a million ids
        by_source = by_source.where(citation_t.c.claim_id.in_(matching))
    counts["source"] = dict(
        conn.execute(by_source.group_by(citation_t.c.source_id)).all()  # type: ignore[arg-type]
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
    counts["stated_month"] = dict(months)
    c = claim_t.c
    for facet, column in (
        ("metric", c.metric_id),
        ("speaker", c.speaker_id),
        ("subject", c.subject_id),
        ("qualifier", c.qualifier),
        # As the `hedge` filter matches: case-insensitive (null: an exact figure).
        ("hedge", func.lower(c.hedge)),
    ):
        counts[facet] = grouped(column)
    top = {facet: _top(by_value, limit) for facet, by_value in counts.items()}

    def listed(facet: str) -> list[str]:
        return [value for value, _ in top[facet]]

    entities = _labels(conn, Entity, "name", [*listed("speaker"), *listed("subject")])
    return {
        "total": conn.execute(select(func.count()).select_from(claim_t).where(*where)).scalar_one(),
        "values_per_facet": limit,
        "distinct_values": {facet: len(by_value) for facet, by_value in counts.items()},
        "metric": _facet(top["metric"], _labels(conn, Metric, "name", listed("metric"))),
        "speaker": _facet(top["speaker"], entities),
        "subject": _facet(top["subject"], entities),
        "source": _facet(top["source"], _labels(conn, Source, "title", listed("source"))),
        "qualifier": _facet(top["qualifier"]),
        "hedge": _facet(top["hedge"]),
        "stated_month": sorted(_facet(top["stated_month"]), key=lambda i: i["value"] or "9999"),
    }
