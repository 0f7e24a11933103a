"""Draft -> review -> load -> serve, on a fixture article; an unreviewed draft is refused."""

import io
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML

from app.drafting.files import next_number
from app.drafting.render import PLACEHOLDER
from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import parse_seeds
from app.main import create_app
from app.settings import Settings
from scripts.draft import main as draft_main
from scripts.seed import main as seed_main
from tests.drafting.conftest import FIXTURES


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    return yaml


def _draft(seeds: Path) -> Path:
    before = set((seeds / "sources").glob("*.yaml"))
    number = next_number(seeds / "sources")
    args = [str(FIXTURES / "wire_report.txt"), "--out", str(seeds / "sources")]
    assert draft_main([*args, "--seeds", str(seeds), "--published-on", "2024"]) == 0
    [drafted] = set((seeds / "sources").glob("*.yaml")) - before
    assert drafted.name.startswith(f"{number:03d}_")
    return drafted


def _review(seeds: Path, drafted: Path) -> str:
    """What a curator does: check each `review:` field, fix what is wrong, delete the
    markers; proposed entities go into the vocabulary with their side."""
    yaml = _yaml()
    doc = yaml.load(drafted.read_text(encoding="utf-8"))
    vocabulary_path = seeds / "vocabulary" / "entities.yaml"
    vocabulary = yaml.load(vocabulary_path.read_text(encoding="utf-8"))
    sides = {"reuters": "independent", "south-koreas-national-intelligence-service": "south_korea"}
    for entity in doc.pop("entities", []):
        del entity["review"]
        entity["side"] = sides[entity["id"]]
        vocabulary["entities"].append(entity)
    doc["source"].pop("review", None)
    for claim in doc["claims"]:
        claim.pop("review", None)
        quote = claim["citations"][0]["quote"]
        if "1,400" in quote:  # "Ukraine ... claimed": Kyiv's claim, not the agency's
            claim["speaker"] = "government-of-ukraine"
        if "1,500" in quote:  # "troops in the Kursk area now": a level, as of the day
            claim["metric"], claim["unit"] = "troops-deployed", "persons"
            claim["period"] = {"end": "2024-10-25"}
    for item in doc["not_claims"]:
        item.pop("review", None)
    for path, data in ((drafted, doc), (vocabulary_path, vocabulary)):
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(doc["source"]["id"])


def test_the_loader_refuses_an_unreviewed_draft(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafted = _draft(seeds_copy)
    with pytest.raises(SeedValidationError) as refused:
        build_dataset(parse_seeds(seeds_copy))
    review_errors = [e for e in refused.value.errors if "review" in e.field]
    assert review_errors and all(e.file == drafted and e.line for e in review_errors)
    assert seed_main(["--check", "--seeds", str(seeds_copy)]) == 1
    assert f"{drafted}:" in capsys.readouterr().err


def test_draft_review_load_and_serve(seeds_copy: Path, tmp_path: Path) -> None:
    drafted = _draft(seeds_copy)
    source_id = _review(seeds_copy, drafted)
    assert seed_main(["--check", "--seeds", str(seeds_copy)]) == 0
    database = tmp_path / "facts.db"
    url = f"sqlite:///{database}"
    assert seed_main(["--seeds", str(seeds_copy), "--database-url", url]) == 0
    with sqlite3.connect(database) as db:
        assert (
            db.execute(
                "SELECT count(*) FROM claim WHERE id IN "
                "(SELECT claim_id FROM citation WHERE source_id = ?)",
                (source_id,),
            ).fetchone()[0]
            == 7
        )
    with TestClient(create_app(Settings(database_url=url))) as client:
        claims = client.get("/v1/claims", params={"source": source_id, "limit": 50}).json()["items"]
        assert len(claims) == 7
        by_value = {c["value"]: c for c in claims}
        first = by_value[1200]
        assert (first["qualifier"], first["hedge"]) == ("at_least", "more than")
        assert first["speaker"]["id"] == "general-staff-ukraine"
        assert first["metric"]["id"] == "personnel-casualties"
        assert first["stated_on"][:10] == "2024-10-25"  # "said on Friday", dateline Oct 25
        assert by_value[12000]["speaker"]["id"] == "south-koreas-national-intelligence-service"
        assert by_value[12000]["stated_on"][:10] == "2024-10-24"  # "on Thursday"
        assert by_value[1400]["speaker"]["id"] == "government-of-ukraine"
        text = client.get(f"/v1/sources/{source_id}/text").text
        for claim in claims:
            for cite in claim["citations"]:
                assert text[cite["char_start"] : cite["char_end"]] == cite["quote"]


def test_every_fixture_draft_loads_once_its_review_markers_are_resolved(seeds_copy: Path) -> None:
    """The draft's format is the seed format: take each marked field as drafted (or the
    plainest fix where the tool left it empty), and the loader accepts every fixture."""
    yaml = _yaml()
    vocabulary_path = seeds_copy / "vocabulary" / "entities.yaml"
    for article in sorted(FIXTURES.glob("*.txt")):
        out = seeds_copy / "sources"
        number = next_number(out)
        expected = yaml.load(article.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
        given = (
            ["--published-on", str(expected["published_on"])] if "published_on" in expected else []
        )
        assert (
            draft_main([str(article), "--out", str(out), "--seeds", str(seeds_copy), *given]) == 0
        )
        [drafted] = out.glob(f"{number:03d}_*.yaml")
        doc = yaml.load(drafted.read_text(encoding="utf-8"))
        vocabulary = yaml.load(vocabulary_path.read_text(encoding="utf-8"))
        known = {e["id"] for e in vocabulary["entities"]}
        for entity in doc.pop("entities", []):
            del entity["review"]
            if entity["id"] not in known:
                vocabulary["entities"].append(entity)
        doc["source"].pop("review", None)
        if doc["source"]["published_on"] is None:
            doc["source"]["published_on_basis"] = None
        for claim in list(doc["claims"]):
            claim.pop("review", None)
            if claim["metric"] == PLACEHOLDER:  # no metric fits: not a claim after all
                doc["claims"].remove(claim)
                for cite in claim["citations"]:
                    doc["not_claims"].append({"quote": cite["quote"], "reason": "No metric."})
            if claim["subject"] == PLACEHOLDER:
                claim["subject"] = "russian-forces"
        for item in doc["not_claims"]:
            item.pop("review", None)
        for path, data in ((drafted, doc), (vocabulary_path, vocabulary)):
            buffer = io.StringIO()
            yaml.dump(data, buffer)
            path.write_text(buffer.getvalue(), encoding="utf-8")
    assert seed_main(["--check", "--seeds", str(seeds_copy)]) == 0
