"""Who states a figure: attribution in its sentence ("X said", "said X", "according to X",
"X told The Washington Post", "X wrote", "This was reported by X"), a pronoun or a role
("he added", "the general added", "the statement said") resolved to the speaker named
before it, a quotation whose attribution follows it, or a report an organisation made
that the next unattributed paragraphs go on summarising. Names are matched to entity
aliases; a name the vocabulary lacks is proposed as a new entity."""

import re
from dataclasses import dataclass, field

from app.drafting.segments import Span
from app.loader.schema import EntitySpec
from app.models.entity import EntityKind, alias_key

UNATTRIBUTED_ID = "unattributed-reports"

SPEECH_VERBS = (
    r"said|says|say|told|tells|wrote|writes|reported|reports|reporting|stated|states|noted|"
    r"notes|added|adds|announced|announces|claimed|claims|confirmed|confirms|confirm|"
    r"emphasized|emphasised|explained|estimated|estimates|declared|stressed|revealed|"
    r"insisted|warned|posted|cited|issued|published|released|said in a statement|"
    r"according to|put(?=\s[^.]{0,60}?\sat\s)"
)
REPORT_VERBS = frozenset(
    [
        "reported",
        "reports",
        "says",
        "states",
        "noted",
        "notes",
        "added",
        "adds",
        "announced",
        "announces",
        "estimates",
    ]
)
SPEECH_VERB_RE = _VERB = re.compile(rf"(?<![\w-])({SPEECH_VERBS})(?![\w-])", re.IGNORECASE)
_UNATTRIBUTED = re.compile(
    r"\b(?:reportedly|reports (?:said|say|suggest|suggested|indicate|indicated)|"
    r"it (?:was|is|has been) reported|according to (?:media )?reports|media reported)\b",
    re.IGNORECASE,
)
_BACKWARD = re.compile(
    r"^(?:This|That|It|These figures|The figures) (?:was|were|is|are) "
    r"(?:reported|announced|stated|said|published) by\b",
    re.IGNORECASE,
)
PERSON_REFERENCES = re.compile(
    r"(?:^|\s)(he|she|the (?:general|president|minister|commander|commander-in-chief|"
    r"official|spokesman|spokeswoman|spokesperson|head|chief|colonel|analyst|lawmaker|mp))\s*$",
    re.IGNORECASE,
)
ORG_REFERENCES = re.compile(
    r"(?:^|\s)(they|it|the (?:ministry|statement|report|agency|staff|general staff|"
    r"think tank|office|command|military|army|service|department))\s*$",
    re.IGNORECASE,
)
_NAME = re.compile(r"((?:[A-Z][\w’'.-]*\s(?:(?:of|the|for|and)\s)*){0,5}[A-Z][\w’'-]+),?\s*$")
_NAME_AT_START = re.compile(r"\s*(?:the\s)?((?:[A-Z][\w’'.-]*(?:\s(?:of|the|for|and))*\s?)+)")
_SENTENCE_STARTERS = frozenset(
    [
        "The",
        "On",
        "In",
        "At",
        "As",
        "But",
        "And",
        "However",
        "Earlier",
        "Later",
        "Meanwhile",
        "A",
        "An",
        "This",
        "That",
    ]
)
ROLE_WORDS = frozenset(
    [
        "President",
        "Minister",
        "General",
        "Gen.",
        "Colonel",
        "Col.",
        "Commander",
        "Spokesman",
        "Spokeswoman",
        "Head",
        "Chief",
        "Lieutenant",
        "Lt.",
        "Major",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "Deputy",
        "Governor",
        "Senator",
        "MP",
        "Analyst",
        "Prime",
        "Foreign",
        "Defense",
        "Defence",
        "Secretary",
        "Ambassador",
        "Admiral",
        "Sergeant",
    ]
)
PERSON_TITLES = frozenset(
    [
        "President",
        "Minister",
        "General",
        "Colonel",
        "Commander",
        "Spokesman",
        "Spokeswoman",
        "Head",
        "Chief",
        "Lieutenant",
        "Major",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "Deputy",
        "Governor",
        "Senator",
        "MP",
        "Analyst",
        "Secretary",
        "Ambassador",
        "Admiral",
        "Sergeant",
        "Expert",
    ]
)
ORG_WORDS = re.compile(
    r"\b(?:Ministry|Staff|Office|Agency|Service|Command|Institute|Forces|Army|Council|"
    r"Committee|Department|Government|Administration|Guard|Intelligence|Directorate|Center|"
    r"Centre|Group|Parliament|Rada|Duma|Kremlin|Bureau|Headquarters|Brigade|Corps)\b"
)
OUTLET_WORDS = re.compile(
    r"\b(?:News|Times|Post|Reuters|TASS|Press|Journal|Telegraph|Guardian|BBC|CNN|AFP|AP|"
    r"Interfax|RIA|Ukrinform|Pravda|Kommersant|Izvestia|Bloomberg|Radio|TV)\b"
)


