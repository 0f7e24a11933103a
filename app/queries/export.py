"""Claims as flat CSV rows (first citation only) and as NDJSON lines (everything)."""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, Engine

from app.queries.claim_filters import ClaimFilters
from app.queries.claims import iter_claims

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
CITATION_FIELDS = ("source_id", "source_title", "quote", "char_start", "char_end")
CSV_COLUMNS = [
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
    *CITATION_FIELDS,
]


def csv_row(claim: dict[str, Any]) -> dict[str, Any]:
    first = claim["citations"][0] if claim["citations"] else {}
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
        **{k: first.get(k) for k in CITATION_FIELDS},
    }


@contextmanager
def _streaming_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for one long sequential read. On SQLite it reads without mmap, so a
    full export does not map the whole file into the process (RSS stays flat); the
    connection is then discarded, and the pool opens a normally tuned one next time."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            yield conn
            return
        conn.exec_driver_sql("PRAGMA mmap_size = 0")
        try:
            yield conn
        finally:
            conn.invalidate()


def stream_csv(engine: Engine, filters: ClaimFilters) -> Iterator[str]:
    """CSV text chunks; empty cells are nulls. Holds one batch of claims at a time."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    with _streaming_connection(engine) as conn:
        for n, claim in enumerate(iter_claims(conn, filters=filters), start=1):
            writer.writerow(csv_row(claim))
            if n % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def stream_ndjson(engine: Engine, filters: ClaimFilters) -> Iterator[bytes]:
    """One JSON claim (as `getClaim` returns it) per line."""
    with _streaming_connection(engine) as conn:
        chunk: list[bytes] = []
        for claim in iter_claims(conn, filters=filters):
            chunk.append(orjson.dumps(claim) + b"\n")
            if len(chunk) == 500:
                yield b"".join(chunk)
                chunk = []
        yield b"".join(chunk)
