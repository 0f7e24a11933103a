"""The draft as seed YAML, in the layout of seeds/sources/*.yaml, with `review:` lists and
the evidence for each guess as comments."""

import json
import re

from app.drafting.draft import Draft, DraftClaim

# Where the tool has no guess it writes this: a valid slug that names no metric, entity or
# unit, so the file parses (and the loader reports every `review:` at once) but cannot load.
PLACEHOLDER = "to-be-reviewed"
_PLAIN = re.compile(r"^[A-Za-z0-9(“‘][^\n#:]*$")
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "~"}


def scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly `value`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (
        _PLAIN.match(text)
        and text.lower() not in _RESERVED
        and text == text.strip()
        and not re.fullmatch(r"[\d.eE+-]+|\d{4}(-\d\d){0,2}", text)
        and "  " not in text
        and "\t" not in text
        and not text.endswith(":")
        and " #" not in text
        and not text.startswith(("“", "‘"))
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _claim(claim: DraftClaim, text: str) -> list[str]:
    lines = [f"  - id: {scalar(claim.id)}"]
    lines += [f"    # {_comment(e)}" for e in claim.evidence]
    if claim.review:
        lines.append(f"    review: [{', '.join(claim.review)}]")
    lines.append(f"    metric: {claim.metric.id if claim.metric else PLACEHOLDER}")
    lines.append(f"    subject: {claim.subject or PLACEHOLDER}")
    lines.append(f"    speaker: {scalar(claim.speaker)}")
    if claim.figure.low is not None:
        lines.append("    qualifier: range")
        lines.append(f"    value_low: {scalar(claim.figure.low)}")
        lines.append(f"    value_high: {scalar(claim.figure.high)}")
    else:
        lines.append(f"    value: {scalar(claim.value)}")
        lines.append(f"    qualifier: {claim.qualifier.value}")
    if claim.hedge:
        lines.append(f"    hedge: {scalar(claim.hedge)}")
    lines.append(f"    unit: {claim.metric.unit if claim.metric else PLACEHOLDER}")
    if claim.place:
        lines.append(f"    place: {scalar(claim.place)}")
    period = {k: v for k, v in (("start", claim.period_start), ("end", claim.period_end)) if v}
    if period:
        lines.append("    period: {" + ", ".join(f"{k}: {v}" for k, v in period.items()) + "}")
    if claim.stated_on:
        lines.append(f"    stated_on: {claim.stated_on}")
    lines.append("    citations:")
    lines += [f"      - quote: {scalar(q.text(text))}" for q in claim.quotes]
    return lines


def render(draft: Draft) -> str:
    out = [
        "# Drafted by scripts/draft.py: check every `review:` field, "
        "then delete the `review:` keys."
    ]
    out.append("source:")
    out += [f"  # {_comment(e)}" for e in draft.source_evidence]
    if draft.source_review:
        out.append(f"  review: [{', '.join(draft.source_review)}]")
    out.append(f"  id: {scalar(draft.source_id)}")
    out.append(f"  title: {scalar(draft.title)}")
    out.append(f"  publisher: {scalar(draft.publisher)}")
    out.append(f"  author: {scalar(draft.author)}")
    out.append("  url: null")
    out.append(f"  published_on: {draft.published_on or 'null'}")
    out.append(f"  published_on_basis: {scalar(draft.published_on_basis)}")
    out.append(f"  language: {draft.language}")
    if draft.entities:
        out += ["", "entities:"]
        for proposed in draft.entities:
            entity = proposed.entity
            out.append(f"  - id: {scalar(entity.id)}")
            out.append(f"    # {_comment(entity.evidence)}")
            out.append("    review: [entity]")
            out.append(f"    name: {scalar(entity.name)}")
            out.append(f"    kind: {entity.kind.value}")
            out.append("    side: unknown")
            if proposed.role:
                out.append(f"    role: {scalar(proposed.role)}")
    out += ["", "claims:" if draft.claims else "claims: []"]
    for claim in draft.claims:
        out += _claim(claim, draft.text)
    out += ["", "not_claims:" if draft.not_claims else "not_claims: []"]
    for quote, reason, sure in draft.not_claims:
        if not sure:
            out.append("  # check: listed under the source's review (not_claims)")
        out.append(f"  - quote: {scalar(quote)}")
        out.append(f"    reason: {scalar(reason)}")
    return "\n".join(out) + "\n"
