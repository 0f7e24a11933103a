"""When a figure was stated and the period it covers: a date next to the attribution's
verb is the stated date ("said on Friday", "On 6 January, X reported"); "since ..." opens
the period and "as of ..." closes it; "since the beginning of the operation" takes the
start date the text itself gives the operation, or none."""

import re
from dataclasses import dataclass, field

from app.dates import PartialDate
from app.drafting.attribution import SPEECH_VERB_RE, Attribution
from app.drafting.dates import Resolved, find_dates, resolve
from app.drafting.segments import Sentence, Span
from app.loader.schema import MetricSpec
from app.models.metric import MetricKind

_SINCE = re.compile(
    r"\bsince\s+(?:the\s+(?:beginning|start)\s+of\s+[^,.;]*|its\s+(?:beginning|start))",
    re.IGNORECASE,
)
_SINCE_DATE = re.compile(r"\bsince\s+$", re.IGNORECASE)
_AS_OF = re.compile(r"\b(?:as of|as at|by|until|through)\s+$", re.IGNORECASE)
_OPERATION_START = re.compile(r"\b(?:began|launched|started|crossed into)\b", re.IGNORECASE)


@dataclass
class Period:
    start: PartialDate | None = None
    end: PartialDate | None = None
    review: bool = False
    evidence: list[str] = field(default_factory=list)


def operation_start(text: str, published: PartialDate | None) -> tuple[PartialDate, str] | None:
    """The start date the text gives for the operation ("began on August 6, 2024")."""
    for m in _OPERATION_START.finditer(text):
        window_end = min(len(text), m.end() + 80)
        line_end = text.find("\n", m.end(), window_end)
        for mention in find_dates(text, m.end(), line_end if line_end > 0 else window_end):
            if mention.day is not None and mention.month is not None:
                r = resolve(mention, published)
                if r.value:
                    return r.value, f'"{text[m.start() : mention.end]}"'
    return None


def stated_date(
    text: str,
    sentence: Sentence,
    attribution: Attribution | None,
    published: PartialDate | None,
) -> Resolved | None:
    """A date phrase next to the attribution's verb, or opening the sentence."""
    if attribution is None or attribution.verb_at is None:
        return None
    verbs = [
        attribution.verb_at,
        *(v.end() for v in SPEECH_VERB_RE.finditer(text, sentence.start, sentence.end)),
    ]
    for mention in find_dates(text, sentence.start, sentence.end):
        before = text[max(sentence.start, mention.start - 12) : mention.start]
        if (
            _SINCE_DATE.search(before)
            or _AS_OF.search(before)
            or re.search(r"\b(?:of|during|in the fall of)\s$", before)
        ):
            continue
        near = any(0 <= mention.start - at <= 45 for at in verbs)
        opening = mention.start - sentence.start <= 4 and re.match(
            r"\s*,", text[mention.end : mention.end + 2]
        )
        if near or opening:
            resolved = resolve(mention, published)
            if resolved.value:
                return resolved
    return None


def find_period(
    text: str,
    sentence: Sentence,
    lead_in: Sentence | None,
    published: PartialDate | None,
    operation_start: tuple[PartialDate, str] | None,
    stated: PartialDate | None,
    metric: MetricSpec | None,
) -> Period:
    """The period of a figure from its sentence (and a list's lead-in line)."""
    period_start, period_end, review = None, None, False
    evidence: list[str] = []
    period_start, period_end = None, None
    scope = Span(sentence.start, sentence.end)
    since = _SINCE.search(text, scope.start, scope.end)
    if since and operation_start:
        period_start = operation_start[0]
        evidence.append(f'period: "{since.group()}"; the text dates the start {operation_start[1]}')
    elif since:
        review = True
        evidence.append(f'period: "{since.group()}" but the text gives no start date')
    for area in [scope] + ([lead_in] if lead_in else []):
        for mention in find_dates(text, area.start, area.end):
            before = text[max(area.start, mention.start - 12) : mention.start]
            resolved = resolve(mention, published)
            if _SINCE_DATE.search(before) and resolved.value and period_start is None:
                period_start = resolved.value
                evidence.append(f"period: since {resolved.how}")
            elif _AS_OF.search(before) and resolved.value and period_end is None:
                period_end = resolved.value
                evidence.append(f"period: as of {resolved.how}")
    if period_start and period_end is None and stated:
        period_end = stated
    if metric is not None and metric.kind == MetricKind.stock and period_end is None:
        period_end = stated or published
        review = True
        evidence.append(
            "period: a stock needs an as-of date; the stated or publication date stands in"
        )
    return Period(period_start, period_end, review, evidence)
