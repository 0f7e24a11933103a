"""Cross-check the parsed seeds and turn them into table rows, deriving what is derived.

Nothing here guesses: a date or a speaker the annotations leave out stays null.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.dates import PartialDate
from app.loader.errors import SeedError, SeedValidationError, SeedWarning, printable_path
from app.loader.numerals import figures_in, uncovered_numerals, writes_figure
from app.loader.parse import ParsedFile, ParsedSeeds, SourceDocument
from app.loader.schema import CitationSpec, ClaimSpec, EntitySpec, EventSpec, SourceFile
from app.loader.search_text import claim_search_body, event_search_body
from app.loader.synonyms import synonym_rows
from app.loader.units import UNIT_RULES, unknown_unit
from app.models.entity import alias_key
from app.models.metric import MetricKind
from app.qualifiers import HEDGE_QUALIFIERS, RANGE_HEDGES, Qualifier, derive_band

UNKNOWN_DATE_SORT_KEY = date(9999, 12, 31)
# Uncovered numerals reported per text before a one-line summary of the rest: a text full of
# digits must not print a line for each.
MAX_NUMERAL_ERRORS_PER_FILE = 50

Row = dict[str, Any]


@dataclass
class Dataset:
    """Rows per table name, in insertion order (parents before children)."""

    version: str
    tables: dict[str, list[Row]] = field(default_factory=dict)
    # Findings that do not stop the load (a curator should look), as `file:line: field: why`.
    warnings: list[SeedWarning] = field(default_factory=list)

    def rows(self, table: str) -> list[Row]:
        return self.tables.setdefault(table, [])


def _first(d: PartialDate | None) -> date | None:
    return d.first_day if d else None


def _precision(d: PartialDate | None) -> str | None:
    return d.precision.value if d else None


def _last(d: PartialDate | None) -> date | None:
    return d.last_day if d else None


class _Builder:
    def __init__(self, seeds: ParsedSeeds) -> None:
        self.seeds = seeds
        self.errors: list[SeedError] = []
        self.dataset = Dataset(seeds.version)
        self.texts = {doc.annotations.spec.source.id: doc for doc in seeds.sources}
        # The vocabulary's entities, then those articles introduce (top-level `entities:`).
        self.entities: list[tuple[ParsedFile[Any], int, EntitySpec]] = [
            (seeds.entities, index, entity)
            for index, entity in enumerate(seeds.entities.spec.entities)
        ] + [
            (doc.annotations, index, entity)
            for doc in seeds.sources
            for index, entity in enumerate(doc.annotations.spec.entities)
        ]
        self.entity_ids = {entity.id for _, _, entity in self.entities}
        self.entity_names = {entity.id: entity.name for _, _, entity in self.entities}
        self.metrics = {m.id: m for m in seeds.metrics.spec.metrics}
        self.event_ids = {e.id for doc in seeds.sources for e in doc.annotations.spec.events}
        # Spans quoted per source, for the number-coverage audit.
        self.spans: dict[str, list[tuple[int, int]]] = {sid: [] for sid in self.texts}
        # Event citation spans per source (start, end, event id), to spot unlinked claims.
        self.event_spans: dict[str, list[tuple[int, int, str]]] = {sid: [] for sid in self.texts}

    def build(self) -> Dataset:
        self._duplicates()
        self._entities()
        self._metrics()
        self._synonyms()
        for doc in self.seeds.sources:
            self._source(doc)
        for doc in self.seeds.sources:
            for index, event in enumerate(doc.annotations.spec.events):
                self._event(doc.annotations, index, event)
        for doc in self.seeds.sources:
            for index, claim in enumerate(doc.annotations.spec.claims):
                self._claim(doc.annotations, index, claim)
        for doc in self.seeds.sources:
            self._not_claims_and_audit(doc)
        if self.errors:
            raise SeedValidationError(self.errors, self.dataset.warnings)
        self.dataset.rows("dataset_info").append({"key": "version", "value": self.dataset.version})
        for table, key in (("claim", "id"), ("event", "id"), ("source", "id")):
            self.dataset.tables[table].sort(key=lambda r, k=key: r[k])  # type: ignore[misc]
        return self.dataset

    # -- identity -------------------------------------------------------------------------
    def _duplicates(self) -> None:
        def check(items: list[tuple[ParsedFile[Any], tuple[int | str, ...], str]], what: str):
            seen: dict[str, SeedError] = {}
            for parsed, loc, ident in items:
                if ident in seen:
                    first = seen[ident]
                    self.errors.append(
                        parsed.error(
                            loc,
                            f"duplicate {what} id {ident!r} (first at {first.file}:{first.line})",
                        )
                    )
                else:
                    seen[ident] = parsed.error(loc, "")

        mets = self.seeds.metrics
        check([(parsed, ("entities", i, "id"), e.id) for parsed, i, e in self.entities], "entity")
        check(
            [(mets, ("metrics", i, "id"), m.id) for i, m in enumerate(mets.spec.metrics)], "metric"
        )
        docs = [d.annotations for d in self.seeds.sources]
        check([(a, ("source", "id"), a.spec.source.id) for a in docs], "source")
        check(
            [(a, ("claims", i, "id"), c.id) for a in docs for i, c in enumerate(a.spec.claims)],
            "claim",
        )
        check(
            [(a, ("events", i, "id"), e.id) for a in docs for i, e in enumerate(a.spec.events)],
            "event",
        )
        self._same_claims(docs)

    def _same_claims(self, docs: list[ParsedFile[SourceFile]]) -> None:
        """A claim that repeats another in all but its id (and note), or cites one quote
        twice: the same statement is one claim, and one citation."""
        seen: dict[str, SeedError] = {}
        for parsed in docs:
            own = parsed.spec.source.id
            for i, claim in enumerate(parsed.spec.claims):
                cited = [
                    (cite.source or own, " ".join(cite.quote.split())) for cite in claim.citations
                ]
                if len(set(cited)) < len(cited):
                    self.errors.append(
                        parsed.error(("claims", i, "citations"), "cites the same quote twice")
                    )
                said: list[Any] = [claim.metric, claim.subject, claim.speaker, claim.qualifier]
                said += [claim.hedge]
                said += [claim.value, claim.value_low, claim.value_high, claim.unit, claim.place]
                said += [claim.event, claim.stated_on, claim.period.start, claim.period.end]
                key = repr([*map(str, said), sorted(set(cited))])
                if key in seen:
                    first = seen[key]
                    self.errors.append(
                        parsed.error(
                            ("claims", i),
                            f"the same claim as the one at {first.file}:{first.line} (only the "
                            "id differs): the same statement is one claim",
                        )
                    )
                else:
                    seen[key] = parsed.error(("claims", i), "")

    def _entities(self) -> None:
        owner: dict[str, tuple[str, SeedError]] = {}
        emitted: set[str] = set()
        for parsed, index, entity in self.entities:
            loc: tuple[int | str, ...] = ("entities", index)
            self._review(parsed, loc, entity)
            if entity.id not in emitted:  # a duplicate id is an error already
                emitted.add(entity.id)
                self.dataset.rows("entity").append(
                    entity.model_dump(include={"id", "name", "role", "description"})
                    | {"kind": entity.kind.value, "side": entity.side.value}
                )
            for alias in dict.fromkeys([entity.id, entity.name, *entity.aliases]):
                key = alias_key(alias)
                if key in owner and owner[key][0] != entity.id:
                    first_id, first = owner[key]
                    self.errors.append(
                        parsed.error(
                            (*loc, "aliases"),
                            f"alias {alias!r} already names entity {first_id!r} "
                            f"(at {printable_path(first.file)}:{first.line})",
                        )
                    )
                    continue
                if key not in owner:
                    owner[key] = (entity.id, parsed.error((*loc, "id"), ""))
                    self.dataset.rows("entity_alias").append(
                        {"alias_key": key, "alias": alias, "entity_id": entity.id}
                    )

    def _review(self, parsed: ParsedFile[Any], loc: tuple[int | str, ...], spec: Any) -> None:
        """A drafted item still listing fields to check is refused, one error per item; so is
        one whose `review:` key is left with nothing after it."""
        if "review" in spec.model_fields_set:
            listed = ", ".join(spec.review or []) or "nothing listed, but the key is"
            self.errors.append(
                parsed.error(
                    (*loc, "review"),
                    f"{listed} still marked for review; check them and delete the review key",
                )
            )

    def _metrics(self) -> None:
        parsed = self.seeds.metrics
        for index, metric in enumerate(parsed.spec.metrics):
            if metric.unit not in UNIT_RULES:
                self.errors.append(
                    parsed.error(("metrics", index, "unit"), unknown_unit(metric.unit))
                )
            if metric.broader is not None and metric.broader not in self.metrics:
                self.errors.append(
                    parsed.error(
                        ("metrics", index, "broader"), f"unknown metric {metric.broader!r}"
                    )
                )
            seen, cursor = {metric.id}, metric.broader
            while cursor in self.metrics:
                if cursor in seen:
                    self.errors.append(
                        parsed.error(("metrics", index, "broader"), "broader links form a cycle")
                    )
                    break
                seen.add(cursor)
                cursor = self.metrics[cursor].broader
        # Parents first, so foreign keys hold while inserting in order.
        depth = {m: self._depth(m) for m in self.metrics}
        for metric in sorted(parsed.spec.metrics, key=lambda m: (depth[m.id], m.id)):
            self.dataset.rows("metric").append(
                metric.model_dump(include={"id", "name", "unit", "description"})
                | {"kind": metric.kind.value, "broader_id": metric.broader}
            )

    def _depth(self, metric_id: str) -> int:
        depth, cursor, seen = 0, self.metrics[metric_id].broader, {metric_id}
        while cursor in self.metrics and cursor not in seen:
            seen.add(cursor)
            depth, cursor = depth + 1, self.metrics[cursor].broader
        return depth

    def _synonyms(self) -> None:
        parsed = self.seeds.synonyms
        if parsed is not None:
            rows, errors = synonym_rows(parsed.spec.synonyms, parsed.error)
            self.dataset.rows("search_synonym").extend(rows)
            self.errors.extend(errors)

    # -- sources --------------------------------------------------------------------------
    def _source(self, doc: SourceDocument) -> None:
        spec = doc.annotations.spec.source
        self._review(doc.annotations, ("source",), spec)
        if not doc.text.strip():
            self.errors.append(
                SeedError(doc.text_path, None, "(file)", "the article text is empty")
            )
        self.dataset.rows("source").append(
            spec.model_dump(
                include={
                    "id",
                    "title",
                    "publisher",
                    "author",
                    "url",
                    "language",
                    "note",
                    "published_on_basis",
                }
            )
            | {
                "published_on": _first(spec.published_on),
                "published_on_precision": _precision(spec.published_on),
                "file_name": doc.text_path.name,
                "sha256": doc.sha256,
                "char_count": len(doc.text),
                "text": doc.text,
            }
        )
        self.dataset.rows("search_document").append(
            {"kind": "source", "ref_id": spec.id, "title": spec.title, "body": doc.text}
        )

    def _quote(
        self, parsed: ParsedFile[SourceFile], loc: tuple[int | str, ...], cite: CitationSpec
    ) -> tuple[str, int, int] | None:
        """Locate a verbatim quote: (source id, start, end), or record why it cannot be."""
        source_id = cite.source or parsed.spec.source.id
        doc = self.texts.get(source_id)
        if doc is None:
            self.errors.append(parsed.error((*loc, "source"), f"unknown source {source_id!r}"))
            return None
        count = _occurrences(doc.text, cite.quote)
        if count != 1:
            hint = ""
            if count == 0 and alias_key(cite.quote) in alias_key(doc.text):
                hint = " (it differs in apostrophes, case or white space, e.g. a no-break space)"
            reason = (
                f"quote is not a verbatim substring of {doc.text_path.name}{hint}"
                if count == 0
                else f"quote occurs {count} times in {doc.text_path.name}; lengthen it to "
                "make it unique"
            )
            self.errors.append(parsed.error((*loc, "quote"), reason))
            return None
        start = doc.text.index(cite.quote)
        self.spans[source_id].append((start, start + len(cite.quote)))
        return source_id, start, start + len(cite.quote)

    # -- events ---------------------------------------------------------------------------
    def _event(self, parsed: ParsedFile[SourceFile], index: int, event: EventSpec) -> None:
        loc: tuple[int | str, ...] = ("events", index)
        self._review(parsed, loc, event)
        if event.start and event.end and event.start.first_day > event.end.last_day:
            self.errors.append(parsed.error((*loc, "end"), "end is before start"))
        self.dataset.rows("event").append(
            event.model_dump(include={"id", "title", "type", "description", "place", "note"})
            | {
                "start_on": _first(event.start),
                "start_on_precision": _precision(event.start),
                "end_on": _first(event.end),
                "end_on_precision": _precision(event.end),
                "span_start": _first(event.start) or _first(event.end),
                "span_end": _last(event.end) or _last(event.start),
            }
        )
        for i, involved in enumerate(event.entities):
            if involved.id not in self.entity_ids:
                self.errors.append(
                    parsed.error((*loc, "entities", i, "id"), f"unknown entity {involved.id!r}")
                )
            self.dataset.rows("event_entity").append(
                {"event_id": event.id, "entity_id": involved.id, "role": involved.role}
            )
        located = self._citations(
            parsed, loc, event.citations, "event_citation", {"event_id": event.id}
        )
        for source_id, start, end in located:
            self.event_spans[source_id].append((start, end, event.id))
        quotes = [cite.quote for cite in event.citations]
        self.dataset.rows("search_document").append(
            {
                "kind": "event",
                "ref_id": event.id,
                "title": event.title,
                "body": event_search_body(event, quotes, self.entity_names),
            }
        )

    def _citations(
        self,
        parsed: ParsedFile[SourceFile],
        loc: tuple[int | str, ...],
        citations: list[CitationSpec],
        table: str,
        owner: Row,
    ) -> list[tuple[str, int, int]]:
        """Store each citation with its offsets; return where the quotes were found."""
        located = []
        for position, cite in enumerate(citations):
            found = self._quote(parsed, (*loc, "citations", position), cite)
            if found:
                located.append(found)
                source_id, start, end = found
                self.dataset.rows(table).append(
                    owner
                    | {
                        "position": position,
                        "source_id": source_id,
                        "quote": cite.quote,
                        "char_start": start,
                        "char_end": end,
                    }
                )
        return located

    # -- claims ---------------------------------------------------------------------------
    def _claim(self, parsed: ParsedFile[SourceFile], index: int, claim: ClaimSpec) -> None:
        loc: tuple[int | str, ...] = ("claims", index)

        def fail(field_name: str, reason: str) -> None:
            self.errors.append(parsed.error((*loc, field_name), reason))

        self._review(parsed, loc, claim)
        metric = self.metrics.get(claim.metric)
        if metric is None:
            fail("metric", f"unknown metric {claim.metric!r}")
        elif claim.unit != metric.unit:
            fail(
                "unit",
                f"unit {claim.unit!r} differs from metric {metric.id!r}'s unit {metric.unit!r}",
            )
        elif (rule := UNIT_RULES.get(claim.unit)) is not None:
            for name in ("value", "value_low", "value_high"):
                written = getattr(claim, name)
                problem = None if written is None else rule.problem(written)
                if problem:
                    fail(name, f"{problem} ({claim.unit})")
        for name in ("subject", "speaker"):
            if getattr(claim, name) not in self.entity_ids:
                fail(name, f"unknown entity {getattr(claim, name)!r}")
        if claim.event is not None and claim.event not in self.event_ids:
            fail("event", f"unknown event {claim.event!r}")
        period = claim.period
        if period.start and period.end and period.start.first_day > period.end.last_day:
            fail("period", "period.start is after period.end")
        published = parsed.spec.source.published_on
        if published and claim.stated_on and claim.stated_on.first_day > published.last_day:
            fail(
                "stated_on",
                f"{claim.stated_on} is after the source's publication ({published}): the "
                "article cannot report what was said later",
            )
        if metric is not None and metric.kind == MetricKind.stock and period.end is None:
            fail("period", "a stock metric needs an as-of date in period.end")
        for field_name, reason in _against_quotes(claim):
            fail(field_name, reason)
        low, high = derive_band(
            claim.qualifier, claim.value, claim.hedge, claim.value_low, claim.value_high
        )
        value = claim.value
        if (
            (low is not None and value is not None and low > value)
            or (high is not None and value is not None and value > high)
            or (low is not None and high is not None and low > high)
        ):
            fail(
                "value", f"value_low <= value <= value_high does not hold ({low}, {value}, {high})"
            )
        sort_value = value if value is not None else (low if low is not None else high)
        self.dataset.rows("claim").append(
            claim.model_dump(include={"id", "value", "hedge", "unit", "place", "note"})
            | {
                "metric_id": claim.metric,
                "subject_id": claim.subject,
                "speaker_id": claim.speaker,
                "event_id": claim.event,
                "qualifier": claim.qualifier.value,
                "value_low": low,
                "value_high": high,
                "period_start": _first(period.start),
                "period_start_precision": _precision(period.start),
                "period_end": _first(period.end),
                "period_end_precision": _precision(period.end),
                "stated_on": _first(claim.stated_on),
                "stated_on_precision": _precision(claim.stated_on),
                "stated_span_start": _first(claim.stated_on),
                "stated_span_end": _last(claim.stated_on),
                "period_span_start": _first(period.start) or _first(period.end),
                "period_span_end": _last(period.end),
                "sort_stated": _first(claim.stated_on) or UNKNOWN_DATE_SORT_KEY,
                "sort_value": sort_value,
                "sort_period_end": _first(period.end) or UNKNOWN_DATE_SORT_KEY,
            }
        )
        located = self._citations(parsed, loc, claim.citations, "citation", {"claim_id": claim.id})
        self._unlinked_event(parsed, loc, claim, located)
        self.dataset.rows("search_document").append(
            {
                "kind": "claim",
                "ref_id": claim.id,
                "title": f"{self.entity_names.get(claim.speaker, claim.speaker)}: "
                f"{metric.name if metric else claim.metric}",
                "body": claim_search_body(
                    claim, [cite.quote for cite in claim.citations], self.entity_names
                ),
            }
        )

    def _unlinked_event(
        self,
        parsed: ParsedFile[SourceFile],
        loc: tuple[int | str, ...],
        claim: ClaimSpec,
        located: list[tuple[str, int, int]],
    ) -> None:
        """Warn when a claim's quote lies inside an event's citation in the same source but the
        claim links no event or another one: the figure was likely said at that event. A note
        naming the event (why it is not linked) silences the warning."""
        containing = dict.fromkeys(
            event_id
            for source_id, start, end in located
            for e_start, e_end, event_id in self.event_spans[source_id]
            if e_start <= start and end <= e_end
        )
        if not containing or claim.event in containing:
            return
        for event_id in containing:
            if event_id not in (claim.note or ""):
                self.dataset.warnings.append(
                    parsed.error(
                        (*loc, "event"),
                        f"quote lies inside event {event_id}'s citation; link it "
                        f"(event: {event_id}) or say why in note",
                    )
                )

    # -- the audit ------------------------------------------------------------------------
    def _not_claims_and_audit(self, doc: SourceDocument) -> None:
        parsed = doc.annotations
        source_id = parsed.spec.source.id
        for index, item in enumerate(parsed.spec.not_claims):
            self._quote(parsed, ("not_claims", index), CitationSpec(quote=item.quote))
        uncovered = uncovered_numerals(doc.text, self.spans[source_id])
        for numeral in uncovered[:MAX_NUMERAL_ERRORS_PER_FILE]:
            self.errors.append(
                SeedError(
                    doc.text_path,
                    numeral.line,
                    "(numeral)",
                    f"{numeral.text!r} is in no claim or event quote and not listed in "
                    f"{parsed.path.name} not_claims",
                )
            )
        if len(uncovered) > MAX_NUMERAL_ERRORS_PER_FILE:
            rest = len(uncovered) - MAX_NUMERAL_ERRORS_PER_FILE
            self.errors.append(
                SeedError(
                    doc.text_path,
                    None,
                    "(numeral)",
                    f"... and {rest:,} more uncovered numerals in {doc.text_path.name}",
                )
            )


def _against_quotes(claim: ClaimSpec) -> list[tuple[str, str]]:
    """What a claim says beyond its quotes, as (field, reason): a qualifier the hedge word
    contradicts, a hedge in no quote, a figure (the value, or a range's bounds) written in
    none. A claim must not say more than its quotes do."""
    problems = []
    quotes = [" ".join(cite.quote.split()) for cite in claim.citations]
    hedge = claim.hedge
    if hedge is not None:
        meaning = HEDGE_QUALIFIERS.get(hedge.casefold())
        if hedge.casefold() in RANGE_HEDGES:
            meaning = Qualifier.range
        if claim.qualifier == Qualifier.exact:
            means = meaning.value if meaning else "approximate, at_least or at_most"
            problems.append(("hedge", f"an exact figure has no hedge; {hedge!r} makes it {means}"))
        elif meaning is not None and meaning != claim.qualifier:
            problems.append(
                (
                    "qualifier",
                    f"qualifier {claim.qualifier.value} contradicts the hedge {hedge!r}, "
                    f"which means {meaning.value}",
                )
            )
        in_quotes = any(hedge.casefold() in quote.casefold() for quote in quotes)
        if not in_quotes and f'"{hedge.casefold()}"' not in (claim.note or "").casefold():
            problems.append(
                (
                    "hedge",
                    f"hedge {hedge!r} is in none of its quotes; if it governs this figure from "
                    f'outside the quote, say why in note, quoting it ("{hedge}")',
                )
            )
    if claim.qualifier == Qualifier.range:
        stated = [("value_low", claim.value_low), ("value_high", claim.value_high)]
    else:
        stated = [("value", claim.value)]
    for field_name, figure in stated:
        if figure is not None and writes_figure(quotes, figure) is False:
            written = [f for quote in quotes if (f := figures_in(quote)) is not None]
            given = ", ".join(f"{n:g}" for n in sorted(set().union(*written)))
            problems.append(
                (field_name, f"{figure:g} is written in none of its quotes (they give {given})")
            )
    return problems


def _occurrences(text: str, quote: str) -> int:
    """How many times `quote` occurs in `text`, overlapping ones included: "ha ha" is twice
    in "ha ha ha" (`str.count` says once, and the offsets would silently take the first)."""
    count, at = 0, text.find(quote)
    while at != -1:
        count, at = count + 1, text.find(quote, at + 1)
    return count


def build_dataset(seeds: ParsedSeeds) -> Dataset:
    """Validate everything across files; raise SeedValidationError listing every problem."""
    return _Builder(seeds).build()
