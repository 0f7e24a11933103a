"""scripts/draft.py: exit codes and messages, and the files it writes."""

import hashlib
from pathlib import Path

import pytest

from app.drafting.files import next_number
from app.settings import PROJECT_ROOT
from scripts.draft import main as draft_main
from tests.drafting.conftest import FIXTURES

SEED_SOURCES = PROJECT_ROOT / "seeds" / "sources"


def test_missing_file_exits_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert draft_main([str(tmp_path / "nope.txt"), "--out", str(tmp_path)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_empty_file_exits_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "empty.txt"
    article.write_text("  \n\n", encoding="utf-8")
    assert draft_main([str(article), "--out", str(tmp_path / "out")]) == 1
    assert "is empty" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_non_utf8_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "latin1.txt"
    article.write_bytes("Stra\xdfe 12 Soldaten".encode("latin-1"))
    assert draft_main([str(article), "--out", str(tmp_path)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_bad_published_on_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = FIXTURES / "wire_report.txt"
    assert draft_main([str(article), "--out", str(tmp_path), "--published-on", "25.10.2024"]) == 1
    assert "--published-on" in capsys.readouterr().err


def test_out_writes_the_text_byte_for_byte_and_the_yaml_numbered_by_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sources"
    out.mkdir()
    taken = max(next_number(SEED_SOURCES), 7)
    (out / f"{taken:03d}_0123456789abcdef.txt").write_text("x", encoding="utf-8")
    article = FIXTURES / "european_style.txt"
    data = article.read_bytes()
    assert draft_main([str(article), "--out", str(out)]) == 0
    stem = f"{taken + 1:03d}_{hashlib.sha256(data).hexdigest()[:16]}"
    assert (out / f"{stem}.txt").read_bytes() == data
    yaml_text = (out / f"{stem}.yaml").read_text(encoding="utf-8")
    assert yaml_text.startswith("# Drafted by scripts/draft.py")
    assert "review: [" in yaml_text
    summary = capsys.readouterr().out
    assert (
        "figures found" in summary and "claims drafted" in summary and "left for review" in summary
    )


def test_the_summary_counts_what_was_drafted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert draft_main([str(FIXTURES / "bulleted_statement.txt"), "--out", str(tmp_path)]) == 0
    assert "7 claims drafted" in capsys.readouterr().out


def test_a_draft_elsewhere_is_numbered_after_the_seed_files(tmp_path: Path) -> None:
    article = tmp_path / "digits.txt"
    article.write_text("12\n", encoding="utf-8")
    assert draft_main([str(article), "--out", str(tmp_path / "out")]) == 0
    [drafted] = (tmp_path / "out").glob("*.yaml")
    number = next_number(SEED_SOURCES)  # after the seed files, though out/ is empty
    assert drafted.name.startswith(f"{number:03d}_")
    text = drafted.read_text(encoding="utf-8")
    assert 'id: "12"' in text  # a numeric headline makes a string id, not a YAML int
    assert f"outlet-source-{number:03d}" in text
