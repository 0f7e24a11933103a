"""Assemble an article's draft: the source, one claim per figure with the evidence for
every guess, proposed entities, and not_claims for the numerals that are not figures."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.dates import PartialDate, Precision
from app.drafting.attribution import (
    UNATTRIBUTED_ID,
    AliasIndex,
    Attribution,
    Attributor,
    ProposedEntity,
    slugify,
)
from app.drafting.dates import find_author, find_dateline, find_dates, resolve
from app.drafting.hedges import hedge_before
from app.drafting.metrics import MetricMatcher, unit_family
from app.drafting.notclaims import classify, classify_span
from app.drafting.numbers import Figure, find_figures
from app.drafting.periods import find_period, operation_start, stated_date
from app.drafting.quotes import shortest_quote
from app.drafting.segments import Paragraph, Sentence, Span, clause_bounds, paragraphs, sentences
from app.drafting.source import OutletFinder, find_title
from app.drafting.subjects import SubjectFinder, find_place
from app.loader.numerals import find_numerals
from app.loader.schema import EntitiesFile, EntitySpec, MetricsFile, MetricSpec
from app.loader.yaml_files import read_yaml
from app.models.entity import EntityKind
from app.qualifiers import Qualifier


@dataclass(frozen=True)
class Vocabulary:
    entities: list[EntitySpec]
    metrics: list[MetricSpec]

    @classmethod
    def load(cls, seeds: Path) -> "Vocabulary":
        entities = EntitiesFile.model_validate(read_yaml(seeds / "vocabulary" / "entities.yaml"))
        metrics = MetricsFile.model_validate(read_yaml(seeds / "vocabulary" / "metrics.yaml"))
        return cls(entities.entities, metrics.metrics)


@dataclass
class DraftClaim:
    figure: Figure
    quotes: list[Span]
    value: float | None
    qualifier: Qualifier
    hedge: str | None
    metric: MetricSpec | None
    subject: str | None
    speaker: str
    stated_on: PartialDate | None
    period_start: PartialDate | None
    period_end: PartialDate | None
    place: str | None
    review: list[str]
    evidence: list[str]
    in_quotation: bool
    sentence: Sentence
    headline: bool = False
    id: str = ""


@dataclass
class Draft:
    text: str
    source_id: str
    title: str
    publisher: str | None
    author: str | None
    published_on: PartialDate | None
    published_on_basis: str | None
    language: str
    source_review: list[str]
    source_evidence: list[str]
    claims: list[DraftClaim] = field(default_factory=list)
    entities: list[ProposedEntity] = field(default_factory=list)
    not_claims: list[tuple[str, str, bool]] = field(default_factory=list)  # quote, reason, sure
    figures_found: int = 0

    @property
    def review_count(self) -> int:
        return (
            sum(len(c.review) for c in self.claims)
            + len(self.source_review)
            + len(self.entities)
            + sum(1 for *_, sure in self.not_claims if not sure)
        )


_QUESTION = re.compile(r"^(?:Q|Question)\s?[:.)]\s")
_LIST_ITEM = re.compile(r"^(?:[-•*–·]\s*)?[\d\w].{0,80}[;.]?$")
_CONVERSION = re.compile(
    r"[^()\n,;]{0,30}?\((?:around |about |approximately |some |over )?[\d.,  ]+\s"
    r"(?:square\s)?(?:miles|mi|sq mi|km|kilometers|kilometres)[^)]*\)"
)


def _paragraph_of(paras: list[Paragraph], at: int) -> Paragraph:
    return next(p for p in paras if p.start <= at <= p.end)


class Drafter:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.aliases = AliasIndex(vocabulary.entities)
        self.matcher = MetricMatcher(vocabulary.metrics)
        self.subjects = SubjectFinder(vocabulary.entities, self.aliases)
        self.entity_ids = {e.id for e in vocabulary.entities}
        self.outlets = OutletFinder(vocabulary.entities, self.aliases)

    # -- the source ---------------------------------------------------------------------
    # -- the article ----------------------------------------------------------------------
    def draft(
        self,
        text: str,
        *,
        number: int | None = None,
        published_on: PartialDate | None = None,
        taken_ids: frozenset[str] = frozenset(),
    ) -> Draft:
        """Draft an article; `taken_ids` are claim ids other files already use."""
        paras = paragraphs(text)
        dateline = find_dateline(text, published_on.first_day.year if published_on else None)
        source_review: list[str] = []
        source_evidence: list[str] = []
        if dateline:
            published, basis = dateline.published, dateline.basis
            source_evidence.append(f"published_on: {basis}")
            if published_on and str(published_on) != str(published)[: len(str(published_on))]:
                source_review.append("published_on")
                source_evidence.append(
                    f"published_on: the text says {published}, --published-on says {published_on}"
                )
        elif published_on:
            published, basis = (
                published_on,
                "Not printed in the text; given to the draft tool (--published-on).",
            )
            source_evidence.append("published_on: from --published-on; the text has no dateline")
        else:
            published, basis = None, None
            source_review.append("published_on")
            source_evidence.append(
                "published_on: no dateline or byline date found; relative dates stay null"
            )
        dateline_span = (dateline.start, dateline.end) if dateline else None
        title, title_para, found_title = find_title(text, paras, dateline.start if dateline else -1)
        if not found_title:
            source_review.append("title")
            source_evidence.append("title: no headline line; the first sentence stands in")
        outlet, publisher, outlet_entity, outlet_why = self.outlets.find(
            text, paras, number, title, dateline.agency if dateline else None
        )
        source_evidence.append(f"outlet voice: {outlet} ({outlet_why})")
        draft = Draft(
            text,
            slugify(" ".join(re.findall(r"[\w’'-]+", title)[:9]), 80)
            + (f"-{published}" if published else ""),
            title,
            publisher,
            find_author(text),
            published,
            basis,
            "en",
            source_review,
            source_evidence,
        )
        figures = find_figures(text)
        draft.figures_found = len(figures)
        attributor = Attributor(text, self.aliases)
        started = operation_start(text, published)
        all_sentences = [s for p in paras for s in sentences(text, p)]
        figures = [f for f in figures if not self._not_a_figure(text, f, dateline_span)]
        # "90 square kilometers (around 35 square miles)": the bracket restates the figure.
        conversions = [(f.end, m.end()) for f in figures if (m := _CONVERSION.match(text, f.end))]
        figures = [f for f in figures if not any(s <= f.start < e for s, e in conversions)]
        figure_spans = [Span(f.start, f.end) for f in figures]
        counted = []
        for index, f in enumerate(figures):
            limit = figures[index + 1].start if index + 1 < len(figures) else len(text)
            phrase = re.match(r"[^,;:()“”\n]{0,25}", text[f.end : limit])
            counted.append(Span(f.end, f.end + len(phrase.group()) if phrase else f.end))

        interview = self._interview(text, paras, published)
        report_speaker: str | None = None
        report_date: PartialDate | None = None
        speaker_dates: dict[str, PartialDate | None] = {}
        lead_in: tuple[Sentence, Attribution | None, list[Span]] | None = None
        previous_para_claims: list[DraftClaim] = []
        current_para_claims: list[DraftClaim] = []
        last_para = -1
        for sentence in all_sentences:
            para = paras[sentence.paragraph]
            if sentence.paragraph != last_para:
                if current_para_claims or last_para >= 0:
                    previous_para_claims = current_para_claims
                current_para_claims = []
                last_para = sentence.paragraph
                if para.is_heading(text):
                    report_speaker, report_date = None, None
                if lead_in and not self._is_list_item(text, para):
                    lead_in = None
            in_sentence = [f for f in figures if sentence.contains(f.start, f.end)]
            first_at = in_sentence[0].start if in_sentence else sentence.end
            attribution = attributor.in_sentence(sentence, first_at)
            if (
                attribution is None
                and interview
                and sentence.paragraph > interview[2]
                and not _QUESTION.match(para.text(text))
            ):
                who, when, _ = interview
                attribution = Attribution(who, f"an answer in the interview with {who}", True)
                speaker_dates[who] = when
            stated = stated_date(text, sentence, attribution, published)
            if attribution:
                speaker_dates.setdefault(attribution.speaker, stated.value if stated else None)
                if stated and stated.value:
                    speaker_dates[attribution.speaker] = stated.value
                if Attributor.is_backward(text, sentence):
                    for claim in previous_para_claims:
                        if "speaker" in claim.review:
                            claim.speaker = attribution.speaker
                            claim.evidence.append(
                                f'speaker: "{sentence.text(text)[:70]}" names the source '
                                "of the paragraph before"
                            )
                            claim.review.remove("speaker")
                            if (
                                "stated_on" in claim.review
                                and claim.stated_on is None
                                and published
                                and published.precision == Precision.day
                            ):
                                claim.stated_on = published
                if (
                    self.aliases.kind(attribution.speaker)
                    in (EntityKind.organization, EntityKind.group)
                    and Attributor.is_report(attribution)
                    and not attribution.direct_quote
                ):
                    report_speaker, report_date = (
                        attribution.speaker,
                        stated.value if stated else None,
                    )
                elif attribution.direct_quote and attribution.speaker != report_speaker:
                    report_speaker, report_date = None, None
            if text[sentence.start : sentence.end].rstrip().endswith(":"):
                lead_in = (sentence, attribution, [])
            in_list = (
                lead_in is not None
                and lead_in[0] is not sentence
                and self._is_list_item(text, para)
            )
            for figure in in_sentence:
                reason = self._not_a_figure(text, figure, dateline_span)
                if reason:
                    continue
                if title_para and title_para.contains(figure.start, figure.end):
                    claim = self._claim(
                        text,
                        figure,
                        sentence,
                        para,
                        paras,
                        all_sentences,
                        figure_spans,
                        counted,
                        attributor,
                        attribution,
                        None,
                        None,
                        outlet,
                        published,
                        speaker_dates,
                        started,
                        None,
                    )
                    claim.headline = True
                    draft.claims.append(claim)
                    continue
                context_lead = lead_in if in_list else None
                claim = self._claim(
                    text,
                    figure,
                    sentence,
                    para,
                    paras,
                    all_sentences,
                    figure_spans,
                    counted,
                    attributor,
                    attribution,
                    report_speaker,
                    report_date,
                    outlet,
                    published,
                    speaker_dates,
                    started,
                    context_lead,
                )
                draft.claims.append(claim)
                current_para_claims.append(claim)
        self._merge(draft)
        # Only speakers a claim names are proposed ("Reporting by X" names no speaker).
        speakers = {c.speaker for c in draft.claims}
        if outlet_entity and outlet in speakers:
            draft.entities.append(outlet_entity)
        draft.entities += [
            ProposedEntity(e) for e in attributor.new_entities.values() if e.id in speakers
        ]
        self._ids(draft, taken_ids)
        self._not_claims(draft, dateline_span)
        return draft

    def _interview(
        self, text: str, paras: list[Paragraph], published: PartialDate | None
    ) -> tuple[str, PartialDate | None, int] | None:
        """A Q&A interview: (the interviewee, the interview date, the first question's
        paragraph); the answers are the interviewee's."""
        questions = [p for p in paras if _QUESTION.match(p.text(text))]
        if len(questions) < 2:
            return None
        intro = Span(0, questions[0].start)
        people = [
            (s, eid)
            for s, _, eid in self.aliases.matches(text, intro)
            if self.aliases.kind(eid) == EntityKind.person
        ]
        if not people:
            return None
        when = None
        for mention in find_dates(text, intro.start, intro.end):
            resolved = resolve(mention, published)
            if resolved.value and resolved.value.precision == Precision.day:
                when = resolved.value
                break
        return people[0][1], when, questions[0].index

    @staticmethod
    def _is_list_item(text: str, para: Paragraph) -> bool:
        line = para.text(text).strip()
        return (
            len(line.split()) <= 12 and bool(_LIST_ITEM.match(line)) and not para.is_heading(text)
        ) or line[:1] in "-•*–·"

    def _not_a_figure(
        self, text: str, figure: Figure, dateline: tuple[int, int] | None
    ) -> str | None:
        reason = classify(text, figure.start, figure.end, dateline)
        if reason == "A date, not a figure." and unit_family(text, figure.end, figure.percent) in (
            "persons",
            "km2",
        ):
            return None  # "2000 soldiers" is a count, not the year 2000
        if reason is None and re.match(r"\s?(?:st|nd|rd|th)\b", text[figure.end : figure.end + 3]):
            return "An ordinal, not a figure."
        return reason

    def _claim(
        self,
        text: str,
        figure: Figure,
        sentence: Sentence,
        para: Paragraph,
        paras: list[Paragraph],
        all_sentences: list[Sentence],
        figure_spans: list[Span],
        counted: list[Span],
        attributor: Attributor,
        attribution: Attribution | None,
        report_speaker: str | None,
        report_date: PartialDate | None,
        outlet: str,
        published: PartialDate | None,
        speaker_dates: dict[str, PartialDate | None],
        started: tuple[PartialDate, str] | None,
        lead_in: tuple[Sentence, Attribution | None, list[Span]] | None,
    ) -> DraftClaim:
        review: list[str] = []
        evidence: list[str] = []
        hedge = hedge_before(text, figure.start)
        # value and qualifier
        hedge_word = hedge.word if hedge else None
        if figure.low is not None:
            qualifier, value = Qualifier.range, None
            # The loader wants a range's words as written: "between", "from", or the dash.
            joined = re.search(
                r"\b(between|from)\s+$", text[max(0, figure.start - 9) : figure.start]
            )
            hedge_word = joined.group(1).lower() if joined else "–"
            evidence.append(f'value: "{figure.text}" -> range {figure.low:g}..{figure.high:g}')
        else:
            qualifier = hedge.qualifier if hedge else Qualifier.exact
            value = figure.value
            evidence.append(
                f'value: "{text[hedge.start if hedge else figure.start : figure.end]}" '
                f"-> {value:g} ({qualifier.value})"
            )
        if figure.ambiguous:
            review.append("value")
            evidence.append(f"value: {figure.ambiguous}")
        if not hedge:
            previous = [
                f
                for f in figure_spans
                if f.end <= figure.start and sentence.contains(f.start, f.end)
            ]
            if (
                previous
                and re.fullmatch(r"[^,;.]{0,30}\band\s", text[previous[-1].end : figure.start])
                and hedge_before(text, previous[-1].start)
            ):
                review.append("qualifier")
                evidence.append(
                    "qualifier: the figure before it in the same phrase is hedged; "
                    "does the hedge cover this one too?"
                )
        # clause and metric
        cuts = clause_bounds(text, sentence)
        clause = Span(
            max(c for c in cuts if c <= figure.start), min(c for c in cuts if c >= figure.end)
        )
        context: list[Span] = []
        context += [
            s for s in all_sentences if s.paragraph == para.index and s.end <= sentence.start
        ][::-1]
        if lead_in:
            context.insert(0, lead_in[0])
        others = [c for c in counted if c.start != figure.end]
        guess = self.matcher.guess(
            text, Span(figure.start, figure.end), figure.percent, clause, sentence, context, others
        )
        metric = guess.metric
        if metric is None:
            review += ["metric", "unit"]
            evidence.append(
                "metric: no keyword of any metric near the figure "
                f"(unit family {guess.unit_family or 'unknown'})"
            )
        else:
            evidence.append(f'metric: keyword "{guess.keyword}" {guess.where} -> {metric.id}')
            if guess.where not in ("right after the figure", "in its clause"):
                review.append("metric")
        # speaker
        in_quotation = self._in_quotation(text, para, figure.start)
        speaker, speaker_span, stated, stated_how, speaker_sure = None, None, None, "", False
        if attribution is None and in_quotation:
            attribution = self._quotation_attribution(
                text, para, figure.start, attributor, all_sentences
            )
            if attribution:
                evidence.append("speaker: the figure is inside a quotation attributed after it")
        if attribution is None and lead_in and lead_in[1]:
            attribution = lead_in[1]
            evidence.append("speaker: from the list's lead-in")
        if attribution:
            speaker, speaker_sure = attribution.speaker, attribution.sure
            evidence.append(f"speaker: {attribution.evidence} -> {speaker}")
            if attribution.verb_at is not None:
                speaker_span = Span(
                    max(sentence.start, attribution.verb_at - 60), attribution.verb_at
                )
            resolved = stated_date(text, sentence, attribution, published)
            if resolved and resolved.value:
                stated, stated_how = resolved.value, resolved.how
                if not resolved.sure:
                    review.append("stated_on")
            elif speaker_dates.get(speaker):
                stated, stated_how = (
                    speaker_dates[speaker],
                    f"the date of {speaker}'s statement named before",
                )
                review.append("stated_on")
        elif report_speaker:
            speaker = report_speaker
            evidence.append(
                f"speaker: no attribution in the sentence; the report of {report_speaker} "
                "goes on from an earlier paragraph"
            )
            review.append("speaker")
            if report_date:
                stated, stated_how = report_date, "the date of that report"
                review.append("stated_on")
        else:
            speaker = outlet
            evidence.append(
                "speaker: no attribution in the sentence or paragraph -> "
                f"the outlet's own voice ({outlet})"
            )
            review.append("speaker")
        if not speaker_sure and "speaker" not in review:
            review.append("speaker")
        if stated is None and published is not None:
            own_voice = speaker == outlet
            if own_voice:
                # The outlet-voice rule of the seeds: the outlet states it in its article.
                stated, stated_how = published, "the outlet's own voice: its publication date"
            elif (
                not own_voice
                and speaker != UNATTRIBUTED_ID
                and published.precision == Precision.day
                and not (attribution and attribution.verb == "according to")
            ):
                # A statement reported undated in a dated article is taken as of that day;
                # "according to X" cites a source, not a statement of the day.
                stated, stated_how = (
                    published,
                    "no date next to the attribution: the publication day",
                )
                review.append("stated_on")
        if (
            stated is None
            and speaker not in (outlet, UNATTRIBUTED_ID)
            and published is not None
            and published.precision != Precision.day
        ):
            # Undated, in an article dated only to the month or year: the curator may know
            # the statement's date from elsewhere in the text ("on Sunday" a paragraph on).
            review.append("stated_on")
        evidence.append(
            f"stated_on: {stated_how or 'none stated'}" + (f" -> {stated}" if stated else "")
        )
        period = find_period(
            text,
            sentence,
            lead_in[0] if lead_in else None,
            published,
            started,
            stated,
            metric,
        )
        period_start, period_end = period.start, period.end
        evidence += period.evidence
        if period.review:
            review.append("period")
        # subject and place
        subject = self.subjects.guess(
            text, Span(figure.start, figure.end), clause, sentence, speaker, metric, speaker_span
        )
        if not subject.sure:
            review.append("subject")
        evidence.append(
            f"subject: {subject.evidence}" + (f" -> {subject.entity}" if subject.entity else "")
        )
        place = find_place(text, sentence) or (find_place(text, lead_in[0]) if lead_in else None)
        # quote
        cover = [(hedge.start if hedge else figure.start, figure.end)]
        if conversion := _CONVERSION.match(text, figure.end):
            cover.append((figure.end, conversion.end()))
        after = re.match(r"\s+[\w’'-]+", text[cover[-1][1] : sentence.end])
        if after:
            cover.append((cover[-1][1], cover[-1][1] + after.end()))
        quotes = [shortest_quote(text, sentence, para, cover)]
        if lead_in:
            quotes.append(Span(*_trimmed(text, lead_in[0])))
        return DraftClaim(
            figure,
            quotes,
            value,
            qualifier,
            hedge_word,
            metric,
            subject.entity,
            speaker,
            stated,
            period_start,
            period_end,
            place,
            sorted(set(review), key=review.index),
            evidence,
            in_quotation,
            sentence,
        )

    @staticmethod
    def _in_quotation(text: str, para: Paragraph, at: int) -> bool:
        before = text[para.start : at]
        return before.count("“") > before.count("”") or before.count('"') % 2 == 1

    def _quotation_attribution(
        self,
        text: str,
        para: Paragraph,
        at: int,
        attributor: Attributor,
        all_sentences: list[Sentence],
    ) -> Attribution | None:
        close = min(
            [i for i in (text.find("”", at, para.end), text.find('"', at, para.end)) if i != -1]
            or [-1]
        )
        if close == -1:
            return None
        for sentence in all_sentences:
            if sentence.contains(close, close + 1):
                return attributor.in_sentence(
                    Sentence(close, sentence.end, sentence.paragraph), close
                )
        return None

    # -- merging, ids, not_claims -----------------------------------------------------------
    @staticmethod
    def _merge(draft: Draft) -> None:
        """A figure repeated in the headline, or repeated by the same speaker for the same
        metric, is one claim with two citations; the speaker's own quoted words lead."""
        kept: list[DraftClaim] = []
        for claim in sorted(draft.claims, key=lambda c: c.headline):
            twin = next(
                (
                    k
                    for k in kept
                    if k.value == claim.value
                    and k.value is not None
                    and (k.metric is claim.metric or claim.headline)
                    and (k.speaker == claim.speaker or claim.headline)
                ),
                None,
            )
            if twin is None:
                kept.append(claim)
                continue
            if claim.in_quotation and not twin.in_quotation and not claim.headline:
                claim.quotes += twin.quotes
                claim.evidence.append(
                    "merged: the same figure, metric and speaker stated twice; "
                    "the quoted words lead"
                )
                kept[kept.index(twin)] = claim
            else:
                twin.quotes += claim.quotes
                twin.evidence.append(
                    "merged: "
                    + (
                        "the headline repeats this figure"
                        if claim.headline
                        else "the same figure, metric and speaker stated again"
                    )
                )
        draft.claims = sorted(kept, key=lambda c: c.figure.start)

    @staticmethod
    def _ids(draft: Draft, taken_ids: frozenset[str]) -> None:
        """speaker-metric-date, unique across the dataset (ids are global): an undated
        claim takes the publication date, a clash a numeric suffix."""
        taken = set(taken_ids)
        for claim in draft.claims:
            parts = [
                claim.speaker,
                claim.metric.id if claim.metric else "figure",
                str(claim.stated_on or claim.period_end or draft.published_on or ""),
            ]
            base = slugify("-".join(p for p in parts if p), 110)
            claim.id, suffix = base, 1
            while claim.id in taken:
                suffix += 1
                claim.id = f"{base}-{suffix}"
            taken.add(claim.id)

    def _not_claims(self, draft: Draft, dateline: tuple[int, int] | None) -> None:
        text = draft.text
        covered = [(q.start, q.end) for c in draft.claims for q in c.quotes]
        paras = paragraphs(text)
        for numeral in find_numerals(text):
            if any(s <= numeral.start and numeral.end <= e for s, e in covered):
                continue
            found = classify_span(text, numeral.start, numeral.end, dateline)
            sure = found is not None
            reason, cover = found or (
                "Not read as a figure by the draft tool; check it.",
                (numeral.start, numeral.end),
            )
            para = _paragraph_of(paras, numeral.start)
            sentence = next(s for s in sentences(text, para) if s.start <= numeral.start <= s.end)
            dateline_text = text[dateline[0] : dateline[1]].strip() if dateline else ""
            if dateline and cover == dateline and text.count(dateline_text) == 1:
                span: Span = Span(*_trimmed(text, Span(*dateline)))
            elif len(para.text(text).split()) <= 15 and text.count(para.text(text)) == 1:
                span = para  # a byline or a caption line: quote it whole
            else:
                span = shortest_quote(
                    text,
                    sentence,
                    para,
                    [(min(cover[0], numeral.start), max(cover[1], numeral.end))],
                )
            covered.append((span.start, span.end))
            draft.not_claims.append((span.text(text), reason, sure))
            if not sure and "not_claims" not in draft.source_review:
                draft.source_review.append("not_claims")


def _trimmed(text: str, span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
