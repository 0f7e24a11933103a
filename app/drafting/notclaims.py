"""Numerals that are not claims -- datelines, times, dates, page counters, durations,
vague quantities -- each with the reason a curator would write."""

import re

from app.drafting.dates import DATE_RE, DURATION_RE, TIME_RE
from app.drafting.numbers import VAGUE_WORDS

COUNTER_RE = re.compile(
    r"\bViews?:\s?\d+|\(Visited \d+ times?, \d+ visits? today\)|\b\d+\s(?:min|minute)s?\sread\b|"
    r"\b\d+\s(?:comments?|shares?|likes?|views?)\b|\bpage \d+ of \d+\b|\b\d+/\d+\b",
    re.IGNORECASE,
)
NOT_A_QUANTITY_RE = re.compile(
    r"\bone of\b|\bone another\b|\bno one\b|\bone-(?:time|off|sided)\b|\bone day\b|\bone cup\b",
    re.IGNORECASE,
)


def classify(text: str, start: int, end: int, dateline: tuple[int, int] | None) -> str | None:
    """Why the numeral at [start, end) is not a claim, or None if it may be one."""
    found = classify_span(text, start, end, dateline)
    return found[0] if found else None


def classify_span(
    text: str, start: int, end: int, dateline: tuple[int, int] | None
) -> tuple[str, tuple[int, int]] | None:
    """The reason and the span of the whole expression (the date, the counter) around it."""
    if dateline and dateline[0] <= start and end <= dateline[1] + 1:
        return "Dateline (used as the publication date).", dateline
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    local = start - line_start
    for pattern, reason in (
        (COUNTER_RE, "Page furniture (a counter or reading time), not a figure."),
        (TIME_RE, "A time of day, not a figure."),
        (DURATION_RE, "A duration, not a figure about the war."),
        (NOT_A_QUANTITY_RE, '"one of" and similar are not quantities.'),
        (VAGUE_WORDS, "Vague quantity; no figure to record."),
        (DATE_RE, "A date, not a figure."),
    ):
        for m in pattern.finditer(line):
            if m.start() <= local and local + (end - start) <= m.end():
                if pattern is DATE_RE and not re.search(r"\d", m.group()):
                    continue
                return reason, (line_start + m.start(), line_start + m.end())
    return None
