"""Search that finds what people type: phrases, entity aliases (transliterations, Cyrillic),
synonyms, and a claim's place, note, metric and names; on /v1/search, /v1/claims?q= and
/v1/events?q= alike. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.loader.build import build_dataset
from app.loader.parse import parse_seeds
from app.queries.errors import InvalidParameterError
from app.queries.search import MAX_WORDS, Phrase, build_query, fts5_query, pg_tsquery
from tests.conftest import SEEDS

PRISONERS_860 = "general-staff-russian-prisoners-2025-01-06"
PRISONER_CLAIMS = {
    PRISONERS_860,
    "general-staff-russian-prisoners-2025-02-05",
    "syrskyi-russian-prisoners-2025-01-01",
}
ZELENSKYY_CLAIMS = {
    "zelenskyy-dprk-casualties-2024-12-23",
    "zelenskyy-russian-casualties-2025-01-06",
    "zelenskyy-russian-irrecoverable-losses-2025-01-06",
    "zelenskyy-russian-troops-in-kursk-2025-01",
}
SYRSKYI_CLAIMS = {
    "syrskyi-russian-casualties-2025-01-01",
    "syrskyi-russian-equipment-losses-2025-01-01",
    "syrskyi-russian-prisoners-2025-01-01",
    "syrskyi-territory-held-2025",
}
PERPETUA_408 = "perpetua-makhnovka-casualties-2025-01-06"


def claims(client: TestClient, q: str, **params: Any) -> set[str]:
    response = client.get("/v1/claims", params={"q": q, "limit": 500, **params})
    assert response.status_code == 200, response.text
    return {c["id"] for c in response.json()["items"]}


def hits(client: TestClient, q: str, kind: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"q": q, "limit": 100}
    if kind:
        params["kind"] = kind
    response = client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def events(client: TestClient, q: str) -> set[str]:
    response = client.get("/v1/events", params={"q": q, "limit": 500})
    assert response.status_code == 200, response.text
    return {e["id"] for e in response.json()["items"]}


# --- phrases ----------------------------------------------------------------------------------


def test_a_quoted_phrase_matches_its_words_in_order(client: TestClient) -> None:
    assert claims(client, '"taken prisoner"') == {PRISONERS_860}
    assert [(h["kind"], h["id"]) for h in hits(client, '"taken prisoner"', "claim")] == [
        ("claim", PRISONERS_860)
    ]
    # FTS5 marks the phrase, PostgreSQL's ts_headline each of its words.
    snippet = hits(client, '"taken prisoner"', "claim")[0]["snippet"]
    assert "<mark>taken prisoner</mark>" in snippet.replace("</mark> <mark>", " ")


def test_the_same_words_in_another_order_are_not_the_phrase(client: TestClient) -> None:
    assert claims(client, '"prisoner taken"') == set()
    assert hits(client, '"prisoner taken"') == []
    # Unquoted, the words are only ANDed: the order does not matter.
    assert PRISONERS_860 in claims(client, "prisoner taken")


def test_phrases_and_words_combine(client: TestClient) -> None:
    assert claims(client, '"taken prisoner" 860') == {PRISONERS_860}
    assert claims(client, '"taken prisoner" 909') == set()
    # A prefix still works, alone and beside a phrase.
    assert claims(client, '"Russian soldiers" priso*') == {PRISONERS_860}


def test_words_joined_by_punctuation_are_a_phrase(client: TestClient) -> None:
    # "38,000" is the number, not any text holding 38 and 000 somewhere.
    found = claims(client, "38,000")
    assert "zelenskyy-russian-casualties-2025-01-06" in found
    for claim_id in found:
        claim = client.get(f"/v1/claims/{claim_id}").json()
        quotes = " ".join(c["quote"] for c in claim["citations"])
        text = f"{quotes} {claim['note']} {claim['speaker']['name']}"
        assert "38,000" in text, claim_id


@pytest.mark.parametrize("q", ['"', '""', '"taken prisoner', 'prisoner"', '" "', '"*"'])
def test_unbalanced_or_empty_quotes_are_safe(client: TestClient, q: str) -> None:
    for path in ("/v1/search", "/v1/claims", "/v1/events"):
        response = client.get(path, params={"q": q})
        assert response.status_code in (200, 422), (path, q, response.text)


def test_an_unbalanced_quote_leaves_plain_words(client: TestClient) -> None:
    # The stray quote separates nothing: these are the words prisoner AND taken.
    assert claims(client, '"prisoner taken') == claims(client, "prisoner taken")


# --- entity names through their aliases -------------------------------------------------------


def _mentions(client: TestClient, claim_id: str, names: list[str]) -> bool:
    """Whether a claim's quotes, note, speaker or subject name holds one of the names."""
    claim = client.get(f"/v1/claims/{claim_id}").json()
    quotes = " ".join(c["quote"] for c in claim["citations"])
    text = f"{quotes} {claim['note']} {claim['speaker']['name']} {claim['subject']['name']}"
    return any(name in text for name in names)


