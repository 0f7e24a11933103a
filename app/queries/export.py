"""Claims as CSV rows and as NDJSON lines, one keyset batch at a time.

An export is read as a series of short batches (`export_batch`), each with its own briefly
held connection, so a client that reads slowly holds no connection between batches (the
API prefetches the next batch while the current one is sent: app/api/routes/export.py).

CSV comes in two shapes (`rows`):
- `claims` (default): one row per claim; the citation columns hold every citation of the
  claim, in order, separated by a line break inside the cell (`citation_count` says how
  many);
- `citations`: one row per citation (`citation_position` 1, 2, ...), the claim's columns
  repeated; a claim without citations still has one row.
Each citation carries its source's title, published date (at its precision: "2025",
"2025-01" or "2025-01-06") and URL; empty cells are nulls.
"""

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Connection, Date, String, bindparam, func, select, text

from app.dates import date_text
from app.queries.claim_filters import ClaimFilters, citation_t, claim_t, filter_conditions
from app.queries.claims import count_claims, list_claims

BATCH_SIZE = 500
BOM = "\ufeff"
CITATION_SEPARATOR = "\n"  # between the citations of one claim in a `rows=claims` cell

# Claim fields copied as they are; the rest of a row flattens the nested references.
SCALAR_FIELDS = (
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
)
CITATION_FIELDS = (
    "source_id",
    "source_title",
    "source_published_on",
    "source_url",
    "quote",
    "char_start",
    "char_end",
)
CLAIM_COLUMNS = [
    "id",
    "metric_id",
    "metric_name",
    "unit",
    "subject_id",
    "subject_name",
    "speaker_id",
    "speaker_name",
    *SCALAR_FIELDS,
    "event_id",
    "note",
    "citation_count",
]
CSV_COLUMNS = [*CLAIM_COLUMNS, *CITATION_FIELDS]
CITATION_ROW_COLUMNS = [*CLAIM_COLUMNS, "citation_position", *CITATION_FIELDS]


class CsvRows(StrEnum):
    """What a CSV row is: a claim (its citations joined in each citation cell) or a
    citation (the claim's columns repeated)."""

    claims = "claims"
    citations = "citations"


@dataclass
class Batch:
    """One batch of an export, rendered; `after` is where the next one starts (None: done)."""

    body: bytes
    after: str | None


# Typed columns, so that the published date is a date on both engines (text() alone leaves
# SQLite's stored string), shown through the one date_text.
_SOURCES = (
    text("SELECT id, published_on, published_on_precision, url FROM source WHERE id IN :ids")
    .bindparams(bindparam("ids", expanding=True))
    .columns(id=String, published_on=Date, published_on_precision=String, url=String)
)


def _source_details(conn: Connection, claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = sorted({c["source_id"] for claim in claims for c in claim["citations"]})
    if not ids:
        return {}
    return {
        row.id: {
            "source_published_on": date_text(row.published_on, row.published_on_precision),
            "source_url": row.url,
        }
        for row in conn.execute(_SOURCES, {"ids": ids})
    }


def _claim_cells(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": claim["id"],
        "metric_id": claim["metric"]["id"],
        "metric_name": claim["metric"]["name"],
        "unit": claim["unit"],
        "subject_id": claim["subject"]["id"],
        "subject_name": claim["subject"]["name"],
        "speaker_id": claim["speaker"]["id"],
        "speaker_name": claim["speaker"]["name"],
        **{k: claim[k] for k in SCALAR_FIELDS},
        "event_id": claim["event"]["id"] if claim["event"] else None,
        "note": claim["note"],
        "citation_count": len(claim["citations"]),
    }


def _citation_cells(citation: dict[str, Any], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        **{k: citation.get(k) for k in ("source_id", "source_title", "quote")},
        **sources.get(citation["source_id"], {}),
        "char_start": citation["char_start"],
        "char_end": citation["char_end"],
    }


def csv_rows(
    claim: dict[str, Any], sources: dict[str, dict[str, Any]], rows: CsvRows = CsvRows.claims
) -> list[dict[str, Any]]:
    """The CSV rows of one claim (see the module docstring for the two shapes)."""
    cells = _claim_cells(claim)
    citations = [_citation_cells(c, sources) for c in claim["citations"]]
    if rows is CsvRows.citations:
        if not citations:
            return [cells]
        return [
            {**cells, "citation_position": n, **citation}
            for n, citation in enumerate(citations, start=1)
        ]
    joined = {
        k: CITATION_SEPARATOR.join("" if c.get(k) is None else str(c[k]) for c in citations)
        if citations
        else None
        for k in CITATION_FIELDS
    }
    return [{**cells, **joined}]


def count_rows(conn: Connection, *, filters: ClaimFilters, rows: CsvRows) -> int:
    """The data rows of a CSV export (`X-Row-Count`): the claims, or with
    `rows=citations` their citations, a claim without any counting as its one row."""
    if rows is CsvRows.claims:
        return count_claims(conn, filters=filters)
    matching = select(claim_t.c.id).where(*filter_conditions(conn, filters)).subquery()
    cited = matching.outerjoin(citation_t, citation_t.c.claim_id == matching.c.id)
    return int(conn.execute(select(func.count()).select_from(cited)).scalar_one())


def csv_header(rows: CsvRows, *, bom: bool) -> bytes:
    buffer = io.StringIO()
    columns = CITATION_ROW_COLUMNS if rows is CsvRows.citations else CSV_COLUMNS
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    return ((BOM if bom else "") + buffer.getvalue()).encode()


def csv_renderer(rows: CsvRows) -> Callable[[Connection, list[dict[str, Any]]], bytes]:
    """The CSV renderer of a batch (a module-level function and its argument: a batch may
    be rendered in a worker process, and the renderer goes there by pickle)."""
    return functools.partial(csv_render, rows=rows)


def csv_render(conn: Connection, claims: list[dict[str, Any]], *, rows: CsvRows) -> bytes:
    columns = CITATION_ROW_COLUMNS if rows is CsvRows.citations else CSV_COLUMNS
    sources = _source_details(conn, claims)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    for claim in claims:
        writer.writerows(csv_rows(claim, sources, rows))
    return buffer.getvalue().encode()


def ndjson_render(_conn: Connection, claims: list[dict[str, Any]]) -> bytes:
    """One JSON claim (as `getClaim` returns it) per line."""
    return b"".join(orjson.dumps(claim) + b"\n" for claim in claims)


def export_batch(
    conn: Connection,
    *,
    filters: ClaimFilters,
    after: str | None,
    render: Callable[[Connection, list[dict[str, Any]]], bytes],
    size: int = BATCH_SIZE,
) -> Batch:
    """The next `size` claims in (stated_on, id) order after the keyset position `after`
    (a `listClaims` cursor), rendered."""
    page = list_claims(conn, filters=filters, limit=size, cursor=after)
    return Batch(render(conn, page["items"]), page["next_cursor"])
