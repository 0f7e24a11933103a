"""Full-text search over claims, events and source texts, with phrases, synonyms and names.

What a query means (both engines alike):
- words are all required (AND); `word*` is a prefix; words joined by `-`, `'`, `.`, `,` or `/`
  without spaces ("air-defence", "38,000", "Kursk's") are a phrase;
- a double-quoted phrase, `"taken prisoner"`, matches those words in that order;
- a word or an unquoted run of words that is a term of a synonym group (the `search_synonym`
  table, from seeds/vocabulary/synonyms.yaml) matches any term of its group: `POW` is
  `(POW OR POWs OR "prisoner of war" OR ... OR "taken prisoner")`;
- one that is an entity's name or alias (`entity_alias`: "Зеленський", "Syrsky") matches
  any of that entity's names and aliases. The loader writes each claim's speaker and subject
  names (and an event's entities') into its search document, so every spelling of a person
  finds the claims they made or are the subject of, and the texts that name them;
- quoted phrases and prefixes are taken as typed, never expanded; the longest run wins
  ("prisoners of war" before "war", "Oleksandr Syrsky" before "Syrsky").
Limits: at most MAX_WORDS words outside quotes (a quoted phrase may be longer: it is never
expanded), and at most MAX_PHRASES phrases once expanded; a query past either is a 422, never
cut short or searched as typed, which would answer another question. A term whose
alternatives are those of an earlier one (`Syrsky Syrskyi`) adds nothing: A AND A is A.

Aliases are expanded here rather than written into every document: an entity has up to a
dozen spellings, and on a generated dataset (scripts/generate.py, 20,000 claims) writing
them all into each claim made the claims' search text 2.7 times longer (every claim about
Russian forces carried ten spellings of them). Expanded here, every spelling of a name gives
the same answer.

User text never reaches the FTS parser as syntax: it is split into words (letters and digits
only) and the expression is built from them, so `"`, `*`, `NEAR`, `OR` or unbalanced brackets
are never operators.

SQLite uses FTS5 (`porter unicode61`, bm25 ranking). PostgreSQL uses a GIN index over a
tsvector built to match the same words: punctuation separates words, ASCII words go through
the same (original) Porter stemmer, there are no stop words (the `kursk_search` text search
configuration, created by the migration). Both engines find the same hits for the same words;
their relevance scores (bm25 vs ts_rank) differ, so hits may come in a different order.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    text,
)

from app.models import EntityAlias, SearchDocument, SearchSynonym
from app.models.entity import alias_key
from app.models.search import WORD, SearchKind, search_words
from app.queries.errors import InvalidParameterError

doc_t = SearchDocument.__table__  # type: ignore[attr-defined]
synonym_t = SearchSynonym.__table__  # type: ignore[attr-defined]
alias_t = EntityAlias.__table__  # type: ignore[attr-defined]
MAX_WORDS = 16
MAX_PHRASES = 64
# A quoted phrase, or a unit of unquoted text: a word or words joined by connectors,
# optionally ending in `*`.
_TOKEN_RE = re.compile(rf'"(?P<quoted>[^"]*)"|(?P<unit>{WORD}(?:[-\'’.,/]{WORD})*)(?P<star>\*?)')


@dataclass(frozen=True)
class Phrase:
    """Words that must stand in this order, lower-cased; the last one a prefix if `prefix`."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class _Unit:
    phrase: Phrase
    literal: bool  # quoted or a prefix: taken as typed, never expanded
    start: int  # where it stands in q
    end: int


# What to match: every item required, any phrase of an item enough.
Query = list[tuple[Phrase, ...]]


def _units(q: str) -> list[_Unit]:
    units: list[_Unit] = []
    unquoted = 0
    for match in _TOKEN_RE.finditer(q):
        quoted = match.group("quoted")
        words = search_words(quoted if quoted is not None else match.group("unit"))
        if not words:
            continue
        unquoted += len(words) if quoted is None else 0
        prefix = bool(match.group("star")) and quoted is None
        literal = quoted is not None or prefix
        units.append(_Unit(Phrase(tuple(words), prefix), literal, match.start(), match.end()))
    if not units:
        raise InvalidParameterError("q", "needs at least one letter or digit to search for")
    if unquoted > MAX_WORDS:
        raise InvalidParameterError(
            "q", f"{unquoted} words outside quotes; at most {MAX_WORDS} are searched at once"
        )
    return units