@dataclass(frozen=True)
class NewEntity:
    """A speaker the vocabulary lacks, proposed for the draft's `entities:` list."""

    id: str
    name: str
    kind: EntityKind
    evidence: str


@dataclass
class ProposedEntity:
    entity: NewEntity
    role: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Attribution:
    speaker: str  # an entity id (existing or proposed)
    evidence: str
    sure: bool
    verb: str | None = None
    verb_at: int | None = None
    direct_quote: bool = False
    new_entity: NewEntity | None = None


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", alias_key(text).replace("'", "")).strip("-")
    return slug[:limit].rstrip("-") or "x"


@dataclass
class AliasIndex:
    entities: list[EntitySpec]
    by_id: dict[str, EntitySpec] = field(init=False)
    _pattern: re.Pattern[str] | None = field(init=False)
    _owner: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entities}
        self._owner = {}
        for entity in self.entities:
            for alias in (entity.name, *entity.aliases):
                self._owner.setdefault(alias_key(alias), entity.id)
        names = sorted(self._owner, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE
            )
            if names
            else None
        )

    def matches(self, text: str, span: Span) -> list[tuple[int, int, str]]:
        """(start, end, entity id) of every alias in span, longest match first at a place."""
        if self._pattern is None:
            return []
        normal = normalise(text)
        return [
            (m.start(), m.end(), self._owner[alias_key(m.group(1))])
            for m in self._pattern.finditer(normal, span.start, span.end)
        ]

    def kind(self, entity_id: str) -> EntityKind | None:
        entity = self.by_id.get(entity_id)
        return entity.kind if entity else None


def normalise(text: str) -> str:
    """Same length as text: typographic apostrophes become ASCII, so aliases match."""
    return text.replace("’", "'").replace("ʼ", "'").replace("‘", "'")


