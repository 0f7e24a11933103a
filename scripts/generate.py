"""Generate a realistic synthetic dataset of N claims and load it through the real loader.

    python scripts/generate.py --claims 1000000 --seed 1 --database-url sqlite:///data/big.db
    python scripts/generate.py --claims 1000 --check      # generate and validate, write nothing

What it builds (seeded: the same seed and size give the same data and the same dataset
version):
- the real metric vocabulary (`seeds/vocabulary/metrics.yaml`) and the real entities, plus
  generated speakers (people with rank and transliteration aliases, organisations, outlets,
  groups; ~2,000 speakers in all) and generated military formations as subjects;
- ~N/10 source documents whose texts are made of claim sentences, event sentences, filler
  prose, a dateline and sometimes a page counter: every numeral sits inside a claim or event
  quote or a `not_claims` entry, so the loader's numeral audit passes;
- N claims with Zipf-like skew over speakers, metrics and subjects, every qualifier (with
  the hedge word as written), dates of day/month/year precision or none, reference periods,
  places, some linked to events, ~8% cited by a second source that repeats the sentence.

Everything after YAML parsing is the real code: the generator builds the same spec objects
`app.loader.parse.parse_seeds` yields (`ParsedSeeds` of `ParsedFile`/`SourceDocument`, specs
validated with `model_validate`) and calls `build_dataset` and `write_dataset`.
"""

import argparse
import bisect
import hashlib
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqdm import tqdm

from app.loader.build import Dataset, build_dataset
from app.loader.errors import SeedError, SeedValidationError
from app.loader.numerals import NUMERAL_RE
from app.loader.parse import (
    DERIVATION_CODE,
    ENTITIES_FILE,
    METRICS_FILE,
    ParsedFile,
    ParsedSeeds,
    SourceDocument,
    _parse,
)
from app.loader.schema import EntitiesFile, EntitySpec, MetricsFile, SourceFile
from app.loader.write import write_dataset
from app.models.entity import alias_key
from app.settings import PROJECT_ROOT, get_settings

GENERATOR_VERSION = "1"
VOCABULARY = PROJECT_ROOT / "seeds"
GENERATED_ROOT = Path("generated")
CLAIMS_PER_SOURCE = 10
CLAIMS_PER_EVENT = 500
ECHO_SHARE = 0.08
EVENT_LINK_SHARE = 0.03
FIRST_DAY = date(2024, 8, 6)
LAST_DAY = date(2025, 12, 31)


def words(text: str) -> list[str]:
    return text.split()


MONTHS = words(
    "January February March April May June July August September October November December"
)

