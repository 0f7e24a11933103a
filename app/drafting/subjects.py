"""What a figure is about: the force named next to it (subject) and the place."""

import re
from dataclasses import dataclass

from app.drafting.attribution import AliasIndex
from app.drafting.segments import Span
from app.loader.schema import EntitySpec, MetricSpec
from app.models.entity import EntityKind

# Words that name a side's forces without an alias ("860 Russian soldiers").
SIDE_WORDS = {
    "russia_dprk": r"Russian and North Korean|North Korean and Russian",
    "dprk": r"North Korean|North Korea(?:’s|'s)?|DPRK|Pyongyang|foreign contingent",
    "russia": r"Russian|Russia(?:’s|'s)?|Moscow|Kremlin",
    "ukraine": r"Ukrainian|Ukraine(?:’s|'s)?|Kyiv",
}
ENEMY_WORDS = r"enemy(?:’s|'s|ʼs)?|occupiers?|invaders?"
OPPOSITE = {"ukraine": "russia", "russia": "ukraine"}
_LOSS = re.compile(r"lost|losses|casualt|killed|wounded|prisoner|repelled|destroyed", re.IGNORECASE)
_PLACE = re.compile(
    r"\b(?:in|of|inside|into|near|from)\s+(?:(?:Russia|Ukraine)(?:’s|'s)\s+)?(?:western\s+|the\s+)?"
    r"((?:[A-Z][\w-]+\s){1,2}(?:Oblast|region|Region|province|Province))"
)


@dataclass(frozen=True)
class SubjectGuess:
    entity: str | None
    evidence: str
    sure: bool


def is_loss_metric(metric: MetricSpec | None) -> bool:
    """Losses, prisoners and repelled assaults are counted against the speaker's enemy."""
    return metric is not None and bool(_LOSS.search(f"{metric.id} {metric.name}"))


class SubjectFinder:
    def __init__(self, entities: list[EntitySpec], aliases: AliasIndex) -> None:
        self.aliases = aliases
        forces = [e for e in entities if e.kind == EntityKind.military_force]
        self.by_side: dict[str, str] = {}
        for force in forces:
            self.by_side.setdefault(force.side.value, force.id)
        self.sides = {e.id: e.side.value for e in entities}
        words = [(side, pattern) for side, pattern in SIDE_WORDS.items() if side in self.by_side]
        self._side_re = re.compile(
            "|".join(f"(?P<{side}>\\b(?:{pattern})\\b)" for side, pattern in words)
            + f"|(?P<enemy>\\b(?:{ENEMY_WORDS}))"
        )

    def _mentions(
        self, text: str, span: Span, speaker: str, exclude: Span | None
    ) -> list[tuple[int, str, str]]:
        found: list[tuple[int, str, str]] = []
        for start, end, eid in self.aliases.matches(text, span):
            if self.aliases.kind(eid) == EntityKind.military_force:
                found.append((start, eid, text[start:end]))
        for m in self._side_re.finditer(text, span.start, span.end):
            if exclude and exclude.contains(m.start(), m.end()):
                continue
            side = m.lastgroup or ""
            if side == "enemy":
                side = OPPOSITE.get(self.sides.get(speaker, ""), "")
            if side in self.by_side and not any(s <= m.start() < s + len(w) for s, _, w in found):
                found.append((m.start(), self.by_side[side], m.group()))
        return found

    def guess(
        self,
        text: str,
        figure: Span,
        clause: Span,
        sentence: Span,
        speaker: str,
        metric: MetricSpec | None,
        speaker_span: Span | None,
    ) -> SubjectGuess:
        counted = Span(figure.end, min(clause.end, figure.end + 40))
        side = self.sides.get(speaker)
        for where, span in (("right after the figure", counted), ("in its clause", clause)):
            mentions = self._mentions(text, span, speaker, speaker_span)
            if is_loss_metric(metric) and side in OPPOSITE:
                # A speaker counts the enemy's losses: prefer a mention of the other side.
                mentions = [m for m in mentions if self.sides.get(m[1]) != side] or mentions
            if mentions:
                _, eid, word = min(mentions, key=lambda m: abs(m[0] - figure.start))
                return SubjectGuess(eid, f'"{word}" {where}', True)
        if is_loss_metric(metric) and side in OPPOSITE and OPPOSITE[side] in self.by_side:
            return SubjectGuess(
                self.by_side[OPPOSITE[side]],
                f"a loss counted by a speaker of side {side}: the other side",
                False,
            )
        mentions = self._mentions(text, sentence, speaker, speaker_span)
        if mentions:
            _start, eid, word = min(mentions, key=lambda m: abs(m[0] - figure.start))
            return SubjectGuess(eid, f'"{word}" in its sentence', False)
        return SubjectGuess(None, "no force named near the figure", False)


def find_place(text: str, sentence: Span) -> str | None:
    m = _PLACE.search(text, sentence.start, sentence.end)
    return m.group(1).strip() if m else None