@pytest.mark.parametrize(
    "q", ["Zelenskyy", "zelensky", "Zelenskiy", "Зеленський", "Зеленский", "Володимир Зеленський"]
)
def test_a_person_is_found_by_any_spelling(client: TestClient, q: str) -> None:
    # Every spelling gives one answer: the claims Zelenskyy made or is the subject of, and
    # those whose text names him (a note comparing a figure with "Zelenskyy's 60,000").
    found = claims(client, q)
    assert found == claims(client, "Volodymyr Zelenskyy")
    assert found >= ZELENSKYY_CLAIMS
    for claim_id in found - ZELENSKYY_CLAIMS:
        assert _mentions(client, claim_id, ["Zelensk"]), claim_id


@pytest.mark.parametrize(
    "q", ["Syrskyi", "Syrsky", "Syrskiy", "Сирський", "Сырский", "Александр Сырский"]
)
def test_syrskyi_is_found_by_any_spelling(client: TestClient, q: str) -> None:
    found = claims(client, q)
    assert found == claims(client, "Oleksandr Syrskyi")
    assert found >= SYRSKYI_CLAIMS
    # The others name him: outlet 002's claims, whose outlet is named by its article's
    # title ("... Syrskyi says").
    for claim_id in found - SYRSKYI_CLAIMS:
        assert _mentions(client, claim_id, ["Syrsk"]), claim_id


def test_a_name_quoted_is_taken_as_typed(client: TestClient) -> None:
    # Quotes mean "these words": the texts never write Зеленський.
    assert claims(client, '"Зеленський"') == set()
    assert claims(client, '"Volodymyr Zelenskyy"') >= ZELENSKYY_CLAIMS


def test_a_speakers_claims_are_found_though_the_quote_never_names_him(
    client: TestClient,
) -> None:
    # Syrskyi's prisoner quote reads "the general added": his name is not in it.
    claim = client.get("/v1/claims/syrskyi-russian-prisoners-2025-01-01").json()
    assert "Syrsk" not in " ".join(c["quote"] for c in claim["citations"])
    assert "syrskyi-russian-prisoners-2025-01-01" in claims(client, "Сирський")


def test_alias_search_combines_with_words_and_stays_precise(client: TestClient) -> None:
    assert claims(client, "Зеленський irrecoverable") == {
        "zelenskyy-russian-irrecoverable-losses-2025-01-06"
    }
    assert claims(client, "Сирський irrecoverable") == set()
    # A spelling of no one finds nothing.
    assert claims(client, "Зеленскийй") == set()


def test_the_subject_is_found_by_its_names(client: TestClient) -> None:
    # "KPA" and its Ukrainian spelling are aliases of North Korean forces: they find every
    # claim about them (and those whose text names them otherwise).
    response = client.get("/v1/claims", params={"subject": "dprk-forces", "limit": 500})
    dprk = {c["id"] for c in response.json()["items"]}
    assert dprk
    assert claims(client, "KPA") >= dprk
    assert claims(client, "KPA") == claims(client, "Корейська народна армія")


def test_a_multi_word_alias_is_found_as_typed(client: TestClient) -> None:
    mod = {"russian-mod-assaults-repelled-2025-01-06"}
    assert claims(client, "Russia's Defense Ministry") == mod
    assert claims(client, "Минобороны России") == mod