# --- word lists (no numerals: only quotes may contain them) ------------------------------
FIRST_NAMES = words(
    "Oleksandr Olena Serhiy Iryna Mykola Natalia Andriy Yulia Dmytro Oksana Yuriy Tetiana "
    "Volodymyr Kateryna Oleksiy Halyna Taras Svitlana Bohdan Larysa Vasyl Mariana Petro "
    "Liudmyla Roman Viktoria Ihor Nadia Maksym Alina Artem Daria Yevhen Sofia Vitaliy Hanna "
    "Anton Olha Stepan Zoryana Pavlo Lesia Ivan Marta Fedir Inna Hryhoriy Vira Denys Uliana "
    "James Sarah Michael Emma Thomas Claire Lukas Anna Pierre Camille Minho Jiwoo Kenji Aiko"
)
LAST_NAMES = words(
    "Kovalenko Bondarenko Tkachenko Shevchenko Kravchenko Melnyk Oliynyk Lysenko Moroz "
    "Marchenko Rudenko Savchenko Petrenko Pavlenko Klymenko Ponomarenko Kozak Vovk Hnatiuk "
    "Honchar Karpenko Prykhodko Tymoshenko Yakovenko Zinchenko Fedorenko Sydorenko Hrytsenko "
    "Lytvyn Demchenko Boyko Kuzmenko Levchenko Voloshyn Chornyi Bilyi Kostenko Hordiienko "
    "Ostapenko Vasylenko Romanenko Dovzhenko Nazarenko Yurchenko Zhuk Holub Soroka Horbach "
    "Martyniuk Kushnir Tarasenko Datsenko Shapoval Symonenko Hryshko Slobodian Dziuba Palii "
    "Carter Mitchell Hughes Brennan Walsh Fischer Novak Lambert Moreau Dubois Kim Park Choi "
    "Tanaka Sato Lindqvist Berg Kowalski Nowak Horvat Varga Novotny Rossi Conti Jensen Olsen"
)
TRANSLITERATIONS = {
    "Oleksandr": "Alexander",
    "Serhiy": "Sergei",
    "Mykola": "Nikolai",
    "Andriy": "Andrei",
    "Dmytro": "Dmitry",
    "Yuriy": "Yuri",
    "Volodymyr": "Vladimir",
    "Oleksiy": "Alexei",
    "Olena": "Elena",
    "Tetiana": "Tatiana",
    "Kateryna": "Ekaterina",
    "Halyna": "Galina",
    "Hryhoriy": "Grigory",
    "Olha": "Olga",
}
RANKS = (
    "Colonel",
    "General",
    "Major",
    "Lieutenant Colonel",
    "Captain",
    "Spokesperson",
    "Governor",
    "Minister",
    "Deputy Minister",
    "Analyst",
    "Commander",
)
PERSON_ROLES = (
    "Military spokesperson",
    "Regional governor",
    "Brigade commander",
    "Defence analyst",
    "Member of parliament",
    "War correspondent",
    "Intelligence officer",
    "Government official",
)
ORG_PREFIXES = words(
    "Sumy Chernihiv Kharkiv Poltava Kyiv Dnipro Zaporizhzhia Odesa Lviv Kursk Belgorod Bryansk "
    "Oryol Voronezh Rostov Moscow Northern Southern Eastern Western Central Border Coastal "
    "Khortytsia Tavria Siversk Slobozhanshchyna Polissia Donetsk Luhansk"
)
ORG_KINDS = (
    "Regional Military Administration",
    "Operational Command",
    "Press Service",
    "Border Guard Detachment",
    "Territorial Defence Staff",
    "Emergency Service",
    "Governor's Office",
    "Intelligence Directorate",
    "Monitoring Mission",
    "Defence Council",
    "Police Department",
    "Civil Defence Headquarters",
    "Military Prosecutor's Office",
    "Evacuation Headquarters",
    "Air Command",
    "Artillery Command",
    "Logistics Command",
    "Medical Service",
    "Regional Council",
    "Information Centre",
)
OUTLET_PLACES = words(
    "Kyiv Kharkiv Sumy Odesa Lviv Dnipro Warsaw Vilnius Riga Tallinn Berlin Paris London "
    "Brussels Vienna Prague Helsinki Stockholm Oslo Copenhagen Madrid Rome Geneva Amsterdam "
    "Toronto Chicago Boston Sydney Seoul Tokyo Tbilisi Chisinau Bucharest Budapest Krakow "
    "Gdansk Kaunas Tartu Dublin Edinburgh Frontline Border Steppe Eastern Northern Atlantic"
)
OUTLET_KINDS = words(
    "Herald Times Dispatch Post Observer Review Telegraph Chronicle Monitor Daily Gazette "
    "Insider Bulletin Courier Journal Independent Tribune Express Ledger Standard"
)
GROUP_ADJECTIVES = words(
    "Ukrainian Russian Western Polish Baltic Finnish British American Independent Open-source "
    "Pro-war Anti-war Exiled Volunteer Veteran Regional"
)
GROUP_NOUNS = (
    "military bloggers",
    "Telegram channels",
    "analysts",
    "open-source investigators",
    "volunteer networks",
    "war correspondents",
    "think tanks",
    "human rights monitors",
)
SUBJECT_FORMATIONS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("russian-airborne-forces", "Russian Airborne Forces", "russia", ["VDV"]),
    ("russian-naval-infantry", "Russian naval infantry", "russia", ["Russian marines"]),
    ("akhmat-special-forces", "Akhmat special forces", "russia", ["Akhmat"]),
    ("russian-border-service", "Russian Border Service", "russia", []),
    ("rosgvardia", "Russian National Guard", "russia", ["Rosgvardia"]),
    ("russian-conscripts", "Russian conscripts", "russia", []),
    ("northern-group-of-forces", "Russian Northern Group of Forces", "russia", ["Sever"]),
    ("russian-spetsnaz", "Russian special forces", "russia", ["Spetsnaz"]),
    ("storm-z-units", "Russian Storm-Z units", "russia", ["Storm-Z"]),
    ("dprk-special-forces", "North Korean special forces", "dprk", ["Storm Corps"]),
    ("dprk-artillery-crews", "North Korean artillery crews", "dprk", []),
    ("ukrainian-air-assault-forces", "Ukrainian Air Assault Forces", "ukraine", ["DShV"]),
    ("ukrainian-marine-corps", "Ukrainian Marine Corps", "ukraine", []),
    ("ukrainian-national-guard", "National Guard of Ukraine", "ukraine", []),
    ("ukrainian-border-guard", "State Border Guard Service of Ukraine", "ukraine", []),
    ("ukrainian-territorial-defence", "Ukrainian Territorial Defence Forces", "ukraine", []),
    ("ukrainian-special-operations", "Ukrainian Special Operations Forces", "ukraine", ["SSO"]),
    ("ukrainian-drone-units", "Ukrainian Unmanned Systems Forces", "ukraine", []),
)
PLACES = (
    "Kursk Oblast",
    "Kursk region",
    "Sudzha",
    "Sverdlikovo",
    "Makhnovka",
    "Korenevo",
    "Lgov",
    "Kurchatov",
    "Malaya Loknya",
    "Plekhovo",
    "Guyevo",
    "Pogrebki",
    "Kremyanoye",
    "Nikolaevo-Darino",
    "Tyotkino",
    "Glushkovo",
    "Bolshoye Soldatskoye",
    "Cherkasskaya Konopelka",
    "Leonidovo",
    "Olgovka",
    "Russkaya Konopelka",
    "Zeleny Shlyakh",
    "Belaya",
    "Martynovka",
    "Sumy Oblast",
    "Belgorod Oblast",
)
FILLER = (
    "Fighting continued along the border throughout the week.",
    "The figures could not be independently verified.",
    "Officials did not provide further details.",
    "Moscow has not commented on the report.",
    "Kyiv has said the operation aims to create a buffer zone.",
    "Analysts cautioned that both sides tend to overstate enemy losses.",
    "The statement was published on the ministry's Telegram channel.",
    "Local residents described heavy shelling overnight.",
    "The report did not say how the figures were compiled.",
    "Earlier estimates from other officials were considerably lower.",
    "Western officials have broadly confirmed the trend, if not the precise numbers.",
    "Evacuations from border villages are continuing.",
    "The claims come as diplomatic efforts to end the war intensify.",
    "Russian state media offered a different account of the fighting.",
    "Drone footage released by the military appears to show the aftermath.",
    "The General Staff updates its loss figures every morning.",
    "Neither side publishes its own losses.",
    "Heavy rain slowed movement on the front line.",
    "The area remains contested.",
    "Journalists were not allowed to visit the area.",
)
AUTHORS_SUFFIX = ("staff", "correspondent", "reporter")

