"""A metric's claims as chart-ready time series, one line per (speaker, subject, metric)."""

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from app.queries.claim_filters import (
    ClaimFilters,
    claim_t,
    filter_conditions,
    metric_t,
    speaker_t,
    subject_t,
)
from app.queries.vocabulary import require_metric
from app.records import SERIES_POINT_COLUMNS, metric_ref, series_point


def metric_series(conn: Connection, *, metric_id: str, filters: ClaimFilters) -> dict[str, Any]:
    """Points sorted by reference date within each line. Only the columns a point needs
    are read, in one statement (a chart may have thousands of points)."""
    metric = require_metric(conn, metric_id=metric_id)
    filters = replace(filters, metric=[metric_id])
    c = claim_t.c
    points = len(SERIES_POINT_COLUMNS)
    rows = conn.execute(
        select(
            *(c[name] for name in SERIES_POINT_COLUMNS),
            c.speaker_id,
            speaker_t.c.name,
            c.subject_id,
            subject_t.c.name,
        )
        .join(speaker_t, speaker_t.c.id == c.speaker_id)
        .join(subject_t, subject_t.c.id == c.subject_id)
        .where(*filter_conditions(conn, filters))
    ).all()
    # With include_narrower, a speaker's tank and drone counts are two lines: one line
    # joining them would draw a trend that nobody stated.
    lines: dict[tuple[str, str, str], dict[str, Any]] = {}
    undated: list[str] = []
    for row in rows:
        values = tuple(row)
        point = series_point(values[:points])
        if point is None:
            undated.append(values[0])
            continue
        speaker_id, speaker_name, subject_id, subject_name = values[points:]
        key = (speaker_id, subject_id, point["metric_id"])
        line = lines.get(key)
        if line is None:
            line = lines[key] = {
                "speaker": {"id": speaker_id, "name": speaker_name},
                "subject": {"id": subject_id, "name": subject_name},
                "metric": point["metric_id"],
                "points": [],
            }
        first_day = values[_PERIOD_END] if values[_PERIOD_END] is not None else values[_STATED_ON]
        line["points"].append((first_day, values[0], point))
    # The series metric's row is read already; narrower ones (include_narrower) are not.
    narrower = {key[2] for key in lines} - {metric_id}
    refs = {metric_id: metric_ref(metric), **_metric_refs(conn, narrower)}
    for line in lines.values():
        line["metric"] = refs[line["metric"]]
        # By the reference date's first day, then claim id.
        line["points"].sort(key=_first_day_then_id)
        line["points"] = [point for _, _, point in line["points"]]
    return {
        "metric": refs[metric_id],
        "series": [lines[key] for key in sorted(lines)],
        "undated_claim_ids": sorted(undated),
    }


def _metric_refs(conn: Connection, metric_ids: set[str]) -> dict[str, dict[str, Any]]:
    if not metric_ids:
        return {}
    m = metric_t.c
    rows = conn.execute(
        select(m.id, m.name, m.unit, m.kind).where(m.id.in_(sorted(metric_ids)))
    ).all()
    return {row.id: metric_ref(row) for row in rows}


_PERIOD_END = SERIES_POINT_COLUMNS.index("period_end")
_STATED_ON = SERIES_POINT_COLUMNS.index("stated_on")


def _first_day_then_id(item: tuple[date, str, dict[str, Any]]) -> tuple[date, str]:
    return item[0], item[1]