def _keys(q: str, run: Sequence[_Unit]) -> tuple[str, str]:
    """What a run of unquoted units is looked up by: its words (a synonym term's key) and
    the text as typed, normalised like entity aliases ("Russia's Defense Ministry")."""
    words = " ".join(word for unit in run for word in unit.phrase.words)
    return words, alias_key(q[run[0].start : run[-1].end])


def _candidate_keys(q: str, units: list[_Unit]) -> set[str]:
    """The keys of every run of unquoted units: each could be a synonym term or an alias."""
    keys: set[str] = set()
    for start in range(len(units)):
        end = start
        while end < len(units) and not units[end].literal:
            end += 1
            keys.update(_keys(q, units[start:end]))
    return keys


def build_query(q: str, expansions: Mapping[str, Sequence[str]]) -> Query:
    """Parse q and expand its terms; `expansions` maps a key (see _keys) to what it also
    matches: the terms of its synonym group, the names and aliases of its entity."""
    units = _units(q)
    query: Query = []
    seen: set[frozenset[Phrase]] = set()
    phrases = 0
    at = 0
    while at < len(units):
        unit = units[at]
        span = 1
        alternatives: tuple[Phrase, ...] = (unit.phrase,)
        expandable = False
        # The longest run of unquoted units from here that has expansions, if they fit in
        # what is left of the budget.
        end = at
        while end < len(units) and not units[end].literal:
            end += 1
        for stop in range(end, at, -1):
            run = units[at:stop]
            also = [t for key in dict.fromkeys(_keys(q, run)) for t in expansions.get(key, ())]
            if not also:
                continue
            expandable = True
            typed = Phrase(tuple(w for u in run for w in u.phrase.words))
            others = (Phrase(tuple(search_words(term))) for term in also)
            group = tuple(dict.fromkeys([typed, *(p for p in others if p.words)]))
            cost = 0 if frozenset(group) in seen else len(group)
            if phrases + cost + (len(units) - stop) <= MAX_PHRASES:
                span, alternatives = stop - at, group
                break
        else:
            if expandable:
                raise InvalidParameterError(
                    "q",
                    f"its names and synonyms expand to more than {MAX_PHRASES} alternatives; "
                    "search for fewer at once",
                )
        if frozenset(alternatives) not in seen:
            seen.add(frozenset(alternatives))
            phrases += len(alternatives)
            query.append(alternatives)
        at += span
    return query


# The lookup behind expansions(), built once (building a select costs more than running it):
# a synonym term -> every term of its group, and an alias -> every name of its entity (its
# id, also an alias row, left out); one statement, two indexed lookups.
_member = synonym_t.alias("member")
_name = alias_t.alias("name")
_EXPANSIONS = (
    select(
        literal_column("0").label("source"),
        synonym_t.c.term_key.label("key"),
        _member.c.term.label("term"),
        _member.c.term_key.label("term_key"),
    )
    .join(_member, _member.c.group_id == synonym_t.c.group_id)
    .where(synonym_t.c.term_key.in_(bindparam("keys", expanding=True)))
    .union_all(
        select(
            literal_column("1"),
            alias_t.c.alias_key,
            _name.c.alias,
            _name.c.alias_key,
        )
        .join(_name, _name.c.entity_id == alias_t.c.entity_id)
        .where(
            alias_t.c.alias_key.in_(bindparam("alias_keys", expanding=True)),
            _name.c.alias != _name.c.entity_id,
        )
    )
    .order_by("source", "key", "term_key")
)


