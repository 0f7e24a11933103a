"""Opaque keyset cursors: base64url JSON of the sort key and the last row's sort value + id."""

import base64
import binascii
from typing import Any

import orjson

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
