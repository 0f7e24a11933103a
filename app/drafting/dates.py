"""Dates in the text: the publication date (a page header, a byline, a wire dateline) and
the stated dates of statements ("on Jan. 1", "on Saturday", "the day before", "in
January"), resolved against the publication date at its precision and never finer: a
weekday in an article known only to the month stays that month."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.dates import PartialDate, Precision

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:19|20)\d{2}"
RELATIVE_DAYS = {
    "today": 0,
    "yesterday": -1,
    "the day before": -1,
    "a day earlier": -1,
    "a day before": -1,
    "the previous day": -1,
    "a day ago": -1,
    "two days earlier": -2,
    "two days ago": -2,
}
_RELATIVE = r"(?:" + "|".join(re.escape(k) for k in RELATIVE_DAYS) + r")"

DATE_RE = re.compile(
    rf"(?P<iso>\b{_YEAR}-[01]\d-[0-3]\d\b)"
    rf"|(?P<dotted>\b{_DAY}\.[01]?\d\.{_YEAR}\b)"
    rf"|(?P<mdy>\b{_MONTH}\s{_DAY}(?:st|nd|rd|th)?(?:,?\s(?P<mdy_year>{_YEAR}))?\b)"
    rf"|(?P<dmy>\b{_DAY}(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH}(?:,?\s(?P<dmy_year>{_YEAR}))?\b)"
    rf"|(?P<my>\b{_MONTH}\s(?P<my_year>{_YEAR})\b)"
    rf"|(?P<month>\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    rf"|(?P<weekday>\b{_WEEKDAY}(?:’s|'s)?\b)"
    rf"|(?P<relative>\b{_RELATIVE}\b)"
    rf"|(?P<year>(?<![\d.,])\b{_YEAR}\b(?![\d.,]\d))",
    re.IGNORECASE,
)
TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}\s?(?:[AaPp]\.?[Mm]\.?|GMT|UTC|CET|EET|MSK)?\b(?!\.\d)")
_DURATION_UNIT = r"(?:seconds?|minutes?|min|hours?|hrs?|days?|weeks?|months?|years?|decades?)"
DURATION_RE = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"twenty[- ]four|twenty|thirty|forty|fifty|hundred)(?:\s(?:and\sa\shalf))?"
    rf"[\s-]{_DURATION_UNIT}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset_days: int | None = None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Date mentions between start and end, left to right."""
    found: list[DateMention] = []
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end):
        raw = m.group()
        if m.group("iso"):
            y, mo, d = (int(p) for p in raw.split("-"))
            found.append(DateMention(m.start(), m.end(), raw, y, mo, d))
        elif m.group("dotted"):
            d, mo, y = (int(p) for p in raw.split("."))
            found.append(DateMention(m.start(), m.end(), raw, y, mo, d))
        elif m.group("mdy"):
            name, day = re.match(r"(\S+)\s(\d+)", raw).groups()  # type: ignore[union-attr]
            year = int(m.group("mdy_year")) if m.group("mdy_year") else None
            found.append(DateMention(m.start(), m.end(), raw, year, _month(name), int(day)))
        elif m.group("dmy"):
            day, name = re.match(r"(\d+)\D*?\s(?:of\s)?(\S+)", raw).groups()  # type: ignore[union-attr]
            year = int(m.group("dmy_year")) if m.group("dmy_year") else None
            found.append(
                DateMention(m.start(), m.end(), raw, year, _month(name.rstrip(",")), int(day))
            )
        elif m.group("my"):
            name, year_text = raw.split()
            found.append(DateMention(m.start(), m.end(), raw, int(year_text), _month(name)))
        elif m.group("month"):
            # "May" is also a verb: only a capitalised month name after a preposition counts.
            if raw.lower() == "may" and not re.search(
                r"\b(?:in|of|since|until|by)\s$", text[max(0, m.start() - 7) : m.start()]
            ):
                continue
            found.append(DateMention(m.start(), m.end(), raw, month=_month(raw)))
        elif m.group("weekday"):
            name = re.sub(r"(’s|'s)$", "", raw).lower()
            found.append(DateMention(m.start(), m.end(), raw, weekday=WEEKDAYS.index(name)))
        elif m.group("relative"):
            found.append(
                DateMention(m.start(), m.end(), raw, offset_days=RELATIVE_DAYS[raw.lower()])
            )
        else:
            found.append(DateMention(m.start(), m.end(), raw, year=int(raw)))
    return found


@dataclass(frozen=True)
class Resolved:
    value: PartialDate | None
    how: str  # the evidence, for the YAML comment
    sure: bool


