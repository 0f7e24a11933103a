"""A seed error names the file, the line, the field and the reason, so a curator can fix it."""

from dataclasses import dataclass
from pathlib import Path


def printable_path(path: Path) -> str:
    """The path as text that any stream can print: a file name that is not UTF-8 (its bytes
    arrive as lone surrogates) shows as `\\udcff` escapes instead of raising on print."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class SeedError:
    file: Path
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        file = printable_path(self.file)
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.field}: {self.reason}"


# A warning reads like an error and does not stop the load.
SeedWarning = SeedError


class SeedValidationError(Exception):
    """Raised with every error found, so one run reports them all (and the warnings found on
    the way, so a failing `--check` shows those too)."""

    def __init__(self, errors: list[SeedError], warnings: list[SeedWarning] | None = None) -> None:
        self.errors = errors
        self.warnings = warnings or []
        super().__init__("\n".join(str(e) for e in errors))
