"""Query parameters are taken as given or refused, never ignored.

A misspelt filter (`speakr=syrsky`) or one this API does not have (`hedges=over`) would
otherwise be dropped silently and answer with every claim: an answer that looks right and is
not. Every router uses `StrictQueryRoute`, which knows the query parameters its endpoint
declares (its own and its dependencies') and answers any other with a 422 problem naming it
and listing the accepted ones. For the same reason a parameter that takes one value and is
given twice (`stated_from=2025&stated_from=2024`: the framework would keep the last one) and
an empty value (`type=`, which would mean "no filter" to some parameters and "match nothing"
to others) are 422s naming the parameter.
"""

from collections import Counter
from collections.abc import Callable, Coroutine
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from app.queries.errors import InvalidParameterError


def _query_params(dependant: Dependant) -> dict[str, Any]:
    """Every query parameter of the endpoint and its dependencies: name -> annotation."""
    params = {param.alias: param.field_info.annotation for param in dependant.query_params}
    for dependency in dependant.dependencies:
        params |= _query_params(dependency)
    return params


def _takes_many(annotation: Any) -> bool:
    """Whether a parameter's annotation is a list (`speaker=a&speaker=b`)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_many(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return any(_takes_many(a) for a in get_args(annotation) if a is not type(None))
    return origin in (list, set, frozenset, tuple) or annotation in (list, set, frozenset, tuple)


class ParameterProblemsError(InvalidParameterError):
    """Query parameters refused together: one 422 naming each (parameter, message)."""

    def __init__(self, problems: list[tuple[str, str]], detail: str | None = None) -> None:
        self.problems = problems
        self.detail = detail or "; ".join(f"{name}: {message}" for name, message in problems)
        super().__init__(*problems[0])


class UnknownParameterError(ParameterProblemsError):
    """Query parameters the endpoint does not take."""

    def __init__(self, unknown: list[str], accepted: list[str]) -> None:
        self.unknown = unknown
        self.accepted = accepted
        message = f"unknown query parameter; this endpoint accepts: {', '.join(accepted)}"
        names = ", ".join(repr(name) for name in unknown)
        super().__init__(
            [(name, message) for name in unknown],
            f"unknown query parameter {names}; this endpoint accepts: "
            f"{', '.join(accepted) or 'none'}",
        )


def _misused(items: list[tuple[str, str]], single: frozenset[str]) -> list[tuple[str, str]]:
    problems: dict[str, str] = {}
    for name, value in items:
        if not value.strip():
            problems.setdefault(name, "is empty; leave the parameter out to not filter by it")
    for name, times in Counter(name for name, _ in items).items():
        if times > 1 and name in single:
            problems.setdefault(name, f"given {times} times; this parameter takes one value")
    return list(problems.items())


class StrictQueryRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        params = _query_params(self.dependant)
        known = frozenset(params)
        single = frozenset(
            name for name, annotation in params.items() if not _takes_many(annotation)
        )
        accepted = sorted(known)

        async def strict_handler(request: Request) -> Response:
            if not request.scope["query_string"]:
                return await handler(request)
            unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
            if unknown:
                raise UnknownParameterError(unknown, accepted)
            misused = _misused(request.query_params.multi_items(), single)
            if misused:
                raise ParameterProblemsError(misused)
            return await handler(request)

        return strict_handler
