"""Full-text search over claim quotes, events and source texts.

User text never reaches the FTS parser as syntax: it is split into words, each quoted, so
`"`, `*`, `NEAR`, `OR` or unbalanced brackets are just words. A trailing `*` on a word asks
for a prefix match.

SQLite uses FTS5 (`porter unicode61`, bm25 ranking). PostgreSQL uses a GIN index over a
tsvector built to match the same words: punctuation separates words, ASCII words go through
the same (original) Porter stemmer, there are no stop words (the `kursk_search` text search
configuration, created by the migration). Both engines find the same hits for the same words;
their relevance scores (bm25 vs ts_rank) differ, so hits may come in a different order.
"""

import re
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

from app.models import SearchDocument
from app.models.search import SearchKind
from app.queries.errors import InvalidParameterError

doc_t = SearchDocument.__table__  # type: ignore[attr-defined]
_WORD_RE = re.compile(r"\w+\*?", re.UNICODE)
MAX_WORDS = 16


def _words(q: str) -> list[str]:
    words = _WORD_RE.findall(q)[:MAX_WORDS]
    if not words:
        raise InvalidParameterError("q", "needs at least one letter or digit to search for")
    return words


def fts5_query(q: str) -> str:
    """A safe FTS5 MATCH expression: every word quoted, all required, `word*` = prefix."""
    parts = []
    for word in _words(q):
        prefix = word.endswith("*")
        parts.append('"' + word.rstrip("*").replace('"', '""') + '"' + ("*" if prefix else ""))
    return " AND ".join(parts)


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


def pg_tsquery(q: str, *, operator: str = "&") -> str:
    """Text for `to_tsquery`: every word quoted and required (or, with `|`, any of them),
    `word*` a prefix (`:*`). Words hold only letters, digits and `_`, so nothing in them is
    tsquery syntax."""
    parts = []
    for word in _words(q):
        prefix = word.endswith("*")
        parts.append("'" + word.rstrip("*").replace("_", " ") + "'" + (":*" if prefix else ""))
    return f" {operator} ".join(parts)


def _matching_rowids(conn: Connection, q: str) -> Select[Any]:
    """`search_document.id`s matching q, as a subquery, on either engine."""
    if conn.dialect.name == "sqlite":
        return (
            select(literal_column("rowid"))
            .select_from(text("search_fts"))
            .where(literal_column("search_fts").op("MATCH")(bindparam("fts_q", fts5_query(q))))
        )
    tsquery = func.to_tsquery(literal_column(f"'{PG_CONFIG}'"), bindparam("ts_q", pg_tsquery(q)))
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
    if conn.dialect.name == "sqlite":
        query = text(
            "SELECT d.kind, d.ref_id, d.title, "
            "snippet(search_fts, -1, '<mark>', '</mark>', '…', 16) AS snippet, "
            "bm25(search_fts) AS rank "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :q AND d.kind IN :kinds "
            "ORDER BY rank, d.kind, d.ref_id LIMIT :limit OFFSET :offset"
        ).bindparams(bindparam("kinds", expanding=True))
        params = {"q": fts5_query(q), "kinds": kind_filter, "limit": limit, "offset": offset}
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
            "q": pg_tsquery(q),
            "q_any": pg_tsquery(q, operator="|"),
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