def expansions(conn: Connection, keys: set[str]) -> dict[str, list[str]]:
    """key -> every term of its synonym group and every name of its entity."""
    if not keys:
        return {}
    found: dict[str, list[str]] = {}
    ordered = sorted(keys)
    for _source, key, term, _ in conn.execute(
        _EXPANSIONS, {"keys": ordered, "alias_keys": ordered}
    ):
        found.setdefault(key, []).append(term)
    return found


def parse(conn: Connection, q: str) -> Query:
    """q as a query, expanded with the synonyms and entity aliases of the database."""
    return build_query(q, expansions(conn, _candidate_keys(q, _units(q))))


def fts5_query(query: Query) -> str:
    """A safe FTS5 MATCH expression: every item required, each an OR of quoted phrases."""

    def phrase(p: Phrase) -> str:
        return '"' + " ".join(p.words) + '"' + ("*" if p.prefix else "")

    items = [
        phrase(alts[0]) if len(alts) == 1 else "(" + " OR ".join(map(phrase, alts)) + ")"
        for alts in query
    ]
    return " AND ".join(items)


# The expression of search_document's stored `search_tsv` column (migration 0004, GIN-indexed):
# queries must build their tsquery with the same configuration.
PG_CONFIG = "kursk_search"
PG_PUNCTUATION = (
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u00ab\u00b7\u00bb\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201e"
    "\u2022\u2026\u2032\u2033\u2039\u203a\u2212"
)
# The first fragment ts_headline picks, about as long as FTS5's 16-token snippet.
# Cover density divided by document length: on the seeds, the order closest to FTS5's bm25
# (Kendall's tau 0.89 over 20 queries; plain ts_rank 0.38).
PG_RANK = "ts_rank_cd({document}, {query}, 2)"
PG_HEADLINE_OPTIONS = "StartSel=<mark>, StopSel=</mark>, MaxWords=16, MinWords=8"


def pg_document(table: str) -> str:
    """The tsvector of a search_document row (`table` is its name or alias in the query):
    stored by PostgreSQL in a generated column, so that ranking reads it instead of
    recomputing it from the text of every match."""
    return f"{table}.search_tsv"


def _pg_phrase(p: Phrase) -> str:
    words = [f"'{w}'" for w in p.words]
    if p.prefix:
        words[-1] += ":*"
    return words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"


def pg_tsquery(query: Query) -> str:
    """Text for `to_tsquery`: items joined by `&`, each an OR of phrases `'w1' <-> 'w2'`, a
    prefix ending in `:*`. Words hold only letters and digits, so nothing in them is tsquery
    syntax."""
    items = [
        _pg_phrase(alts[0]) if len(alts) == 1 else "(" + " | ".join(map(_pg_phrase, alts)) + ")"
        for alts in query
    ]
    return " & ".join(items)


def pg_headline_tsquery(query: Query) -> str:
    """What ts_headline marks: any phrase of the query, and each word the user typed on its
    own too. ts_headline parses the raw text, where "2024-08-06" is 2024 and the numbers -08
    and -06, so a typed phrase may not be found whole; its words then still are."""
    phrases = [_pg_phrase(p) for alts in query for p in alts]
    typed = [
        _pg_phrase(Phrase((word,), alts[0].prefix and at == len(alts[0].words) - 1))
        for alts in query
        for at, word in enumerate(alts[0].words)
    ]
    return " | ".join(dict.fromkeys(phrases + typed))


def _matching_rowids(conn: Connection, q: str) -> Select[Any]:
    """`search_document.id`s matching q, as a subquery, on either engine."""
    query = parse(conn, q)
    if conn.dialect.name == "sqlite":
        return (
            select(literal_column("rowid"))
            .select_from(text("search_fts"))
            .where(literal_column("search_fts").op("MATCH")(bindparam("fts_q", fts5_query(query))))
        )
    tsquery = func.to_tsquery(
        literal_column(f"'{PG_CONFIG}'"), bindparam("ts_q", pg_tsquery(query))
    )
    document: ColumnElement[Any] = literal_column(pg_document(doc_t.name))
    return select(doc_t.c.id).where(document.op("@@")(tsquery))


