"""Pre-serialised JSON: routes declare `response_model` for the OpenAPI document but return
bytes built by orjson, skipping a second validation pass on data the loader validated."""

from collections.abc import Callable
from typing import Any

import orjson
from starlette.responses import Response


def json_response(payload: Any, headers: dict[str, str] | None = None) -> Response:
    return serialised_json_response(orjson.dumps(payload), headers)


def serialised_json_response(body: bytes, headers: dict[str, str] | None = None) -> Response:
    """A JSON body already serialised (by `json_bytes`, in the worker that ran the query)."""
    return Response(body, media_type="application/json", headers=headers)


def json_bytes(query: Callable[..., Any], conn: Any, /, **kwargs: Any) -> bytes:
    """`query(conn, **kwargs)` serialised (module-level, so a worker process can run it)."""
    return orjson.dumps(query(conn, **kwargs))
