"""Which metric a figure counts: the keywords each metric lists in
seeds/vocabulary/metrics.yaml, matched in the figure's sentence. The noun right after the
figure narrows the unit (troops are persons, km² is area, % is a share); then the closest
keyword wins, one in the figure's own clause over one farther off, a longer keyword over
a shorter one it contains ("killed or wounded" over "killed")."""

import re
from dataclasses import dataclass

from app.drafting.segments import Span
from app.loader.schema import MetricSpec

PERSON_NOUNS = re.compile(
    r"^\W{0,3}(?:[\w’'-]+\s){0,3}?(?:troops|soldiers|servicemen|service members|personnel|"
    r"people|persons|"
    r"fighters|occupiers|invaders|officers|generals|men|militants|mercenaries|conscripts|"
    r"prisoners|POWs|casualties|troop|soldier|serviceman|person|military personnel)\b",
    re.IGNORECASE,
)
AREA_NOUNS = re.compile(
    r"^\s?(?:square\s(?:kilomet|km|mile)|sq\.?\s?(?:km|mi)|km²|km2|hectares)", re.IGNORECASE
)
COUNTED_PHRASE_CHARS = 60


@dataclass(frozen=True)
class MetricGuess:
    metric: MetricSpec | None
    keyword: str | None
    where: str  # "after the figure", "in its clause", "in its sentence", "in the paragraph"
    unit_family: str | None


@dataclass(frozen=True)
class _Hit:
    metric: MetricSpec
    keyword: str
    start: int
    end: int


def unit_family(text: str, figure_end: int, percent: bool) -> str | None:
    """persons, km2 or percent from what follows the figure; None if the noun says nothing."""
    if percent:
        return "percent"
    after = text[figure_end : figure_end + COUNTED_PHRASE_CHARS]
    if AREA_NOUNS.match(after):
        return "km2"
    if PERSON_NOUNS.match(after):
        return "persons"
    return None


class MetricMatcher:
    def __init__(self, metrics: list[MetricSpec]) -> None:
        self.metrics = metrics
        pairs = [(kw, m) for m in metrics for kw in m.keywords]
        self._patterns = [
            (re.compile(rf"(?<![\w-]){re.escape(kw)}(?![\w-])", re.IGNORECASE), kw, m)
            for kw, m in pairs
        ]

    def hits(self, text: str, span: Span) -> list[_Hit]:
        """Keyword occurrences in span; a keyword inside a longer one's match is dropped."""
        found = [
            _Hit(metric, keyword, match.start(), match.end())
            for pattern, keyword, metric in self._patterns
            for match in pattern.finditer(text, span.start, span.end)
        ]
        # Every metric naming the same words stays a candidate; a longer match hides any
        # shorter one it overlaps ("killed or wounded" hides "were killed").
        return [
            h
            for h in found
            if not any(
                o.start < h.end and h.start < o.end and (o.end - o.start) > (h.end - h.start)
                for o in found
            )
        ]

    def guess(
        self,
        text: str,
        figure: Span,
        percent: bool,
        clause: Span,
        sentence: Span,
        context: list[Span],
        other_counted: list[Span],
    ) -> MetricGuess:
        """The best metric for the figure at `figure`; `context` is searched when the
        sentence names none (earlier sentences of the paragraph, a list's lead-in);
        keywords inside `other_counted` name another figure's noun and are skipped."""
        family = unit_family(text, figure.end, percent)
        allowed = [m for m in self.metrics if family is None or m.unit == family]
        if family is None:
            # A bare count (equipment, assaults, brigades) is never a share or an area.
            allowed = [m for m in allowed if m.unit not in ("percent", "km2")]
        counted_end = min(clause.end, figure.end + COUNTED_PHRASE_CHARS)

        def score(hit: _Hit) -> tuple[int, int, int]:
            """The noun right after the figure first, then its clause, then the sentence;
            the nearest within each, the longest at equal distance."""
            distance = hit.start - figure.end if hit.start >= figure.end else figure.start - hit.end
            if figure.end <= hit.start and hit.end <= counted_end:
                tier = 0
            elif clause.contains(hit.start, hit.end):
                tier = 1
            else:
                tier = 2
            return tier, distance, -(hit.end - hit.start)

        for where, span in [("in its sentence", sentence)] + [
            ("in the paragraph", s) for s in context
        ]:
            # Another figure's noun in the same sentence names that figure, not this one;
            # in an earlier sentence it is what "it was about 120" refers back to.
            skip = other_counted if span is sentence else []
            hits = [
                h
                for h in self.hits(text, span)
                if h.metric in allowed
                and not any(o.contains(h.start, h.end) for o in skip)
                and not (figure.start <= h.start < figure.end)
            ]
            if hits:
                best = min(hits, key=score)
                if where == "in its sentence":
                    if figure.end <= best.start and best.end <= counted_end:
                        where = "right after the figure"
                    elif clause.contains(best.start, best.end):
                        where = "in its clause"
                return MetricGuess(best.metric, best.keyword, where, family)
        return MetricGuess(None, None, "no keyword", family)
