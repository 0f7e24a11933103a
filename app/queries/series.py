"""A metric's claims as chart-ready time series, one line per (speaker, subject)."""

from typing import Any

from sqlalchemy import Connection, select

from app.queries.claims import (
    ClaimFilters,
    claim_t,
    filter_conditions,
    number,
    speaker_t,
    subject_t,
)
from app.queries.vocabulary import require_metric


def _reference(row: Any) -> tuple[Any, str, str] | None:
    """(date, precision, basis): the as-of / period end if known, else the stated date."""
    if row.period_end is not None:
        return row.period_end, row.period_end_precision, "period_end"
    if row.stated_on is not None:
        return row.stated_on, row.stated_on_precision, "stated_on"
    return None


def metric_series(conn: Connection, *, metric_id: str, filters: ClaimFilters) -> dict[str, Any]:
    """Points sorted by reference date within each line. Only the columns a point needs
    are read, in one statement (a chart may have thousands of points)."""
    metric = require_metric(conn, metric_id=metric_id)
    filters.metric = [metric_id]
    c = claim_t.c
    rows = conn.execute(
        select(
            c.id,
            c.metric_id,
            c.speaker_id,
            speaker_t.c.name.label("speaker_name"),
            c.subject_id,
            subject_t.c.name.label("subject_name"),
            c.value,
            c.value_low,
            c.value_high,
            c.qualifier,
            c.period_end,
            c.period_end_precision,
            c.stated_on,
            c.stated_on_precision,
        )
        .join(speaker_t, speaker_t.c.id == c.speaker_id)
        .join(subject_t, subject_t.c.id == c.subject_id)
        .where(*filter_conditions(conn, filters))
    )
    lines: dict[tuple[str, str], dict[str, Any]] = {}
    undated: list[str] = []
    for row in rows:
        reference = _reference(row)
        if reference is None:
            undated.append(row.id)
            continue
        line = lines.setdefault(
            (row.speaker_id, row.subject_id),
            {
                "speaker": {"id": row.speaker_id, "name": row.speaker_name},
                "subject": {"id": row.subject_id, "name": row.subject_name},
                "points": [],
            },
        )
        line["points"].append(
            {
                "claim_id": row.id,
                "reference_date": reference[0],
                "reference_precision": reference[1],
                "reference_basis": reference[2],
                "value": number(row.value),
                "value_low": number(row.value_low),
                "value_high": number(row.value_high),
                "qualifier": row.qualifier,
                "stated_on": row.stated_on,
                "stated_on_precision": row.stated_on_precision,
                "metric_id": row.metric_id,
            }
        )
    for line in lines.values():
        line["points"].sort(key=lambda p: (p["reference_date"], p["claim_id"]))
    return {
        "metric": {"id": metric.id, "name": metric.name, "unit": metric.unit, "kind": metric.kind},
        "series": [lines[key] for key in sorted(lines)],
        "undated_claim_ids": sorted(undated),
    }