def test_search_and_events_find_people_by_alias(client: TestClient) -> None:
    found = {(h["kind"], h["id"]) for h in hits(client, "Зеленський")}
    assert {("claim", c) for c in ZELENSKYY_CLAIMS} <= found
    assert ("event", "zelenskyy-statement-2025-01-06") in found
    assert "zelenskyy-statement-2025-01-06" in events(client, "Zelenskiy")
    assert events(client, "Зеленскийй") == set()
    # Texts are found by any spelling of the names they use ("General Oleksandr Syrsky").
    sources = {h["id"] for h in hits(client, "Сирський", "source")}
    assert "ukrainian-troops-still-hold-kursk-territory-2025" in sources


def test_documents_hold_display_names_and_aliases_are_expanded_when_searching() -> None:
    """Each claim's search text carries its subject's name (the title its speaker's), not
    every alias: aliases are expanded at query time, which keeps the index small."""
    dataset = build_dataset(parse_seeds(SEEDS))
    docs = {r["ref_id"]: r for r in dataset.rows("search_document") if r["kind"] == "claim"}
    perpetua = docs[PERPETUA_408]
    assert perpetua["title"] == "Andrew Perpetua: Personnel casualties"
    assert "Makhnovka, Kursk Oblast" in perpetua["body"]  # place
    assert "in a single day" in perpetua["body"]  # note
    assert "Combined Russian and North Korean forces" in perpetua["body"]  # subject
    zelenskyy = docs["zelenskyy-russian-casualties-2025-01-06"]
    assert "Volodymyr Zelenskyy" in zelenskyy["title"]
    assert "Зеленський" not in zelenskyy["title"] + zelenskyy["body"]


def test_cyrillic_aliases_are_served_and_filter_speakers(client: TestClient) -> None:
    zelenskyy = client.get("/v1/entities/volodymyr-zelenskyy").json()
    assert {"Zelenskiy", "Зеленський", "Зеленский"} <= set(zelenskyy["aliases"])
    by_alias = client.get("/v1/claims", params={"speaker": "Сирський", "limit": 500}).json()
    assert {c["id"] for c in by_alias["items"]} == SYRSKYI_CLAIMS


# --- synonyms ---------------------------------------------------------------------------------


def test_pow_finds_the_prisoner_claims(client: TestClient) -> None:
    assert claims(client, "POW") == PRISONER_CLAIMS
    assert claims(client, "POWs") == PRISONER_CLAIMS
    assert {h["id"] for h in hits(client, "POW", "claim")} == PRISONER_CLAIMS
    # Without the synonym group nothing in the texts says "POW".
    assert claims(client, '"POW"') == set()


def test_a_multi_word_term_expands_unquoted_and_stays_literal_quoted(client: TestClient) -> None:
    assert claims(client, "prisoners of war") == PRISONER_CLAIMS
    assert claims(client, "Prisoners-of-war") == PRISONER_CLAIMS
    assert claims(client, '"prisoners of war"') == set()


def test_synonyms_run_both_ways(client: TestClient) -> None:
    # km² <-> square kilometers: the texts use both.
    km2 = claims(client, "km²")
    assert "syrskyi-territory-held-2025" in km2  # "90 square kilometers"
    assert claims(client, "sq km") == km2 == claims(client, "square kilometres")
    # KIA <-> killed
    assert claims(client, "KIA") == claims(client, "killed")
    assert "western-intelligence-dprk-killed-2025-01" in claims(client, "KIA")
    # casualties <-> losses
    assert claims(client, "casualties") == claims(client, "losses")
    # DPRK <-> North Korean
    assert "zelenskyy-dprk-casualties-2024-12-23" in claims(client, "DPRK")


def test_a_word_outside_every_group_is_not_expanded(client: TestClient) -> None:
    # "captured" is deliberately in no group (it also means territory): it finds territory
    # claims, and POW does not.
    captured = claims(client, "captured")
    assert "kyiv-territory-captured-2024" in captured
    assert "kyiv-territory-captured-2024" not in claims(client, "POW")


def test_a_prefix_is_never_a_synonym(client: TestClient) -> None:
    assert claims(client, "POW*") == set()