def ref_ids_matching(conn: Connection, *, q: str, kind: SearchKind) -> Select[Any]:
    """Ids of claims (or events, sources) whose text matches q, as a subquery."""
    return select(doc_t.c.ref_id).where(
        doc_t.c.kind == kind.value, doc_t.c.id.in_(_matching_rowids(conn, q))
    )


def claim_ids_matching(conn: Connection, *, q: str) -> Select[Any]:
    return ref_ids_matching(conn, q=q, kind=SearchKind.claim)


def _with_ellipses(headline: str, text: str) -> str:
    """Mark a cut like FTS5's snippet does: `…` where the headline starts or ends inside text."""
    plain = headline.replace("<mark>", "").replace("</mark>", "")
    at = text.find(plain)
    if at < 0:
        return headline
    before, after = text[:at].strip(), text[at + len(plain) :].strip(PG_PUNCTUATION + " \n")
    return ("…" if before else "") + headline + ("…" if after else "")


def _pg_snippet(row: Any) -> str:
    """The body's headline if the words are in the body, else the title's (FTS5 picks the
    column with the best snippet in the same way)."""
    if "<mark>" in row.body_snippet or "<mark>" not in row.title_snippet:
        return _with_ellipses(row.body_snippet, row.body)
    return _with_ellipses(row.title_snippet, row.title)


def search(
    conn: Connection, *, q: str, kinds: list[SearchKind], limit: int, offset: int
) -> list[dict[str, Any]]:
    """Ranked hits with a snippet in which matches are wrapped in <mark>...</mark>."""
    kind_filter = [k.value for k in kinds] or [k.value for k in SearchKind]
    parsed = parse(conn, q)
    if conn.dialect.name == "sqlite":
        query = text(
            "SELECT d.kind, d.ref_id, d.title, "
            "snippet(search_fts, -1, '<mark>', '</mark>', '…', 16) AS snippet, "
            "bm25(search_fts) AS rank "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :q AND d.kind IN :kinds "
            "ORDER BY rank, d.kind, d.ref_id LIMIT :limit OFFSET :offset"
        ).bindparams(bindparam("kinds", expanding=True))
        params = {"q": fts5_query(parsed), "kinds": kind_filter, "limit": limit, "offset": offset}
    else:
        # Rank and page first; build headlines only for the rows on the page.
        tsquery = f"to_tsquery('{PG_CONFIG}', :q)"
        any_word = f"to_tsquery('{PG_CONFIG}', :q_any)"
        query = text(
            "WITH hits AS (SELECT d.id, d.kind, d.ref_id, "
            f"-{PG_RANK.format(document=pg_document('d'), query=tsquery)} AS rank "
            "FROM search_document d "
            f"WHERE {pg_document('d')} @@ {tsquery} AND d.kind IN :kinds "
            "ORDER BY rank, d.kind, d.ref_id LIMIT :limit OFFSET :offset) "
            "SELECT hits.kind, hits.ref_id, d.title, hits.rank, d.body, "
            f"ts_headline('{PG_CONFIG}', d.body, {any_word}, :options) AS body_snippet, "
            f"ts_headline('{PG_CONFIG}', d.title, {any_word}, :options) AS title_snippet "
            "FROM hits JOIN search_document d ON d.id = hits.id "
            "ORDER BY hits.rank, hits.kind, hits.ref_id"
        ).bindparams(bindparam("kinds", expanding=True))
        params = {
            "q": pg_tsquery(parsed),
            "q_any": pg_headline_tsquery(parsed),
            "options": PG_HEADLINE_OPTIONS,
            "kinds": kind_filter,
            "limit": limit,
            "offset": offset,
        }
        return [
            {
                "kind": r.kind,
                "id": r.ref_id,
                "title": r.title,
                "snippet": _pg_snippet(r),
                "rank": round(float(r.rank), 6),
            }
            for r in conn.execute(query, params)
        ]
    return [
        {
            "kind": r.kind,
            "id": r.ref_id,
            "title": r.title,
            "snippet": r.snippet,
            "rank": round(float(r.rank), 6),
        }
        for r in conn.execute(query, params)
    ]