# --- metrics -----------------------------------------------------------------------------
# Popularity order (most claimed first) and how a sentence names what is counted.
METRIC_NOUNS = {
    "personnel-casualties": "casualties",
    "equipment-losses": "units of equipment lost",
    "uav-losses": "drones lost",
    "artillery-losses": "artillery systems lost",
    "armoured-combat-vehicle-losses": "armoured combat vehicles lost",
    "killed": "soldiers killed",
    "prisoners-captured": "soldiers taken prisoner",
    "assaults-repelled": "assaults repelled",
    "tank-losses": "tanks lost",
    "vehicle-losses": "vehicles lost",
    "wounded": "soldiers wounded",
    "troops-deployed": "troops stationed",
    "territory-controlled": "square kilometres under control",
    "settlements-captured": "settlements captured",
    "irrecoverable-losses": "irrecoverable losses",
    "mlrs-losses": "multiple rocket launchers lost",
    "air-defence-losses": "air defence systems lost",
    "special-equipment-losses": "units of special equipment lost",
    "troops-sent": "troops sent",
    "territory-captured": "square kilometres captured",
    "helicopter-losses": "helicopters lost",
    "aircraft-losses": "aircraft lost",
    "brigades-deployed": "brigades deployed",
    "territory-share-lost": "percent of the territory lost",
    "territory-share-occupied": "percent of the territory occupied",
    "brigades-destroyed": "brigades destroyed",
    "brigades-combat-ineffective": "brigades rendered combat-ineffective",
    "officers-deployed": "officers deployed",
    "generals-deployed": "generals deployed",
}
# (low, high) of log-uniform values per unit, and whether values are fractional.
UNIT_RANGES = {
    "persons": (5, 120_000, False),
    "units": (1, 4_000, False),
    "km2": (1, 1_400, False),
    "settlements": (1, 100, False),
    "assaults": (1, 400, False),
    "brigades": (1, 30, False),
    "percent": (0.5, 60, True),
}
QUALIFIERS: tuple[tuple[str, int, tuple[str, ...]], ...] = (  # (qualifier, weight, hedges)
    ("exact", 60, ()),
    ("approximate", 20, ("about", "approximately", "around", "some", "nearly", "estimated")),
    ("at_least", 11, ("over", "more than", "at least")),
    ("at_most", 5, ("up to", "fewer than")),
    ("range", 4, ("between",)),
)
EVENT_TYPES = (
    ("assault", "An assault on {place}", "took place"),
    ("offensive", "The offensive towards {place}", "began"),
    ("withdrawal", "The withdrawal from {place}", "was completed"),
    ("deployment", "The deployment near {place}", "was reported"),
    ("capture", "The capture of {place}", "was announced"),
    ("visit", "A visit to {place}", "took place"),
    ("statement", "A statement on {place}", "was issued"),
)


def _check_no_numerals(texts: Sequence[str]) -> None:
    for text in texts:
        if NUMERAL_RE.search(text):
            raise ValueError(f"generator word list has a numeral outside any quote: {text!r}")


