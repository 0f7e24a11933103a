"""Dates with precision: a date is stored as its first day plus `day`, `month` or `year`.

Filters treat such a date as the interval it covers, so "October 2024" (2024-10-01, month)
matches a query for 2024-10-15..2024-10-20.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    """How much of a date the text states."""

    day = "day"
    month = "month"
    year = "year"


# ASCII digits only: `\d` would also match Arabic-Indic and other Unicode digits ("٢٠٢٥"),
# which int() accepts. The API's query validation uses the same pattern.
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
_PARTIAL_DATE_RE = re.compile(PARTIAL_DATE_PATTERN)


@dataclass(frozen=True, slots=True)
class PartialDate:
    first_day: date
    precision: Precision

    @property
    def last_day(self) -> date:
        return last_day(self.first_day, self.precision)

    def __str__(self) -> str:
        return date_text(self.first_day, self.precision) or ""


_TEXT_LENGTH = {"day": 10, "month": 7, "year": 4}


def date_text(first: date | None, precision: Precision | str | None) -> str | None:
    """A stored date as shown everywhere (ISO 8601 reduced precision, EDTF level 0):
    "2025", "2025-01" or "2025-01-06". A date known to the year never reads as 1 January."""
    if first is None or precision is None:
        return None
    return first.isoformat()[: _TEXT_LENGTH[precision]]


def last_day(first: date, precision: Precision | str) -> date:
    """The last day covered by a date of the given precision."""
    if precision == Precision.year:
        return date(first.year, 12, 31)
    if precision == Precision.month:
        return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return first


def parse_partial_date(text: str) -> PartialDate:
    """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError with the expected format."""
    if not _PARTIAL_DATE_RE.match(text):
        raise ValueError(f"{text!r} is not a date: expected YYYY-MM-DD, YYYY-MM or YYYY")
    parts = [int(p) for p in text.split("-")]
    precision = (Precision.year, Precision.month, Precision.day)[len(parts) - 1]
    try:
        first = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None
    return PartialDate(first, precision)
