"""Full-text search over claims, events and source texts, with phrases and synonyms.

What a query means (both engines alike):
- words are all required (AND); `word*` is a prefix; words joined by `-`, `'`, `.`, `,` or `/`
  without spaces ("air-defence", "38,000", "Kursk's") are a phrase;
- a double-quoted phrase, `"taken prisoner"`, matches those words in that order;
- a word or an unquoted run of words that is a term of a synonym group (the `search_synonym`
  table, from seeds/vocabulary/synonyms.yaml) matches any term of its group: `POW` is
  `(POW OR POWs OR "prisoner of war" OR ... OR "taken prisoner")`. Quoted phrases and
  prefixes are taken as typed, never expanded. The longest term wins ("prisoners of war"
  before "war").
Limits: the first MAX_WORDS words count; a query expands to at most MAX_PHRASES phrases in all
(a term whose group would pass that is searched as typed).

User text never reaches the FTS parser as syntax: it is split into words (letters and digits
only) and the expression is built from them, so `"`, `*`, `NEAR`, `OR` or unbalanced brackets
are never operators.

Entity names and aliases need no expansion here: the loader writes each claim's speaker and
subject names with all their aliases (and an event's entities') into its search document.

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

from app.models import SearchDocument, SearchSynonym
from app.models.search import WORD, SearchKind, search_words
from app.queries.errors import InvalidParameterError

doc_t = SearchDocument.__table__  # type: ignore[attr-defined]
synonym_t = SearchSynonym.__table__  # type: ignore[attr-defined]
MAX_WORDS = 16
# A synonym term has at most this many words (the loader refuses longer ones), so a query
# looks up runs of at most this many words.
MAX_TERM_WORDS = 6
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
    literal: bool  # quoted or a prefix: taken as typed, never a synonym


# What to match: every item required, any phrase of an item enough.
Query = list[tuple[Phrase, ...]]


def _units(q: str) -> list[_Unit]:
    units: list[_Unit] = []
    budget = MAX_WORDS
    for match in _TOKEN_RE.finditer(q):
        quoted = match.group("quoted")
        words = search_words(quoted if quoted is not None else match.group("unit"))[:budget]
        if not words:
            continue
        budget -= len(words)
        prefix = bool(match.group("star")) and quoted is None
        units.append(_Unit(Phrase(tuple(words), prefix), quoted is not None or prefix))
        if budget == 0:
            break
    if not units:
        raise InvalidParameterError("q", "needs at least one letter or digit to search for")
    return units


def _runs(units: list[_Unit]) -> list[list[_Unit]]:
    """Maximal runs of units that may be synonym terms (not quoted, not prefixes)."""
    runs: list[list[_Unit]] = [[]]
    for unit in units:
        if unit.literal:
            runs.append([])
        else:
            runs[-1].append(unit)
    return [run for run in runs if run]


def _key(run: Sequence[_Unit]) -> str:
    return " ".join(word for unit in run for word in unit.phrase.words)


def candidate_keys(units: list[_Unit]) -> set[str]:
    """Every run of up to MAX_TERM_WORDS words a synonym term could be."""
    keys = set()
    for run in _runs(units):
        for start in range(len(run)):
            for end in range(start + 1, len(run) + 1):
                key = _key(run[start:end])
                if key.count(" ") >= MAX_TERM_WORDS:
                    break
                keys.add(key)
    return keys


def build_query(q: str, synonyms: Mapping[str, Sequence[str]]) -> Query:
    """Parse q and expand its synonym terms; `synonyms` maps a term key to its group's terms."""
    units = _units(q)
    query: Query = []
    phrases = 0
    at = 0
    while at < len(units):
        unit = units[at]
        span, alternatives = 1, (unit.phrase,)
        if not unit.literal:
            # The longest run of unquoted units from here that is a synonym term, if its
            # group fits in what is left of the budget.
            for end in range(len(units), at, -1):
                run = units[at:end]
                if any(u.literal for u in run) or _key(run) not in synonyms:
                    continue
                typed = Phrase(tuple(w for u in run for w in u.phrase.words))
                members = [Phrase(tuple(search_words(term))) for term in synonyms[_key(run)]]
                group = tuple(dict.fromkeys([typed, *(m for m in members if m.words)]))
                if phrases + len(group) + (len(units) - end) <= MAX_PHRASES:
                    span, alternatives = end - at, group
                    break
        phrases += len(alternatives)
        query.append(alternatives)
        at += span
    return query


def synonym_groups(conn: Connection, keys: set[str]) -> dict[str, list[str]]:
    """The synonym groups of those keys that are terms: key -> every term of its group."""
    if not keys:
        return {}
    member = synonym_t.alias("member")
    rows = conn.execute(
        select(synonym_t.c.term_key, member.c.term)
        .join(member, member.c.group_id == synonym_t.c.group_id)
        .where(synonym_t.c.term_key.in_(sorted(keys)))
        .order_by(synonym_t.c.term_key, member.c.term_key)
    )
    groups: dict[str, list[str]] = {}
    for key, term in rows:
        groups.setdefault(key, []).append(term)
    return groups


def parse(conn: Connection, q: str) -> Query:
    """q as a query, with the synonyms of the database behind conn."""
    return build_query(q, synonym_groups(conn, candidate_keys(_units(q))))


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
