"""A seed error names the file, the line, the field and the reason, so a curator can fix it."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SeedError:
    file: Path
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.field}: {self.reason}"


class SeedValidationError(Exception):
    """Raised with every error found, so one run reports them all."""

    def __init__(self, errors: list[SeedError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