def test_synonyms_apply_on_search_and_events(client: TestClient) -> None:
    assert "makhnovka-failed-assault" in events(client, "DPRK")
    assert {h["id"] for h in hits(client, "KIA")} >= {"western-intelligence-dprk-killed-2025-01"}


# --- place, note, metric name, names ----------------------------------------------------------


def test_makhnovka_finds_perpetuas_408_claim_by_its_place(client: TestClient) -> None:
    perpetua = client.get(f"/v1/claims/{PERPETUA_408}").json()
    assert perpetua["value"] == 408
    assert "Makhnovka" not in " ".join(c["quote"] for c in perpetua["citations"])
    assert PERPETUA_408 in claims(client, "Makhnovka")
    assert ("claim", PERPETUA_408) in {(h["kind"], h["id"]) for h in hits(client, "Makhnovka")}
    assert claims(client, "Makhnovka Perpetua") == {PERPETUA_408}
    assert PERPETUA_408 not in claims(client, "Makhnovka Zelenskyy")


def test_a_claims_note_is_searchable(client: TestClient) -> None:
    # The note of the 408 claim: Visually confirmed casualties "in a single day"; which day
    # is not stated.
    assert PERPETUA_408 in claims(client, '"which day is not stated"')
    assert claims(client, '"which day is not stated" KIA') == set()


def test_the_metric_name_is_searchable(client: TestClient) -> None:
    helicopters = client.get(
        "/v1/claims", params={"metric": "helicopter-losses", "limit": 500}
    ).json()
    by_metric = {c["id"] for c in helicopters["items"]}
    assert by_metric and claims(client, '"Helicopter losses"') == by_metric


# --- the query expression itself --------------------------------------------------------------


def test_build_query_bounds_and_safety() -> None:
    groups = {"pow": ["POW", "prisoners of war"], "prisoners of war": ["POW", "prisoners of war"]}
    query = build_query('POW "taken prisoner" occupi* x_y', groups)
    assert query == [
        (Phrase(("pow",)), Phrase(("prisoners", "of", "war"))),
        (Phrase(("taken", "prisoner")),),
        (Phrase(("occupi",), prefix=True),),
        (Phrase(("x",)),),
        (Phrase(("y",)),),
    ]
    assert fts5_query(query) == (
        '("pow" OR "prisoners of war") AND "taken prisoner" AND "occupi"* AND "x" AND "y"'
    )
    assert pg_tsquery(query) == (
        "('pow' | ('prisoners' <-> 'of' <-> 'war')) & ('taken' <-> 'prisoner') & 'occupi':* "
        "& 'x' & 'y'"
    )
    # At most MAX_WORDS words outside quotes; more is a 422, never a query cut short (the
    # 17th word was dropped, and the answer was of a wider question).
    assert len(build_query(" ".join(f"w{i}" for i in range(MAX_WORDS)), {})) == MAX_WORDS
    with pytest.raises(InvalidParameterError, match="17 words outside quotes"):
        build_query(" ".join(f"w{i}" for i in range(MAX_WORDS + 1)), {})
    # A quoted phrase is never expanded: it may be longer (a sentence to find as quoted).
    sentence = " ".join(f"w{i}" for i in range(30))
    assert build_query(f'"{sentence}"', {}) == [(Phrase(tuple(sentence.split())),)]
    # A query never grows past MAX_PHRASES phrases: past it is a 422, not the later terms
    # searched as typed (five spellings of Syrskyi found nothing: the fifth, as typed, was
    # ANDed to the others).
    big = {f"a{i}": [f"t{i}-{j}" for j in range(12)] for i in range(MAX_WORDS)}
    with pytest.raises(InvalidParameterError, match="more than 64 alternatives"):
        build_query(" ".join(big), big)
    # A term whose alternatives an earlier term already has adds nothing (A AND A is A).
    spellings = ["syrsky", "syrskyi", "syrskiy", "syrskyy", "сирський"]
    names = {s: spellings for s in spellings}
    assert build_query(" ".join(spellings * 3), names) == [tuple(Phrase((s,)) for s in spellings)]
