"""The explorer's only way to data: the public `/v1` API, called in process.

Every page is built from the JSON a third-party client would get, through the whole
middleware stack (HTTP cache included), so the explorer can show nothing the API cannot.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from fastapi import Request

# Query values: a list repeats the parameter (`speaker=a&speaker=b`).
Params = Mapping[str, str | Sequence[str]]


class ApiNotFound(Exception):
    """The API answered 404: the page's id is unknown."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ApiRejected(Exception):
    """The API answered 4xx to parameters taken from the page's URL (a bad date, say)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail", ""))
        self.status = status
        self.problem = problem


class V1Client:
    """A page's calls to `/v1`, counted so that tests and headers can show how many."""

    def __init__(self, request: Request) -> None:
        self._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app), base_url="http://explorer.local"
        )
        self.calls: list[str] = []

    async def __aenter__(self) -> "V1Client":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _get(self, path: str, params: Params | None) -> httpx.Response:
        request = self._http.build_request("GET", path, params=_pairs(params))
        self.calls.append(str(request.url.raw_path, "ascii"))
        response = await self._http.send(request)
        if response.status_code == 404:
            raise ApiNotFound(response.json().get("detail", "not found"))
        if response.status_code >= 400:
            raise ApiRejected(response.status_code, response.json())
        return response

    async def json(self, path: str, params: Params | None = None) -> Any:
        return (await self._get(path, params)).json()

    async def text(self, path: str, params: Params | None = None) -> str:
        return (await self._get(path, params)).text


def _pairs(params: Params | None) -> list[tuple[str, str | int | float | bool | None]]:
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in (params or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        pairs += [(name, v) for v in values if v != ""]
    return pairs