def resolve(mention: DateMention, published: PartialDate | None) -> Resolved:
    """A mention as a date at the precision the text and the publication date allow."""
    said = f'"{mention.text}"'
    if mention.year is not None and mention.month is not None and mention.day is not None:
        return Resolved(
            PartialDate(date(mention.year, mention.month, mention.day), Precision.day),
            f"{said} as written",
            True,
        )
    if mention.year is not None and mention.month is not None:
        return Resolved(
            PartialDate(date(mention.year, mention.month, 1), Precision.month),
            f"{said} as written",
            True,
        )
    if mention.year is not None:
        return Resolved(
            PartialDate(date(mention.year, 1, 1), Precision.year), f"{said} as written", True
        )
    if published is None:
        return Resolved(None, f"{said}: no publication date to resolve it against", False)
    pub, precision = published.first_day, published.precision
    at = f"published {published}"
    if mention.month is not None:
        year = pub.year
        if precision == Precision.year:
            day = mention.day or 1
            value = PartialDate(
                date(year, mention.month, day), Precision.day if mention.day else Precision.month
            )
            return Resolved(
                value,
                f"{said}, year taken from {at}; the year is only a guess at year precision",
                False,
            )
        later = (mention.month, mention.day or 1) > (
            pub.month,
            pub.day if precision == Precision.day else 31,
        )
        if mention.month > pub.month or (
            mention.month == pub.month and later and precision == Precision.day
        ):
            year -= 1
        if mention.day is None:
            return Resolved(
                PartialDate(date(year, mention.month, 1), Precision.month),
                f"{said}: the latest {mention.text} not after {at}",
                True,
            )
        return Resolved(
            PartialDate(date(year, mention.month, mention.day), Precision.day),
            f"{said}: the latest such day not after {at}",
            True,
        )
    if mention.weekday is not None or mention.offset_days is not None:
        if precision != Precision.day:
            return Resolved(
                published,
                f"{said} cannot be resolved finer than {at} ({precision.value} precision)",
                True,
            )
        if mention.weekday is not None:
            back = (pub.weekday() - mention.weekday) % 7
            return Resolved(
                PartialDate(pub - timedelta(days=back), Precision.day),
                f"{said}: the latest {WEEKDAYS[mention.weekday].title()} on or before {at}",
                True,
            )
        return Resolved(
            PartialDate(pub + timedelta(days=mention.offset_days or 0), Precision.day),
            f"{said}: {mention.offset_days:+d} day(s) from {at}",
            True,
        )
    return Resolved(None, f"{said} not resolvable", False)


@dataclass(frozen=True)
class Dateline:
    published: PartialDate
    basis: str
    start: int
    end: int
    agency: str | None = None


_HEAD_CHARS = 600
_WIRE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'’-]+),\s"
    rf"(?P<date>{_MONTH}\s{_DAY}(?:,\s{_YEAR})?|{_DAY}\s{_MONTH}(?:\s{_YEAR})?)"
    rf"\s\((?P<agency>[^)]+)\)\s*[-–—]",
    re.MULTILINE,
)
_BYLINE = re.compile(
    rf"^(?:by[ \t][^\n]*?[ \t]|published:?[ \t]|updated:?[ \t])?"
    rf"(?P<date>{_MONTH}\s{_DAY},\s{_YEAR}|{_DAY}\s{_MONTH}\s{_YEAR}|{_DAY}\.[01]?\d\.{_YEAR}"
    rf"|{_YEAR}-[01]\d-[0-3]\d)",
    re.IGNORECASE | re.MULTILINE,
)
# "Berlin, 27.03.2025" on a line of its own.
_PLACE_DATE = re.compile(
    rf"^[A-ZÄÖÜ][\w .'’-]{{1,30}},\s"
    rf"(?P<date>{_MONTH}\s{_DAY},\s{_YEAR}|{_DAY}\.?\s{_MONTH}\s{_YEAR}|{_DAY}\.[01]?\d\.{_YEAR}"
    rf"|{_YEAR}-[01]\d-[0-3]\d)\.?\s*$",
    re.MULTILINE,
)
_HEADER = re.compile(rf"\bdate\s(?P<date>{_YEAR}-[01]\d-[0-3]\d)\b")


_AUTHOR = re.compile(r"^by\s+((?:[A-Z][\w.'’-]+\s?){1,4})", re.MULTILINE | re.IGNORECASE)


def find_author(text: str) -> str | None:
    """The name on a "By Anna Petrenko" byline near the top, month names excluded."""
    m = _AUTHOR.search(text[:_HEAD_CHARS])
    if not m:
        return None
    words = []
    for word in m.group(1).split():
        if word.lower().rstrip(".") in MONTHS or not word[0].isupper():
            break
        words.append(word)
    return " ".join(words) if len(words) >= 2 else None


def _absolute(mention: DateMention) -> PartialDate:
    """A date written with its year (the dateline patterns only match such dates)."""
    value = resolve(mention, None).value
    assert value is not None, mention
    return value


def find_dateline(text: str, year_hint: int | None = None) -> Dateline | None:
    """The publication date the text itself prints near its top, with how it was found."""
    head = text[:_HEAD_CHARS]
    if m := _HEADER.search(head):
        mention = find_dates(text, m.start("date"), m.end("date"))[0]
        return Dateline(
            _absolute(mention),
            f'The page header "{m.group().strip()}".',
            m.start(),
            m.end(),
        )
    if m := _BYLINE.search(head):
        mention = find_dates(text, m.start("date"), m.end("date"))[0]
        line = text[
            m.start() : text.find("\n", m.start()) if "\n" in text[m.start() :] else len(text)
        ].strip()
        return Dateline(
            _absolute(mention), f'The byline: "{line}".', m.start("date"), m.end("date")
        )
    if m := _WIRE.search(head):
        mention = find_dates(text, m.start("date"), m.end("date"))[0]
        if mention.year is None:
            if year_hint is None:
                return None
            mention = DateMention(
                mention.start, mention.end, mention.text, year_hint, mention.month, mention.day
            )
            basis = f'The dateline "{m.group().strip()}", the year from --published-on.'
        else:
            basis = f'The dateline "{m.group().strip()}".'
        return Dateline(_absolute(mention), basis, m.start(), m.end(), m.group("agency"))
    if m := _PLACE_DATE.search(head):
        mention = find_dates(text, m.start("date"), m.end("date"))[0]
        return Dateline(
            _absolute(mention), f'The dateline "{m.group().strip()}".', m.start(), m.end()
        )
    return None
