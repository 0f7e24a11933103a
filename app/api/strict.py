"""Unknown query parameters are errors, never ignored.

A misspelt filter (`speakr=syrsky`) or one this API does not have (`hedges=over`) would
otherwise be dropped silently and answer with every claim: an answer that looks right and is
not. Every router uses `StrictQueryRoute`, which knows the query parameters its endpoint
declares (its own and its dependencies') and answers any other with a 422 problem naming it
and listing the accepted ones.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from app.queries.errors import InvalidParameterError


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


class UnknownParameterError(InvalidParameterError):
    """Query parameters the endpoint does not take (rendered as one 422 listing all)."""

    def __init__(self, unknown: list[str], accepted: list[str]) -> None:
        self.unknown = unknown
        self.accepted = accepted
        listed = ", ".join(accepted) or "none"
        super().__init__(unknown[0], f"unknown query parameter; this endpoint accepts: {listed}")


class StrictQueryRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        known = frozenset(_query_names(self.dependant))
        accepted = sorted(known)

        async def strict_handler(request: Request) -> Response:
            unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
            if unknown:
                raise UnknownParameterError(unknown, accepted)
            return await handler(request)

        return strict_handler
