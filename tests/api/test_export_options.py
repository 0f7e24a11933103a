"""CSV export options (issue 10 point 7): a UTF-8 BOM on request, every citation available
(joined in one row per claim, or one row per citation), the source's date and URL."""

import csv
import io

from fastapi.testclient import TestClient

MULTI = "/v1/export/claims.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_bom_is_only_there_when_asked(client: TestClient) -> None:
    plain = client.get(MULTI)
    with_bom = client.get(f"{MULTI}?bom=true")
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    assert with_bom.content.startswith(b"\xef\xbb\xbfid,metric_id,")
    assert with_bom.content[3:] == plain.content
    # Excel reads "’" right only with the BOM; Python's utf-8-sig drops it.
    assert _rows(with_bom.content.decode("utf-8-sig")) == _rows(plain.text)


def test_every_citation_is_in_the_export(client: TestClient) -> None:
    claims = {c["id"]: c for c in client.get("/v1/claims?limit=500").json()["items"]}
    cited_twice = [c for c in claims.values() if len(c["citations"]) > 1]
    assert len(cited_twice) >= 10  # 12 of the 44 seed claims
    per_claim = {r["id"]: r for r in _rows(client.get(MULTI).text)}
    by_citation = client.get(f"{MULTI}?rows=citations")
    per_citation = _rows(by_citation.text)
    assert len(per_citation) == sum(len(c["citations"]) for c in claims.values())
    # The header announces the rows of the file: 57 citations, not the 45 claims.
    assert by_citation.headers["x-row-count"] == str(len(per_citation)) == "57"
    assert client.get(MULTI).headers["x-row-count"] == str(len(claims)) == "45"
    filtered = client.get(f"{MULTI}?rows=citations&speaker=zelensky")
    assert filtered.headers["x-row-count"] == str(len(_rows(filtered.text)))
    for claim in cited_twice:
        quotes = [c["quote"] for c in claim["citations"]]
        row = per_claim[claim["id"]]
        assert row["citation_count"] == str(len(quotes))
        assert row["quote"].split("\n") == quotes
        assert row["source_id"].split("\n") == [c["source_id"] for c in claim["citations"]]
        mine = [r for r in per_citation if r["id"] == claim["id"]]
        assert [r["quote"] for r in mine] == quotes
        assert [r["citation_position"] for r in mine] == [str(n) for n in range(1, len(quotes) + 1)]
        assert {r["value"] for r in mine} == {row["value"]}


def test_sources_bring_their_published_date_and_url(client: TestClient) -> None:
    sources = {s["id"]: s for s in client.get("/v1/sources?limit=500").json()["items"]}
    rows = _rows(client.get(f"{MULTI}?rows=citations").text)
    assert {"source_published_on", "source_url"} <= set(rows[0])
    assert any(r["source_published_on"] for r in rows)
    for row in rows:
        source = sources[row["source_id"]]
        assert row["source_url"] == (source["url"] or "")
        shown = source["published_on"] or ""
        length = {"year": 4, "month": 7}.get(source["published_on_precision"], 10)
        assert row["source_published_on"] == shown[:length]


def test_csv_options_are_checked_and_ndjson_is_unchanged(client: TestClient) -> None:
    bad = client.get(f"{MULTI}?rows=sources")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["parameter"] == "rows"
    ndjson = client.get("/v1/export/claims.ndjson?speaker=zelensky").text.splitlines()
    assert all('"citations":[' in line for line in ndjson)
    assert b"\xef\xbb\xbf" not in client.get("/v1/export/claims.ndjson").content


def test_filters_apply_to_both_csv_shapes(client: TestClient) -> None:
    ids = [c["id"] for c in client.get("/v1/claims?speaker=zelensky").json()["items"]]
    rows = _rows(client.get(f"{MULTI}?speaker=zelensky&rows=citations&bom=true").text[1:])
    assert sorted({r["id"] for r in rows}) == sorted(ids)
