"""Opaque keyset cursors: base64url JSON of the sort key and the last row's sort value + id."""

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Select, func, select

from app.queries.errors import InvalidParameterError

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,512}$"


def encode_cursor(sort: str, value: Any, last_id: str) -> str:
    raw = orjson.dumps([sort, value, last_id], default=str)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """The (sort value, id) a cursor points after; 422 if it is corrupt or for another sort."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = orjson.loads(base64.urlsafe_b64decode(padded))
        cursor_sort, value, last_id = decoded
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidParameterError("cursor", "not a cursor returned by this API") from None
    if cursor_sort != sort or not isinstance(last_id, str):
        raise InvalidParameterError(
            "cursor", f"this cursor belongs to sort={cursor_sort!r}; repeat the same sort"
        )
    return value, last_id


@dataclass
class IdPage:
    rows: list[Any]
    next_cursor: str | None
    total: int | None


def page_by_id(
    conn: Connection,
    query: Select[Any],
    id_column: ColumnElement[str],
    *,
    limit: int,
    cursor: str | None,
    count: bool = False,
) -> IdPage:
    """One page of `query` in id order, after the cursor; `total` counts the whole query."""
    total = None
    if count:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if cursor:
        _, last_id = decode_cursor(cursor, "id")
        query = query.where(id_column > last_id)
    rows = list(conn.execute(query.order_by(id_column).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return IdPage(rows, encode_cursor("id", None, rows[-1].id) if more else None, total)
