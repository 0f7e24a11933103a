"""Full-text search over claim quotes, events and source texts.

User text never reaches the FTS parser as syntax: it is split into words, each quoted, so
`"`, `*`, `NEAR`, `OR` or unbalanced brackets are just words. A trailing `*` on a word asks
for a prefix match. SQLite uses FTS5 (porter stemming, bm25 ranking); PostgreSQL uses an
English tsvector with `plainto_tsquery`.
"""

import re
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, literal_column, select, text

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


def _tsvector() -> Any:
    return func.to_tsvector(literal_column("'english'"), doc_t.c.title + " " + doc_t.c.body)


def _matching_rowids(conn: Connection, q: str) -> Select[Any]:
    """`search_document.id`s matching q, as a subquery, on either engine."""
    if conn.dialect.name == "sqlite":
        return (
            select(literal_column("rowid"))
            .select_from(text("search_fts"))
            .where(literal_column("search_fts").op("MATCH")(bindparam("fts_q", fts5_query(q))))
        )
    tsquery = func.plainto_tsquery(
        literal_column("'english'"), " ".join(_words(q)).replace("*", "")
    )
    return select(doc_t.c.id).where(_tsvector().op("@@")(tsquery))


def ref_ids_matching(conn: Connection, *, q: str, kind: SearchKind) -> Select[Any]:
    """Ids of claims (or events, sources) whose text matches q, as a subquery."""
    return select(doc_t.c.ref_id).where(
        doc_t.c.kind == kind.value, doc_t.c.id.in_(_matching_rowids(conn, q))
    )


def claim_ids_matching(conn: Connection, *, q: str) -> Select[Any]:
    return ref_ids_matching(conn, q=q, kind=SearchKind.claim)


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
        query = text(
            "SELECT d.kind, d.ref_id, d.title, ts_headline('english', d.body, "
            "plainto_tsquery('english', :q), 'StartSel=<mark>, StopSel=</mark>, MaxWords=24, "
            "MinWords=8') AS snippet, -ts_rank(to_tsvector('english', d.title || ' ' || d.body), "
            "plainto_tsquery('english', :q)) AS rank FROM search_document d "
            "WHERE to_tsvector('english', d.title || ' ' || d.body) @@ "
            "plainto_tsquery('english', :q) AND d.kind IN :kinds "
            "ORDER BY rank, d.kind, d.ref_id LIMIT :limit OFFSET :offset"
        ).bindparams(bindparam("kinds", expanding=True))
        params = {
            "q": " ".join(_words(q)).replace("*", ""),
            "kinds": kind_filter,
            "limit": limit,
            "offset": offset,
        }
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
