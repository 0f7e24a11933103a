"""Typed errors the query layer raises; the API renders them as problem+json."""


class NotFoundError(Exception):
    """An id in the path names nothing (404)."""


class InvalidParameterError(Exception):
    """A query parameter is well-formed but wrong: an unknown id, a stale cursor (422)."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")

    def __reduce__(self) -> tuple[type["InvalidParameterError"], tuple[str, str]]:
        # Raised in a worker process too (app/api/workers.py): rebuilt from both arguments.
        return type(self), (self.parameter, self.message)