class Attributor:
    """Walks an article's sentences in order, remembering who spoke last."""

    def __init__(self, text: str, aliases: AliasIndex) -> None:
        self.text = text
        self.aliases = aliases
        self.last_person: str | None = None
        self.last_org: str | None = None
        self.last_statement: str | None = None
        self.new_entities: dict[str, NewEntity] = {}

    def _speaker_in(self, span: Span, toward: int) -> tuple[str, int] | None:
        """The entity named in span closest to `toward`, military forces last."""
        found = [
            (
                abs(toward - (end if end <= toward else start)),
                self.aliases.kind(eid) == EntityKind.military_force,
                eid,
                start,
            )
            for start, end, eid in self.aliases.matches(self.text, span)
        ]
        if not found:
            return None
        found.sort(key=lambda f: (f[1], f[0]))
        return found[0][2], found[0][3]

    def _remember(self, speaker: str, sentence: Span) -> None:
        kind = self.aliases.kind(speaker)
        if speaker in self.new_entities:
            kind = self.new_entities[speaker].kind
        if kind == EntityKind.person:
            self.last_person = speaker
        elif kind in (EntityKind.organization, EntityKind.outlet, EntityKind.group):
            self.last_org = speaker
        if "statement" in self.text[sentence.start : sentence.end].lower():
            self.last_statement = speaker

    def _new_entity(self, window: Span, at_start: bool = False) -> NewEntity | None:
        m = (_NAME_AT_START.match if at_start else _NAME.search)(
            self.text, window.start, window.end
        )
        if not m:
            return None
        words = [w.rstrip(",") for w in m.group(1).split()]
        while words and (words[0] in _SENTENCE_STARTERS or words[0] in ROLE_WORDS):
            words = words[1:]
        # "Ukrainian Defence Minister Denys Shmyhal": the name follows the last title.
        titles = [i for i, w in enumerate(words) if w in PERSON_TITLES]
        if titles and len(words) - titles[-1] - 1 >= 2:
            rest = words[titles[-1] + 1 :]
            if not ORG_WORDS.search(" ".join(rest)):
                words = rest
        # A surname alone names the person proposed earlier ("Shmyhal said").
        if len(words) == 1:
            for known in self.new_entities.values():
                if known.kind == EntityKind.person and known.name.split()[-1] == words[0]:
                    return known
        if not words or (
            len(words) == 1 and not ORG_WORDS.search(words[0]) and not OUTLET_WORDS.search(words[0])
        ):
            return None
        name = " ".join(words).rstrip(",")
        kind = (
            EntityKind.outlet
            if OUTLET_WORDS.search(name)
            else EntityKind.organization
            if ORG_WORDS.search(name)
            else EntityKind.person
        )
        return NewEntity(
            slugify(name),
            name,
            kind,
            f'"{m.group(1).strip()}" is named as the speaker but is not in the vocabulary',
        )

    def in_sentence(self, sentence: Span, figure_at: int) -> Attribution | None:
        """Attribution written in the sentence itself, for a figure at `figure_at`."""
        text = self.text
        said = text[sentence.start : sentence.end]
        if _UNATTRIBUTED.search(said) and UNATTRIBUTED_ID in self.aliases.by_id:
            phrase = _UNATTRIBUTED.search(said).group()  # type: ignore[union-attr]
            return Attribution(UNATTRIBUTED_ID, f'"{phrase}": no source named', True)
        verbs = list(_VERB.finditer(text, sentence.start, sentence.end))
        before = [v for v in verbs if v.start() < figure_at]
        after = [v for v in verbs if v.start() >= figure_at]
        for verb in [*reversed(before), *after]:
            found = self._at_verb(sentence, verb)
            if found:
                self._remember(found.speaker, sentence)
                return found
        return None

    def _at_verb(self, sentence: Span, verb: re.Match[str]) -> Attribution | None:
        text, word = self.text, verb.group(1)
        lowered = word.lower()
        quote_open = text.rfind("”", sentence.start, verb.start())
        window = Span(max(sentence.start, quote_open + 1), verb.start())
        direct = (
            "“" in text[sentence.start : sentence.end] or "”" in text[sentence.start : sentence.end]
        )
        if lowered == "according to" or re.match(r"\s+by\b", text[verb.end() : verb.end() + 4]):
            start = verb.end() + (4 if lowered != "according to" else 0)
            end = min(
                [
                    sentence.end,
                    *[i for i in (text.find(",", start), text.find(".", start)) if i != -1],
                ]
            )
            hit = self._speaker_in(Span(start, end), start)
            if hit:
                return Attribution(
                    hit[0],
                    f'"{text[verb.start() : end].strip()}"',
                    True,
                    lowered,
                    verb.start(),
                    direct,
                )
            new = self._new_entity(Span(start, end), at_start=True)
            if new:
                self.new_entities.setdefault(new.id, new)
                return Attribution(new.id, new.evidence, False, lowered, verb.start(), direct, new)
            return None
        # "..., said Zelenskyy": the name after the verb.
        if re.search(r"[,”]\s*$", text[max(sentence.start, verb.start() - 3) : verb.start()]):
            tail = Span(verb.end(), min(sentence.end, verb.end() + 60))
            hit = self._speaker_in(tail, verb.end())
            if hit and hit[1] <= verb.end() + 2:
                return Attribution(
                    hit[0],
                    f'"{word} {text[hit[1] : tail.end].split(",")[0].split(".")[0]}"',
                    True,
                    lowered,
                    verb.start(),
                    direct,
                )
        head = text[window.start : window.end]
        if (m := PERSON_REFERENCES.search(head)) and self.last_person:
            return Attribution(
                self.last_person,
                f'"{m.group(1)} {word}" refers to the person named before',
                False,
                lowered,
                verb.start(),
                direct,
            )
        if m := ORG_REFERENCES.search(head):
            target = self.last_statement if "statement" in m.group(1).lower() else self.last_org
            if target:
                return Attribution(
                    target,
                    f'"{m.group(1)} {word}" refers to the organisation named before',
                    False,
                    lowered,
                    verb.start(),
                    direct,
                )
        hit = self._speaker_in(window, verb.start())
        if hit and (
            self.aliases.kind(hit[0]) != EntityKind.military_force or verb.start() - hit[1] < 40
        ):
            name = text[hit[1] : verb.start()].strip().rstrip(",")
            return Attribution(hit[0], f'"{name} {word}"', True, lowered, verb.start(), direct)
        new = self._new_entity(window)
        if new:
            self.new_entities.setdefault(new.id, new)
            return Attribution(new.id, new.evidence, False, lowered, verb.start(), direct, new)
        return None

    @staticmethod
    def is_backward(text: str, sentence: Span) -> bool:
        """ "This was reported by X": X is the speaker of the paragraph before."""
        return bool(_BACKWARD.match(text[sentence.start : sentence.end]))

    @staticmethod
    def is_report(attribution: Attribution) -> bool:
        """An organisation's report (not one quoted remark) goes on in the next paragraphs."""
        return (attribution.verb or "") in REPORT_VERBS or attribution.verb == "reported"
