"""Drafted article YAML: `review:` markers are refused until a human deletes them; entities
an article introduces (top-level `entities:`) join the vocabulary; a claim said at an event
but not linked to it draws a warning."""

import sqlite3
from pathlib import Path

import pytest

from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import parse_seeds
from scripts.seed import main as seed_main
from tests.loader.test_seed_script import STEM_003, edit, line_of

ARTICLE = f"sources/{STEM_003}.yaml"
REVIEW_REASON = "still marked for review; check them and delete the review key"


def vocabulary_line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def errors_of(seeds: Path) -> list[str]:
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds))
    return [str(e) for e in failure.value.errors]


def test_each_item_still_marked_for_review_is_one_error(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy, STEM_003, "value: 909\n", "value: 909\n    review: [speaker, metric]\n")
    edit(seeds_copy, STEM_003, "  language: en\n", "  language: en\n  review: [published_on]\n")
    edit(
        seeds_copy,
        STEM_003,
        "    title: First North Korean soldiers arrive in Kursk\n",
        "    title: First North Korean soldiers arrive in Kursk\n    review: [start]\n",
    )
    entities = seeds_copy / "vocabulary" / "entities.yaml"
    text = entities.read_text(encoding="utf-8")
    entities.write_text(
        text.replace("    side: ukraine\n", "    side: ukraine\n    review: [role]\n", 1), "utf-8"
    )
    path = seeds_copy / ARTICLE
    assert seed_main(["--seeds", str(seeds_copy), "--check"]) == 1
    err = capsys.readouterr().err
    expected = [
        f"{path}:{line_of(seeds_copy, STEM_003, 'review: [speaker, metric]')}: "
        f"claims[16].review: speaker, metric {REVIEW_REASON}",
        f"{path}:{line_of(seeds_copy, STEM_003, 'review: [published_on]')}: "
        f"source.review: published_on {REVIEW_REASON}",
        f"{path}:{line_of(seeds_copy, STEM_003, 'review: [start]')}: "
        f"events[1].review: start {REVIEW_REASON}",
        f"{entities}:{vocabulary_line(entities, 'review: [role]')}: "
        f"entities[0].review: role {REVIEW_REASON}",
    ]
    for line in expected:
        assert line in err.splitlines(), err
    assert "seed: 4 error(s); nothing was written" in err


def test_an_empty_review_list_is_refused_too(seeds_copy: Path) -> None:
    edit(seeds_copy, STEM_003, "value: 909\n", "value: 909\n    review: []\n")
    assert any(
        f"claims[16].review: nothing listed, but the key is {REVIEW_REASON}" in e
        for e in errors_of(seeds_copy)
    )


NEW_ENTITY = """entities:
  - id: kursk-regional-governor
    name: Governor of Kursk Oblast
    kind: person
    side: russia
    aliases: [Kursk governor]
"""


def test_an_article_may_introduce_entities(seeds_copy: Path, tmp_path: Path) -> None:
    path = seeds_copy / ARTICLE
    path.write_text(NEW_ENTITY + path.read_text(encoding="utf-8"), encoding="utf-8")
    edit(
        seeds_copy,
        STEM_003,
        "speaker: general-staff-ukraine\n    value: 909",
        "speaker: kursk-regional-governor\n    value: 909",
    )
    db = tmp_path / "facts.db"
    assert seed_main(["--seeds", str(seeds_copy), "--database-url", f"sqlite:///{db}"]) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT name, kind, side FROM entity WHERE id = 'kursk-regional-governor'"
        ).fetchall() == [("Governor of Kursk Oblast", "person", "russia")]
        assert conn.execute(
            "SELECT entity_id FROM entity_alias WHERE alias = 'Kursk governor'"
        ).fetchall() == [("kursk-regional-governor",)]
        assert conn.execute(
            "SELECT speaker_id FROM claim WHERE id = 'general-staff-russian-prisoners-2025-02-05'"
        ).fetchall() == [("kursk-regional-governor",)]


def test_an_article_entity_may_not_repeat_a_vocabulary_id_or_alias(seeds_copy: Path) -> None:
    path = seeds_copy / ARTICLE
    clash = NEW_ENTITY.replace("kursk-regional-governor", "oleksandr-syrskyi") + NEW_ENTITY.replace(
        "entities:\n", ""
    ).replace("[Kursk governor]", "[Syrsky]")
    path.write_text(clash + path.read_text(encoding="utf-8"), encoding="utf-8")
    entities = seeds_copy / "vocabulary" / "entities.yaml"
    errors = errors_of(seeds_copy)
    syrskyi = vocabulary_line(entities, "- id: oleksandr-syrskyi")
    first = f"(first at {entities}:{syrskyi})"
    assert f"{path}:2: entities[0].id: duplicate entity id 'oleksandr-syrskyi' {first}" in errors
    assert any(
        e.startswith(f"{path}:11: entities[1].aliases: alias 'Syrsky' already names entity ")
        and e.endswith(f"'oleksandr-syrskyi' (at {entities}:{syrskyi})")
        for e in errors
    ), errors


EVENT_AT_909 = """events:
  - id: prisoners-909-announced
    title: The General Staff announces 909 prisoners
    type: statement
    citations:
      - quote: >-
          Ukrainian soldiers captured 909 occupiers, allowing hundreds of defenders held in
          Russian prisons to return home.
"""


def test_a_claim_quoted_inside_an_events_citation_but_not_linked_warns(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(seeds_copy, STEM_003, "events:\n", EVENT_AT_909)
    assert seed_main(["--seeds", str(seeds_copy), "--check"]) == 0
    err = capsys.readouterr().err.splitlines()
    claim_line = line_of(seeds_copy, STEM_003, "id: general-staff-russian-prisoners-2025-02-05")
    assert err == [
        f"warning: {seeds_copy / ARTICLE}:{claim_line}: claims[16].event: quote lies inside "
        "event prisoners-909-announced's citation; link it (event: prisoners-909-announced) "
        "or say why in note",
        "seed: 1 warning(s)",
    ]


@pytest.mark.parametrize(
    "addition",
    [
        "event: prisoners-909-announced",
        "note: Counted before the event prisoners-909-announced, not said at it.",
    ],
)
def test_linking_the_event_or_a_note_naming_it_silences_the_warning(
    seeds_copy: Path, addition: str
) -> None:
    edit(seeds_copy, STEM_003, "events:\n", EVENT_AT_909)
    edit(seeds_copy, STEM_003, "value: 909\n", f"value: 909\n    {addition}\n")
    assert build_dataset(parse_seeds(seeds_copy)).warnings == []


def test_the_seed_data_draws_no_event_link_warning() -> None:
    from tests.conftest import SEEDS

    assert [str(w) for w in build_dataset(parse_seeds(SEEDS)).warnings] == []


def test_linking_another_event_still_warns(seeds_copy: Path) -> None:
    edit(seeds_copy, STEM_003, "events:\n", EVENT_AT_909)
    edit(
        seeds_copy,
        STEM_003,
        "value: 909\n",
        "value: 909\n    event: ukraine-confirms-kursk-operation\n",
    )
    warnings = build_dataset(parse_seeds(seeds_copy)).warnings
    assert [(w.field, w.line) for w in warnings] == [
        (
            "claims[16].event",
            line_of(seeds_copy, STEM_003, "event: ukraine-confirms-kursk-operation"),
        )
    ]
