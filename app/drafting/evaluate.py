"""How close a draft comes to a curated annotation: per field agreement over the figures
both name. A drafted claim and an expected one are the same figure when the values agree
and the drafted figure stands inside one of the expected claim's quotes."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.dates import PartialDate
from app.drafting.draft import Draft, Drafter, Vocabulary
from app.loader.schema import SourceFile
from app.loader.yaml_files import read_yaml
from app.models.entity import alias_key

FIELDS = ("value", "qualifier", "speaker", "metric", "stated_on")
FLOORS = {"value": 0.95, "qualifier": 0.90, "speaker": 0.75, "metric": 0.75, "stated_on": 0.80}
UNMATCHED_CEILING = 0.20


@dataclass(frozen=True)
class Expected:
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    speaker: str | None
    metric: str | None
    stated_on: str | None
    spans: tuple[tuple[int, int], ...]
    label: str


@dataclass
class Score:
    name: str
    published_basis: str
    expected: int = 0
    drafted: int = 0
    unmatched: int = 0
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    # Wrong and not listed under the claim's `review:`: what a curator would not be told.
    silent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.agree[name] / self.expected if self.expected else 1.0

    @property
    def unmatched_rate(self) -> float:
        return self.unmatched / self.drafted if self.drafted else 0.0

    def add(self, other: "Score") -> None:
        self.expected += other.expected
        self.drafted += other.drafted
        self.unmatched += other.unmatched
        for key in FIELDS:
            self.agree[key] += other.agree[key]
            self.silent[key] += other.silent[key]
        self.misses += other.misses


def _spans(text: str, quotes: list[str]) -> tuple[tuple[int, int], ...]:
    found = []
    for quote in quotes:
        at = text.find(quote)
        if at != -1:
            found.append((at, at + len(quote)))
    return tuple(found)


def expected_from_curated(text: str, path: Path) -> tuple[list[Expected], PartialDate | None]:
    spec = SourceFile.model_validate(read_yaml(path))
    own = spec.source.id
    items = [
        Expected(
            c.value,
            c.value_low,
            c.value_high,
            c.qualifier.value,
            c.speaker,
            c.metric,
            str(c.stated_on) if c.stated_on else None,
            _spans(text, [q.quote for q in c.citations if (q.source or own) == own]),
            c.id,
        )
        for c in spec.claims
    ]
    return items, spec.source.published_on


def expected_from_fixture(text: str, raw: dict[str, Any]) -> list[Expected]:
    """A fixture lists value, qualifier, speaker, metric, stated_on and a quote locating it."""
    return [
        Expected(
            item.get("value"),
            item.get("value_low"),
            item.get("value_high"),
            item.get("qualifier", "exact"),
            item.get("speaker"),
            item.get("metric"),
            str(item["stated_on"]) if item.get("stated_on") else None,
            _spans(text, [item["quote"]]),
            item["quote"][:40],
        )
        for item in raw["expected"]
    ]


def _same_value(
    draft_value: float | None, low: float | None, high: float | None, e: Expected
) -> bool:
    if e.value is not None and draft_value is not None:
        return abs(draft_value - e.value) < 1e-6 * max(1.0, abs(e.value)) + 0.01
    return low is not None and (low, high) == (e.low, e.high)


def _same_speaker(draft: Draft, drafted: str, expected: str | None) -> bool:
    """ "new:NAME" expects a proposed entity of that name (its id is the curator's choice)."""
    if expected and expected.startswith("new:"):
        proposed = {p.entity.id: p.entity.name for p in draft.entities}
        return alias_key(proposed.get(drafted, "")) == alias_key(expected[4:])
    return drafted == expected


def score(name: str, draft: Draft, expected: list[Expected], basis: str) -> Score:
    result = Score(name, basis, expected=len(expected), drafted=len(draft.claims))
    for e in expected:
        candidates = [
            c
            for c in draft.claims
            if _same_value(c.value, c.figure.low, c.figure.high, e)
            and any(s <= c.figure.start < end for s, end in e.spans)
        ]
        if not candidates:
            result.misses.append(f"{name}: {e.label}: value {e.value} not drafted")
            continue
        first = e.spans[0] if e.spans else (0, 0)
        claim = min(candidates, key=lambda c: not (first[0] <= c.figure.start < first[1]))
        got = {
            "value": True,
            "qualifier": claim.qualifier.value == e.qualifier,
            "speaker": _same_speaker(draft, claim.speaker, e.speaker),
            "metric": (claim.metric.id if claim.metric else None) == e.metric,
            "stated_on": (str(claim.stated_on) if claim.stated_on else None) == e.stated_on,
        }
        for key, ok in got.items():
            result.agree[key] += ok
            if not ok:
                flagged = key in claim.review
                result.silent[key] += not flagged
                drafted = {
                    "qualifier": claim.qualifier.value,
                    "speaker": claim.speaker,
                    "metric": claim.metric.id if claim.metric else None,
                    "stated_on": str(claim.stated_on) if claim.stated_on else None,
                }[key]
                wanted = {
                    "qualifier": e.qualifier,
                    "speaker": e.speaker,
                    "metric": e.metric,
                    "stated_on": e.stated_on,
                }[key]
                result.misses.append(
                    f"{name}: {e.label}: {key} drafted {drafted}, expected {wanted}"
                    + ("" if flagged else " (not marked for review)")
                )
    for claim in draft.claims:
        spans = [(q.start, q.end) for q in claim.quotes]
        if not any(
            _same_value(claim.value, claim.figure.low, claim.figure.high, e)
            and any(qs < ee and ss < qe for qs, qe in spans for ss, ee in e.spans)
            for e in expected
        ):
            result.unmatched += 1
            result.misses.append(
                f"{name}: drafted {claim.id} ({claim.figure.text!r}) has no counterpart"
            )
    return result


def evaluate_seed(drafter: Drafter, text_path: Path) -> Score:
    """Draft a seed article from its text; the curated published date only if the text
    prints none (as a curator would pass --published-on)."""
    text = text_path.read_text(encoding="utf-8")
    expected, curated_date = expected_from_curated(text, text_path.with_suffix(".yaml"))
    number = int(text_path.name[:3])
    draft = drafter.draft(text, number=number)
    basis = "dateline in the text"
    if draft.published_on is None and curated_date is not None:
        draft = drafter.draft(text, number=number, published_on=curated_date)
        basis = f"--published-on {curated_date} (curated)"
    return score(text_path.stem[:3], draft, expected, basis)


def evaluate_fixture(drafter: Drafter, expected_path: Path) -> Score:
    raw = read_yaml(expected_path)
    text = (expected_path.parent / raw["article"]).read_text(encoding="utf-8")
    published = raw.get("published_on")
    from app.dates import parse_partial_date

    draft = drafter.draft(
        text, published_on=parse_partial_date(str(published)) if published else None
    )
    basis = f"--published-on {published}" if published else "dateline in the text"
    name = expected_path.name.removesuffix(".expected.yaml")
    return score(name, draft, expected_from_fixture(text, raw), basis)


def table(scores: list[Score], title: str) -> str:
    header = (
        f"{'article':<22} {'claims':>6} {'drafted':>7} "
        + " ".join(f"{f:>9}" for f in FIELDS)
        + f" {'unmatched':>9}  published date"
    )
    lines = [title, header]
    total = Score("overall", "")
    for s in scores:
        total.add(s)
        lines.append(_row(s))
    lines.append(_row(total))
    return "\n".join(lines)


def _row(s: Score) -> str:
    return (
        f"{s.name:<22} {s.expected:>6} {s.drafted:>7} "
        + " ".join(f"{s.rate(f):>9.0%}" for f in FIELDS)
        + f" {s.unmatched_rate:>9.0%}  {s.published_basis}"
    )


def load_drafter(seeds: Path) -> Drafter:
    return Drafter(Vocabulary.load(seeds))