_check_no_numerals(
    [*FIRST_NAMES, *LAST_NAMES, *TRANSLITERATIONS.values(), *RANKS, *ORG_PREFIXES, *ORG_KINDS]
    + [*OUTLET_PLACES, *OUTLET_KINDS, *GROUP_ADJECTIVES, *GROUP_NOUNS, *PLACES, *FILLER]
    + [name for _, name, _, aliases in SUBJECT_FORMATIONS for name in [name, *aliases]]
    + [t for _, a, b in EVENT_TYPES for t in (a, b)]
    + list(METRIC_NOUNS.values())
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def zipf_cum(n: int, s: float) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n."""
    total, out = 0.0, []
    for k in range(1, n + 1):
        total += 1 / k**s
        out.append(total)
    return out


def pick(rng: random.Random, items: Sequence[Any], cum: list[float]) -> Any:
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def day_text(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def partial_text(d: date, precision: str) -> str:
    if precision == "day":
        return day_text(d)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


def partial_iso(d: date, precision: str) -> str:
    return d.isoformat()[: {"day": 10, "month": 7, "year": 4}[precision]]


def figure_text(value: float, fractional: bool) -> str:
    return f"{value:,.1f}" if fractional else f"{int(value):,}"


# --- the vocabulary ----------------------------------------------------------------------
@dataclass
class Speaker:
    id: str
    names: list[str]  # how texts refer to it: name first, then aliases


@dataclass
class Vocabulary:
    metrics: ParsedFile[MetricsFile]
    entities: ParsedFile[EntitiesFile]
    speakers: list[Speaker]  # in popularity order
    subjects: list[Speaker]  # in popularity order
    metric_ids: list[str]  # in popularity order
    units: dict[str, tuple[str, str]]  # metric id -> (unit, kind)


REAL_SPEAKER_ORDER = (
    "general-staff-ukraine",
    "russian-ministry-of-defence",
    "oleksandr-syrskyi",
    "volodymyr-zelenskyy",
    "institute-for-the-study-of-war",
    "unattributed-reports",
    "russian-military-bloggers",
    "kyrylo-budanov",
    "western-intelligence-sources",
    "bbc",
    "government-of-ukraine",
    "abc-news",
    "kmaupdates",
)
REAL_SUBJECT_ORDER = (
    "russian-forces",
    "dprk-forces",
    "ukrainian-forces",
    "russian-and-dprk-forces",
)


def build_vocabulary(rng: random.Random, n_speakers: int) -> Vocabulary:
    errors: list[SeedError] = []
    metrics = _parse(VOCABULARY / METRICS_FILE, MetricsFile, errors)
    real = _parse(VOCABULARY / ENTITIES_FILE, EntitiesFile, errors)
    if errors or metrics is None or real is None:
        raise SeedValidationError(errors)
    taken: set[str] = set()
    for entity in real.spec.entities:
        taken.update(alias_key(a) for a in [entity.id, entity.name, *entity.aliases])
    used_ids = {e.id for e in real.spec.entities}
    generated: list[dict[str, Any]] = []

    def add(entity_id: str, name: str, aliases: list[str], **fields: Any) -> bool:
        keys = [alias_key(entity_id), alias_key(name)]
        if entity_id in used_ids or any(k in taken for k in keys):
            return False
        free = []
        for alias in aliases:
            key = alias_key(alias)
            if key not in taken and key not in keys and alias not in free:
                free.append(alias)
                keys.append(key)
        taken.update(keys)
        used_ids.add(entity_id)
        generated.append({"id": entity_id, "name": name, "aliases": free, **fields})
        return True

    for entity_id, name, side, aliases in SUBJECT_FORMATIONS:
        add(entity_id, name, aliases, kind="military_force", side=side)
    subject_ids = [*REAL_SUBJECT_ORDER, *(f[0] for f in SUBJECT_FORMATIONS)]

    real_speakers = [
        e
        for e in real.spec.entities
        if e.kind.value != "military_force"
        and any(not NUMERAL_RE.search(n) for n in [e.name, *e.aliases])
    ]
    want = max(0, n_speakers - len(real_speakers))
    # Shares of the generated speakers by kind.
    quotas = {
        "person": want * 50 // 100,
        "organization": want * 20 // 100,
        "outlet": want * 24 // 100,
    }
    quotas["group"] = want - sum(quotas.values())
    made = dict.fromkeys(quotas, 0)
    attempts = 0
    while any(made[k] < quotas[k] for k in quotas) and attempts < 200 * (want + 10):
        attempts += 1
        kind = rng.choice([k for k in quotas if made[k] < quotas[k]])
        if kind == "person":
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            rank = rng.choice(RANKS)
            aliases = [f"{rank} {last}", f"{first[0]}. {last}", last]
            if first in TRANSLITERATIONS:
                aliases.insert(0, f"{TRANSLITERATIONS[first]} {last}")
            if last.endswith("yi"):
                aliases.append(f"{first} {last[:-2]}y")
            ok = add(
                slug(name),
                name,
                aliases,
                kind="person",
                side=rng.choice(["ukraine", "ukraine", "russia", "western", "independent"]),
                role=rng.choice(PERSON_ROLES),
            )
        elif kind == "organization":
            name = f"{rng.choice(ORG_PREFIXES)} {rng.choice(ORG_KINDS)}"
            ok = add(
                slug(name),
                name,
                [f"the {name}"],
                kind="organization",
                side=rng.choice(["ukraine", "russia"]),
            )
        elif kind == "outlet":
            name = f"The {rng.choice(OUTLET_PLACES)} {rng.choice(OUTLET_KINDS)}"
            ok = add(slug(name), name, [name[4:]], kind="outlet", side="independent")
        else:
            name = f"{rng.choice(GROUP_ADJECTIVES)} {rng.choice(GROUP_NOUNS)}"
            ok = add(
                slug(name),
                name,
                [],
                kind="group",
                side=rng.choice(["ukraine", "russia", "western", "independent", "unknown"]),
            )
        if ok:
            made[kind] += 1
    specs = [*real.spec.entities, *(EntitySpec.model_validate(g) for g in generated)]
    entities = ParsedFile(
        GENERATED_ROOT / ENTITIES_FILE, {"entities": generated}, EntitiesFile(entities=specs)
    )
    by_id = {e.id: e for e in specs}

    def speaker(entity_id: str) -> Speaker | None:
        """How texts name an entity: its name and aliases, those without numerals (only
        quotes may hold numerals); None if it has no such name."""
        e = by_id[entity_id]
        names = [n for n in [e.name, *e.aliases] if not NUMERAL_RE.search(n)]
        return Speaker(e.id, names) if names else None

    popular = [i for i in REAL_SPEAKER_ORDER if i in by_id]
    rest_real = [e.id for e in real_speakers if e.id not in popular]
    generated_speakers = [g["id"] for g in generated if g["kind"] != "military_force"]
    rng.shuffle(generated_speakers)
    # The best-known real speakers lead; the rest of the real ones mix in with the generated.
    tail = rest_real + generated_speakers
    rng.shuffle(tail)
    speakers = [s for s in map(speaker, popular + tail) if s is not None]
    subjects = [s for s in map(speaker, [i for i in subject_ids if i in by_id]) if s is not None]
    known = [m.id for m in metrics.spec.metrics]
    order = [m for m in METRIC_NOUNS if m in known] + [m for m in known if m not in METRIC_NOUNS]
    units = {m.id: (m.unit, m.kind.value) for m in metrics.spec.metrics}
    return Vocabulary(metrics, entities, speakers, subjects, order, units)


# --- sources, claims, events -------------------------------------------------------------
@dataclass
class SourcePlan:
    index: int
    id: str
    published: date
    publisher: Speaker
    sentences: list[str] = field(default_factory=list)  # claim, echo and event sentences
    claims: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    not_claims: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    author: str = ""


class Generator:
    def __init__(self, *, claims: int, seed: int, speakers: int) -> None:
        self.rng = random.Random(seed)
        self.n_claims = claims
        self.seed = seed
        self.vocab = build_vocabulary(self.rng, speakers)
        self._kinds = {e.id: e.kind.value for e in self.vocab.entities.spec.entities}
        self.n_sources = max(1, round(claims / CLAIMS_PER_SOURCE))
        self.speaker_cum = zipf_cum(len(self.vocab.speakers), 1.05)
        self.subject_cum = zipf_cum(len(self.vocab.subjects), 1.3)
        self.metric_cum = zipf_cum(len(self.vocab.metric_ids), 0.9)
        self.place_cum = zipf_cum(len(PLACES), 0.8)
        outlets = [s for s in self.vocab.speakers if self._kind(s.id) == "outlet"]
        self.outlets = outlets or self.vocab.speakers
        self.outlet_cum = zipf_cum(len(self.outlets), 1.0)
        self.span_days = (LAST_DAY - FIRST_DAY).days
        self.event_ids: list[str] = []
        self.event_cum: list[float] = []

    def _kind(self, entity_id: str) -> str:
        return self._kinds[entity_id]

    # -- values and dates -------------------------------------------------------------------
    def _published(self) -> date:
        # Reporting grows over time: sqrt of a uniform skews towards later dates.
        return FIRST_DAY + timedelta(days=int(self.span_days * self.rng.random() ** 0.7))

    def _value(self, unit: str) -> float:
        low, high, fractional = UNIT_RANGES.get(unit, (1, 1000, False))
        raw = low * (high / low) ** self.rng.random()
        if fractional:
            return round(raw, 1)
        value = round(raw)
        if value >= 100 and self.rng.random() < 0.5:  # round figures are common
            digits = len(str(value)) - 2
            value = round(value, -digits)
        return float(max(1, value))

    def _figure(self, unit: str) -> tuple[dict[str, Any], str]:
        """Spec fields for a figure and how the text writes it."""
        r, acc = self.rng.random() * 100, 0
        qualifier, hedges = QUALIFIERS[0][0], QUALIFIERS[0][2]
        for qualifier, weight, hedges in QUALIFIERS:  # noqa: B007  (the one drawn)
            acc += weight
            if r < acc:
                break
        fractional = UNIT_RANGES.get(unit, (0, 0, False))[2]
        value = self._value(unit)
        if qualifier == "range":
            high = value * self.rng.choice([1.2, 1.25, 1.5, 2])
            high = round(high, 1) if fractional else float(round(high))
            if unit == "percent":
                high = min(high, 100.0)  # a share stays within 0-100 (app/loader/units.py)
            if high <= value:
                high = value + 1
            text = f"between {figure_text(value, fractional)} and {figure_text(high, fractional)}"
            return {
                "qualifier": "range",
                "hedge": "between",
                "value_low": value,
                "value_high": high,
            }, text
        spec: dict[str, Any] = {"qualifier": qualifier, "value": value}
        shown = figure_text(value, fractional)
        if qualifier == "exact":
            return spec, shown
        hedge: str = self.rng.choice(hedges)
        spec["hedge"] = hedge
        return spec, (f"an estimated {shown}" if hedge == "estimated" else f"{hedge} {shown}")

    def _stated(self, published: date) -> tuple[str | None, str]:
        """The stated date (as a spec writes it) and the sentence opening that says it."""
        r = self.rng.random()
        if r < 0.74:
            d = max(FIRST_DAY, published - timedelta(days=int(self.rng.expovariate(0.5))))
            return d.isoformat(), f"On {day_text(d)}, "
        if r < 0.86:
            return partial_iso(published, "month"), f"In {partial_text(published, 'month')}, "
        if r < 0.89:
            return partial_iso(published, "year"), f"In {published.year}, "
        return None, ""

    def _period(self, kind: str, stated: str | None, published: date) -> tuple[dict, str]:
        """The reference period: up to the stated date (or the article's) for flows, an
        as-of date for stocks; and how the sentence says it."""
        end = stated or published.isoformat()
        precision = {4: "year", 7: "month", 10: "day"}[len(end)]
        end_day = date.fromisoformat((end + "-01-01")[:10])
        end_text = partial_text(end_day, precision)
        if kind == "stock":
            return {"end": end}, f" as of {end_text}"
        r = self.rng.random()
        if r < 0.45:
            return {"start": "2024-08-06", "end": end}, " since 6 August 2024"
        if r < 0.6:
            return {"start": "2024-08", "end": end}, " since August 2024"
        if r < 0.8 and precision == "day":
            start = max(FIRST_DAY, end_day - timedelta(days=self.rng.choice([0, 6, 29])))
            if start == end_day:
                return {"start": end, "end": end}, f" on {end_text}"
            return {"start": start.isoformat(), "end": end}, (
                f" between {day_text(start)} and {end_text}"
            )
        if r < 0.9:
            return {"end": end}, f" up to {end_text}"
        return {}, ""

    # -- sentences ----------------------------------------------------------------------------
    def _claim_sentence(self, opening: str, parts: dict[str, str]) -> str:
        speaker, subject = parts["speaker"], parts["subject"]
        body = f"{parts['figure']} {parts['noun']}"
        tail = f"{parts['period']}{parts['place']}"
        template = self.rng.randrange(4 if not opening else 3)
        if template == 0:
            text = f"{opening}{speaker} reported {body} for {subject}{tail}."
        elif template == 1:
            text = f"{opening}{speaker} said that {subject} had {body}{tail}."
        elif template == 2:
            text = f"{opening}{speaker} put the figure at {body} for {subject}{tail}."
        else:
            text = f"According to {speaker}, {subject} had {body}{tail}."
        return text[0].upper() + text[1:]

    def generate(self) -> list[SourcePlan]:
        rng = self.rng
        bar = tqdm(total=self.n_claims, desc="generate", unit="claim", unit_scale=True)
        publishers = [pick(rng, self.outlets, self.outlet_cum) for _ in range(self.n_sources)]
        dates = sorted(self._published() for _ in range(self.n_sources))
        sources: list[SourcePlan] = []
        for i, (published, publisher) in enumerate(zip(dates, publishers, strict=True)):
            source_id = f"{publisher.id[:40].strip('-')}-{published.isoformat()}-{i:06d}"
            sources.append(SourcePlan(i, source_id, published, publisher))
        # Events first (claims may refer to any of them).
        n_events = max(1, self.n_claims // CLAIMS_PER_EVENT)
        for k in range(n_events):
            self._event(sources[rng.randrange(len(sources))], k)
        self.event_cum = zipf_cum(len(self.event_ids), 0.7)
        # Claims per source: skewed (a few long daily reports, many short articles).
        weights = [rng.paretovariate(2.2) for _ in sources]
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        owners = sorted(bisect.bisect(cum, rng.random() * total) for _ in range(self.n_claims))
        for j, owner in enumerate(owners):
            self._claim(sources[min(owner, len(sources) - 1)], j)
            if j % 10_000 == 9_999:
                bar.update(10_000)
        bar.update(self.n_claims - bar.n)
        bar.close()
        self._echoes(sources)
        return sources

    def _event(self, source: SourcePlan, k: int) -> None:
        rng = self.rng
        type_, subject_text, verb = EVENT_TYPES[rng.randrange(len(EVENT_TYPES))]
        place = pick(rng, PLACES, self.place_cum)
        start = max(FIRST_DAY, source.published - timedelta(days=rng.randrange(30)))
        precision = "day" if rng.random() < 0.75 else "month"
        spec: dict[str, Any] = {"start": partial_iso(start, precision)}
        when = (
            f"on {day_text(start)}" if precision == "day" else f"in {partial_text(start, 'month')}"
        )
        if precision == "day" and rng.random() < 0.3:
            end = min(source.published, start + timedelta(days=rng.randrange(1, 10)))
            if end > start:
                spec["end"] = end.isoformat()
                when = f"between {day_text(start)} and {day_text(end)}"
        sentence = f"{subject_text.format(place=place)} {verb} {when}."
        event_id = f"{type_}-{slug(place)}-{start.isoformat()}-{k:05d}"
        subject = pick(rng, self.vocab.subjects, self.subject_cum)
        speaker = pick(rng, self.vocab.speakers, self.speaker_cum)
        entities = [{"id": subject.id, "role": "party"}]
        if speaker.id != subject.id:
            entities.append({"id": speaker.id, "role": "reported by"})
        source.events.append(
            {
                "id": event_id,
                "title": f"{subject_text.format(place=place)} ({type_})",
                "type": type_,
                "description": None,
                "place": place,
                "entities": entities,
                "citations": [{"quote": sentence}],
                **spec,
            }
        )
        source.sentences.append(sentence)
        self.event_ids.append(event_id)

    def _claim(self, source: SourcePlan, j: int) -> None:
        rng, vocab = self.rng, self.vocab
        metric_id = pick(rng, vocab.metric_ids, self.metric_cum)
        unit, kind = vocab.units[metric_id]
        speaker = pick(rng, vocab.speakers, self.speaker_cum)
        subject = pick(rng, vocab.subjects, self.subject_cum)
        figure, figure_words = self._figure(unit)
        stated, opening = self._stated(source.published)
        period, period_words = self._period(kind, stated, source.published)
        place = pick(rng, PLACES, self.place_cum) if rng.random() < 0.85 else None
        parts = {
            # Speakers are referred to by name or one of their aliases, as texts do.
            "speaker": speaker.names[0] if rng.random() < 0.6 else rng.choice(speaker.names),
            "subject": subject.names[0],
            "figure": figure_words,
            "noun": METRIC_NOUNS.get(metric_id, metric_id.replace("-", " ")),
            "period": period_words,
            "place": "" if place is None else (" near " if rng.random() < 0.5 else " in ") + place,
        }
        sentence = self._claim_sentence(opening, parts)
        event = None
        if self.event_ids and rng.random() < EVENT_LINK_SHARE:
            event = pick(rng, self.event_ids, self.event_cum)
        date_part = stated or "undated"
        claim_id = f"{speaker.id[:24].strip('-')}-{metric_id}-{date_part}-{j:07d}"
        source.claims.append(
            {
                "id": claim_id,
                "metric": metric_id,
                "subject": subject.id,
                "speaker": speaker.id,
                "unit": unit,
                "place": place,
                "period": period,
                "stated_on": stated,
                "event": event,
                "citations": [{"quote": sentence}],
                **figure,
            }
        )
        source.sentences.append(sentence)

    def _echoes(self, sources: list[SourcePlan]) -> None:
        """Some statements are repeated verbatim by a later source: one claim, two citations."""
        rng = self.rng
        for source in sources[1:]:
            n = sum(1 for _ in range(len(source.claims) + 1) if rng.random() < ECHO_SHARE)
            for _ in range(n):
                earlier = sources[max(0, source.index - rng.randrange(1, 300))]
                if not earlier.claims or earlier is source:
                    continue
                claim = earlier.claims[rng.randrange(len(earlier.claims))]
                quote = claim["citations"][0]["quote"]
                if quote in source.sentences or any(
                    c.get("source") == source.id for c in claim["citations"]
                ):
                    continue
                claim["citations"].append({"source": source.id, "quote": quote})
                source.sentences.append(quote)

    # -- texts --------------------------------------------------------------------------------
    def text_of(self, source: SourcePlan) -> str:
        """The article: title, byline, dateline, paragraphs of its sentences and filler, and
        sometimes a page counter (the numerals outside quotes are listed in not_claims)."""
        rng = self.rng
        headline = source.claims[0]["metric"] if source.claims else "front-line-report"
        source.title = (
            f"{source.publisher.names[0]}: {METRIC_NOUNS.get(headline, headline)} "
            f"reported in {pick(rng, PLACES, self.place_cum)}"
        )
        source.author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        dateline = f"Published {day_text(source.published)}"
        source.not_claims = [{"quote": dateline, "reason": "Publication dateline."}]
        body = list(source.sentences)
        for _ in range(max(1, len(body) // 2)):
            body.insert(rng.randrange(len(body) + 1), rng.choice(FILLER))
        paragraphs, k = [], 0
        while k < len(body):
            size = rng.randint(2, 5)
            paragraphs.append(" ".join(body[k : k + size]))
            k += size
        footer = []
        r = rng.random()
        if r < 0.25:
            counter = f"Views: {rng.randrange(1, 50_000)}"
            footer.append(counter)
            source.not_claims.append({"quote": counter, "reason": "Page view counter."})
        elif r < 0.35:
            counter = (
                f"(Visited {rng.randrange(1, 9999)} times, {rng.randrange(1, 99)} visits today)"
            )
            footer.append(counter)
            source.not_claims.append({"quote": counter, "reason": "Page visit counter."})
        byline = f"By {source.author}, {source.publisher.names[0]} {rng.choice(AUTHORS_SUFFIX)}"
        head = [source.title, "", byline, dateline, ""]
        return "\n".join([*head, *(p + "\n" for p in paragraphs), *footer]) + "\n"


REPAIR_TAILS = (
    ", citing field reports",
    ", according to a statement",
    ", in a televised briefing",
    ", on Telegram",
    ", in an interview",
    ", in a daily update",
    ", in a written statement",
)
Cite = tuple[dict[str, Any], dict[str, Any]]  # (claim, citation) of an echo


def assemble(
    gen: Generator, plan: SourcePlan, plans: dict[str, SourcePlan], echoes: dict[str, list[Cite]]
) -> str:
    """The text of a source, with every quote in it exactly once.

    A sentence that occurs twice (or inside another) gets a distinguishing tail; its copies
    in later sources are withdrawn, and an echo that collides is dropped. Sources are
    assembled in order, and echoes only go to later sources, so nothing already assembled
    changes."""
    for attempt in range(30):
        text = gen.text_of(plan)
        quotes = [c["citations"][0] for c in plan.claims]
        quotes += [e["citations"][0] for e in plan.events]
        bad = [q for q in quotes if text.count(q["quote"]) != 1]
        bad_echoes = [(c, q) for c, q in echoes.get(plan.id, []) if text.count(q["quote"]) != 1]
        bad_other = [n for n in plan.not_claims if text.count(n["quote"]) != 1]
        if not (bad or bad_echoes or bad_other):
            return text
        for n, cite in enumerate(bad):
            old = cite["quote"]
            new = old[:-1] + REPAIR_TAILS[(attempt + n) % len(REPAIR_TAILS)] + old[-1]
            plan.sentences[plan.sentences.index(old)] = new
            cite["quote"] = new
            for claim in plan.claims:
                if claim["citations"][0] is cite:
                    for extra in claim["citations"][1:]:
                        later = plans[extra["source"]]
                        later.sentences.remove(old)
                        echoes[later.id].remove((claim, extra))
                    del claim["citations"][1:]
        for claim, cite in bad_echoes:
            if cite in claim["citations"]:
                claim["citations"].remove(cite)
                plan.sentences.remove(cite["quote"])
                echoes[plan.id].remove((claim, cite))
    raise RuntimeError(f"could not make the quotes of source {plan.id} unique")


@dataclass
class Generated:
    seeds: ParsedSeeds
    counts: dict[str, int]


def generate(*, claims: int, seed: int, speakers: int = 2000) -> Generated:
    """The synthetic dataset as the parser would yield it."""
    gen = Generator(claims=claims, seed=seed, speakers=speakers)
    plans = gen.generate()
    # Echo citations by the source they are in, to check their quotes in its text.
    echoes: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for plan in plans:
        for claim in plan.claims:
            for cite in claim["citations"][1:]:
                echoes.setdefault(cite["source"], []).append((claim, cite))
    by_id = {plan.id: plan for plan in plans}
    texts = [
        assemble(gen, plan, by_id, echoes)
        for plan in tqdm(plans, desc="texts", unit="source", unit_scale=True)
    ]
    documents = []
    for plan, text in tqdm(
        list(zip(plans, texts, strict=True)), desc="specs", unit="source", unit_scale=True
    ):
        raw = {
            "source": {
                "id": plan.id,
                "title": plan.title,
                "publisher": plan.publisher.names[0],
                "author": plan.author,
                "url": f"https://news.example/{plan.published.isoformat()}/{plan.id}",
                "published_on": plan.published.isoformat(),
                "published_on_basis": "Printed in the dateline.",
                "language": "en",
            },
            "claims": plan.claims,
            "events": plan.events,
            "not_claims": plan.not_claims,
        }
        stem = f"{plan.index:06d}_{plan.id[-6:]}"
        data = text.encode()
        parsed = ParsedFile(
            GENERATED_ROOT / "sources" / f"{stem}.yaml", {}, SourceFile.model_validate(raw)
        )
        documents.append(
            SourceDocument(
                parsed,
                GENERATED_ROOT / "sources" / f"{stem}.txt",
                text,
                hashlib.sha256(data).hexdigest(),
            )
        )
    seeds = ParsedSeeds(
        GENERATED_ROOT,
        gen.vocab.entities,
        gen.vocab.metrics,
        documents,
        dataset_version(claims=claims, seed=seed, speakers=speakers),
    )
    counts = {
        "sources": len(documents),
        "claims": sum(len(p.claims) for p in plans),
        "citations": sum(len(c["citations"]) for p in plans for c in p.claims),
        "events": sum(len(p.events) for p in plans),
        "entities": len(gen.vocab.entities.spec.entities),
        "speakers": len(gen.vocab.speakers),
    }
    return Generated(seeds, counts)


def dataset_version(*, claims: int, seed: int, speakers: int) -> str:
    """A content hash of what determines the data: parameters, generator, vocabulary and the
    loader's derivation code (like `app.loader.parse.dataset_version` for `seeds/`)."""
    digest = hashlib.sha256(f"synthetic:{GENERATOR_VERSION}:{claims}:{seed}:{speakers}".encode())
    files = [Path(__file__), VOCABULARY / METRICS_FILE, VOCABULARY / ENTITIES_FILE]
    for path in [*files, *DERIVATION_CODE]:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


class _Passes(list):  # type: ignore[type-arg]
    """The source list, ticking a progress bar as `build_dataset` walks it (it makes seven
    passes over the sources: index, events, claims, audit, ...)."""

    bar: Any = None

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            yield item
            if self.bar is not None:
                self.bar.update(1)


def build(seeds: ParsedSeeds) -> Dataset:
    passes = _Passes(seeds.sources)
    passes.bar = tqdm(total=7 * len(passes), desc="build", unit="pass·src", unit_scale=True)
    seeds.sources = passes
    try:
        return build_dataset(seeds)
    finally:
        passes.bar.close()
        seeds.sources = list(passes)


def write(dataset: Dataset, database_url: str) -> dict[str, float]:
    """Load through the real writer; per-step timings as the writer reports them."""
    bars: dict[str, Any] = {}
    timings: dict[str, float] = {}

    def progress(step: str, done: int, total: int, seconds: float) -> None:
        if step not in bars:
            unit = "index" if step == "indexes" else "row" if total > 1 else "step"
            bars[step] = tqdm(total=total, desc=f"write {step}", unit=unit, unit_scale=True)
        bars[step].update(done - bars[step].n)
        if done >= total:
            bars[step].close()
            timings[step] = seconds

    write_dataset(dataset, database_url, progress=progress)
    for bar in bars.values():
        bar.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="number of claims")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--speakers", type=int, default=2000, help="number of speakers")
    parser.add_argument(
        "--database-url", default=get_settings().database_url, help="target database"
    )
    parser.add_argument("--check", action="store_true", help="generate and validate only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generated = generate(claims=args.claims, seed=args.seed, speakers=args.speakers)
    t_generate = time.perf_counter() - started
    try:
        dataset = build(generated.seeds)
    except SeedValidationError as exc:
        for error in exc.errors[:50]:
            print(error, file=sys.stderr)
        print(f"generate: {len(exc.errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    t_build = time.perf_counter() - started - t_generate
    counts = ", ".join(f"{n:,} {what}" for what, n in generated.counts.items())
    if args.check:
        print(f"generate: OK (check only): {counts}; version {dataset.version}")
        return 0
    timings = write(dataset, args.database_url)
    t_write = time.perf_counter() - started - t_generate - t_build
    total = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
    print(
        f"generate: loaded {counts}; version {dataset.version}\n"
        f"  generate {t_generate:.1f}s, build {t_build:.1f}s, write {t_write:.1f}s "
        f"({steps}); total {total:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
