"""A metric's claims as chart-ready time series, one line per (speaker, subject)."""

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, select

from app.queries.claim_filters import (
    ClaimFilters,
    claim_t,
    filter_conditions,
    speaker_t,
    subject_t,
)
from app.queries.vocabulary import require_metric
from app.records import series_point


def metric_series(conn: Connection, *, metric_id: str, filters: ClaimFilters) -> dict[str, Any]:
    """Points sorted by reference date within each line. Only the columns a point needs
    are read, in one statement (a chart may have thousands of points)."""
    metric = require_metric(conn, metric_id=metric_id)
    filters = replace(filters, metric=[metric_id])
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
            c.hedge,
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
        point = series_point(row)
        if point is None:
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
        line["points"].append((row.period_end or row.stated_on, point))
    for line in lines.values():
        # By the reference date's first day, then claim id.
        line["points"].sort(key=lambda item: (item[0], item[1]["claim_id"]))
        line["points"] = [point for _, point in line["points"]]
    return {
        "metric": {"id": metric.id, "name": metric.name, "unit": metric.unit, "kind": metric.kind},
        "series": [lines[key] for key in sorted(lines)],
        "undated_claim_ids": sorted(undated),
    }
