"""The number-coverage audit: every numeral in a source is quoted by a claim or an event,
or listed as not a claim with a reason."""

import re
from dataclasses import dataclass

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|billions?|half|dozens?|quarter"
)
# Digits with optional thousands groups ("1,164", "1 000" with a space or no-break space)
# and decimals; or a number word.
NUMERAL_RE = re.compile(
    rf"\d{{1,3}}(?:[,\u00a0\u202f ]\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{NUMBER_WORDS})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Numeral:
    text: str
    start: int
    end: int
    line: int


def find_numerals(text: str) -> list[Numeral]:
    return [
        Numeral(m.group(), m.start(), m.end(), text.count("\n", 0, m.start()) + 1)
        for m in NUMERAL_RE.finditer(text)
    ]


def uncovered_numerals(text: str, spans: list[tuple[int, int]]) -> list[Numeral]:
    """Numerals not inside any of the [start, end) character spans."""
    return [
        n for n in find_numerals(text) if not any(s <= n.start and n.end <= e for s, e in spans)
    ]
