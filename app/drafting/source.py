"""The source block of a draft: its headline and whose voice unattributed figures are in
(a wire agency in the dateline, a credit line "(ABC News)", a publisher heading the text,
or this file's unnamed outlet)."""

import re

from app.drafting.attribution import AliasIndex, NewEntity, ProposedEntity, slugify
from app.drafting.segments import Paragraph, Span, sentences
from app.loader.schema import EntitySpec
from app.models.entity import EntityKind

_CREDIT = re.compile(r"^\((?P<name>[^)\d]{2,40})\)$", re.MULTILINE)


def find_title(
    text: str, paras: list[Paragraph], dateline_at: int
) -> tuple[str, Paragraph | None, bool]:
    body = next((p.index for p in paras if len(p.text(text).split()) >= 25), len(paras))
    for para in paras[: min(8, body)]:
        line = para.text(text).strip()
        if para.start <= dateline_at <= para.end or line.lower().startswith(
            ("date ", "by ", "skip to")
        ):
            continue
        words = line.split()
        if (
            4 <= len(words) <= 30
            and line.count(",") < 4
            and not line.endswith((".", ":", ";"))
            and not _CREDIT.match(line)
        ):
            return line, para, True
    first = paras[0] if paras else None
    if first is None:
        return "Untitled", None, False
    sents = sentences(text, first)
    line = sents[0].text(text).strip() if sents else first.text(text)
    line = re.sub(r"^\s*date\s\S+\s*", "", line)
    return line[:150].rstrip(". ") or "Untitled", None, False


class OutletFinder:
    def __init__(self, entities: list[EntitySpec], aliases: AliasIndex) -> None:
        self.entities = entities
        self.aliases = aliases
        self.entity_ids = {e.id for e in entities}

    def find(
        self, text: str, paras: list[Paragraph], number: int | None, title: str, agency: str | None
    ) -> tuple[str, str | None, ProposedEntity | None, str]:
        """The entity for figures in the outlet's own voice, the publisher's name, and why."""
        if agency:
            at = text.find(f"({agency})")
            for _, _, eid in self.aliases.matches(text, Span(at + 1, at + 1 + len(agency))):
                return (
                    eid,
                    self.aliases.by_id[eid].name,
                    None,
                    f'the dateline names the agency "{agency}"',
                )
            new = NewEntity(
                slugify(agency),
                agency,
                EntityKind.outlet,
                f'the dateline names the agency "{agency}"',
            )
            return (
                new.id,
                agency,
                ProposedEntity(new, role="News agency"),
                f'the dateline names the agency "{agency}"',
            )
        publisher = None
        for para in paras[:3]:
            for start, end, eid in self.aliases.matches(text, para):
                if self.aliases.kind(eid) == EntityKind.outlet and (start, end) == (
                    para.start,
                    para.end,
                ):
                    publisher = self.aliases.by_id[eid].name
        for m in _CREDIT.finditer(text):
            for _, _, eid in self.aliases.matches(text, Span(m.start("name"), m.end("name"))):
                if self.aliases.kind(eid) == EntityKind.outlet:
                    return eid, publisher, None, f'the text credits "{m.group()}"'
        if publisher:
            eid = next(e.id for e in self.entities if e.name == publisher)
            return eid, publisher, None, f'the publisher "{publisher}" heads the text'
        outlet_id = (
            f"outlet-source-{number:03d}" if number is not None else f"outlet-{slugify(title, 40)}"
        )
        if outlet_id in self.entity_ids:
            return (
                outlet_id,
                None,
                None,
                f"the publisher is not named; {outlet_id} is this file's unnamed outlet",
            )
        new = NewEntity(
            outlet_id,
            f'Unnamed outlet of "{title[:70]}"',
            EntityKind.outlet,
            "the publisher is not named in the text",
        )
        return (
            outlet_id,
            None,
            ProposedEntity(new, role="Publisher not named in the text"),
            "the publisher is not named",
        )
