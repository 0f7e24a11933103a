"""Response records: database rows turned into the dicts the API serves.

One function per public schema (`claim_record` is `ClaimPublic`, ...), in one place, so that
every endpoint that shows a claim, a date or a figure shows it the same way;
tests/test_records.py checks each record's keys against its schema's fields. Routes serialise
these dicts with orjson directly (app.api.responses), so what is built here is what is sent.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from app.dates import date_text


def number(value: float | None) -> float | int | None:
    """38000.0 -> 38000: figures read as written; fractional values stay floats."""
    return int(value) if value is not None and value.is_integer() else value


def citation_record(values: Sequence[Any]) -> dict[str, Any]:
    """A claim or event citation from (source_id, source_title, quote, char_start, char_end),
    the citation joined with its source's title; unpacked, as series points are."""
    source_id, source_title, quote, char_start, char_end = values
    return {
        "source_id": source_id,
        "source_title": source_title,
        "quote": quote,
        "char_start": char_start,
        "char_end": char_end,
    }


# The columns a claim record is built from, in the order `claim_record` unpacks them: the
# claim joined with its metric, subject, speaker and event names.
CLAIM_COLUMNS = (
    "id",
    "metric_id",
    "metric_name",
    "unit",
    "metric_kind",
    "subject_id",
    "subject_name",
    "speaker_id",
    "speaker_name",
    "value",
    "qualifier",
    "hedge",
    "value_low",
    "value_high",
    "place",
    "period_start",
    "period_start_precision",
    "period_end",
    "period_end_precision",
    "stated_on",
    "stated_on_precision",
    "event_id",
    "event_title",
    "note",
)


def claim_record(values: Sequence[Any], citations: list[dict[str, Any]]) -> dict[str, Any]:
    """A claim as `ClaimPublic`, from a row whose first values are its CLAIM_COLUMNS (a page
    of 50 claims reads 1,200 values: unpacking them is ~3x faster than reading each by
    name)."""
    (
        claim_id,
        metric_id,
        metric_name,
        unit,
        metric_kind,
        subject_id,
        subject_name,
        speaker_id,
        speaker_name,
        value,
        qualifier,
        hedge,
        value_low,
        value_high,
        place,
        period_start,
        period_start_precision,
        period_end,
        period_end_precision,
        stated_on,
        stated_on_precision,
        event_id,
        event_title,
        note,
    ) = values[: len(CLAIM_COLUMNS)]
    return {
        "id": claim_id,
        "metric": {"id": metric_id, "name": metric_name, "unit": unit, "kind": metric_kind},
        "subject": {"id": subject_id, "name": subject_name},
        "speaker": {"id": speaker_id, "name": speaker_name},
        "value": number(value),
        "qualifier": qualifier,
        "hedge": hedge,
        "value_low": number(value_low),
        "value_high": number(value_high),
        "unit": unit,
        "place": place,
        "period_start": date_text(period_start, period_start_precision),
        "period_start_precision": period_start_precision,
        "period_end": date_text(period_end, period_end_precision),
        "period_end_precision": period_end_precision,
        "stated_on": date_text(stated_on, stated_on_precision),
        "stated_on_precision": stated_on_precision,
        "event": {"id": event_id, "title": event_title} if event_id else None,
        "note": note,
        "citations": citations,
    }


# The claim columns a series point is built from, in the order `series_point` reads them: a
# chart may have thousands of points, and unpacking a row is ~5x faster than reading its
# attributes one by one (a 500-point series: ~2 ms less).
SERIES_POINT_COLUMNS = (
    "id",
    "metric_id",
    "value",
    "value_low",
    "value_high",
    "qualifier",
    "hedge",
    "period_end",
    "period_end_precision",
    "stated_on",
    "stated_on_precision",
)


def series_point(values: Sequence[Any]) -> dict[str, Any] | None:
    """A claim as a point of a time series (`SeriesPoint`), from its SERIES_POINT_COLUMNS,
    placed by its period end (the as-of date) if known, else by its stated date; None when
    it has neither."""
    (
        claim_id,
        metric_id,
        value,
        value_low,
        value_high,
        qualifier,
        hedge,
        period_end,
        period_end_precision,
        stated_on,
        stated_on_precision,
    ) = values
    stated = date_text(stated_on, stated_on_precision)
    if period_end is not None:
        reference = date_text(period_end, period_end_precision)
        precision, basis = period_end_precision, "period_end"
    elif stated_on is not None:
        reference, precision, basis = stated, stated_on_precision, "stated_on"
    else:
        return None
    return {
        "claim_id": claim_id,
        "reference_date": reference,
        "reference_precision": precision,
        "reference_basis": basis,
        "value": number(value),
        "value_low": number(value_low),
        "value_high": number(value_high),
        "qualifier": qualifier,
        "hedge": hedge,
        "stated_on": stated,
        "stated_on_precision": stated_on_precision,
        "metric_id": metric_id,
    }


def metric_ref(row: Any) -> dict[str, Any]:
    """A metric row as `MetricRef` (what a figure measures, in which unit)."""
    return {"id": row.id, "name": row.name, "unit": row.unit, "kind": row.kind}


def metric_record(
    row: Any, *, narrower_ids: list[str], claim_count: int, claim_count_with_narrower: int
) -> dict[str, Any]:
    """A metric row with its links and counts, as `MetricPublic`."""
    return {
        "id": row.id,
        "name": row.name,
        "unit": row.unit,
        "kind": row.kind,
        "description": row.description,
        "broader_id": row.broader_id,
        "narrower_ids": narrower_ids,
        "claim_count": claim_count,
        "claim_count_with_narrower": claim_count_with_narrower,
    }


def entity_record(row: Any, aliases: list[str]) -> dict[str, Any]:
    """An entity row with its claim counts, as `EntityPublic`; `aliases` are the other
    names (id and display name left out)."""
    m = row._mapping
    return {
        "id": m["id"],
        "name": m["name"],
        "kind": m["kind"],
        "role": m["role"],
        "side": m["side"],
        "description": m["description"],
        "aliases": [a for a in aliases if a not in (m["id"], m["name"])],
        "claims_as_speaker": m["claims_as_speaker"],
        "claims_as_subject": m["claims_as_subject"],
    }


def event_record(row: Any, details: Mapping[str, list[Any]]) -> dict[str, Any]:
    """An event row plus its entities, citations and claim ids, as `EventPublic`."""
    m = row._mapping
    return {
        "id": m["id"],
        "title": m["title"],
        "type": m["type"],
        "description": m["description"],
        "start_on": date_text(m["start_on"], m["start_on_precision"]),
        "start_on_precision": m["start_on_precision"],
        "end_on": date_text(m["end_on"], m["end_on_precision"]),
        "end_on_precision": m["end_on_precision"],
        "place": m["place"],
        "note": m["note"],
        "entities": details["entities"],
        "citations": details["citations"],
        "claim_ids": details["claim_ids"],
    }


def source_record(row: Any) -> dict[str, Any]:
    """A source row (without its text) with its claim and event counts, as `SourcePublic`."""
    m = row._mapping
    return {
        "id": m["id"],
        "title": m["title"],
        "publisher": m["publisher"],
        "author": m["author"],
        "url": m["url"],
        "published_on": date_text(m["published_on"], m["published_on_precision"]),
        "published_on_precision": m["published_on_precision"],
        "published_on_basis": m["published_on_basis"],
        "language": m["language"],
        "file_name": m["file_name"],
        "sha256": m["sha256"],
        "char_count": m["char_count"],
        "note": m["note"],
        "claim_count": m["claim_count"],
        "event_count": m["event_count"],
    }
