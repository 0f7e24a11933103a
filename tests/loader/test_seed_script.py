"""The seed script: precise errors, nothing half-loaded, the same database twice."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from scripts.seed import main as seed_main

STEM_003 = "003_03e9864f50847074"
STEM_002 = "002_c52380dca3ac0489"


def edit(seeds: Path, stem: str, old: str, new: str) -> None:
    path = seeds / "sources" / f"{stem}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(seeds: Path, stem: str, needle: str) -> int:
    """The last line containing needle (a duplicate stands after the original)."""
    lines = (seeds / "sources" / f"{stem}.yaml").read_text(encoding="utf-8").splitlines()
    return max(i for i, line in enumerate(lines, start=1) if needle in line)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded_db(tmp_path: Path, seeds_copy: Path) -> Path:
    db = tmp_path / "facts.db"
    assert seed_main(["--seeds", str(seeds_copy), "--database-url", f"sqlite:///{db}"]) == 0
    return db


def run_seed(
    seeds: Path, db: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    code = seed_main(["--seeds", str(seeds), "--database-url", f"sqlite:///{db}", *extra])
    return code, capsys.readouterr().err


CASES = [
    pytest.param(
        STEM_003,
        "quote: Ukrainian soldiers captured 909 occupiers",
        "quote: Ukrainian soldiers captured 990 occupiers",
        "claims[16].citations[0].quote",
        "is not a verbatim substring",
        id="quote-not-in-text",
    ),
    pytest.param(
        STEM_003,
        "metric: uav-losses",
        "metric: drone-losses",
        "claims[13].metric",
        "unknown metric 'drone-losses'",
        id="unknown-metric",
    ),
    pytest.param(
        STEM_002,
        "stated_on: 2024-12-23",
        "stated_on: 2024-12-32",
        "claims[6].stated_on",
        "is not a date: expected YYYY-MM-DD",
        id="malformed-date",
    ),
    pytest.param(
        STEM_003,
        "id: general-staff-russian-killed-2025-02-05",
        "id: general-staff-russian-casualties-2025-02-05",
        "claims[1].id",
        "duplicate claim id",
        id="duplicate-id",
    ),
]


@pytest.mark.parametrize(("stem", "old", "new", "field", "reason"), CASES)
def test_bad_input_names_file_line_field_and_leaves_db_untouched(
    seeds_copy: Path,
    loaded_db: Path,
    capsys: pytest.CaptureFixture[str],
    stem: str,
    old: str,
    new: str,
    field: str,
    reason: str,
) -> None:
    capsys.readouterr()
    before = digest(loaded_db)
    edit(seeds_copy, stem, old, new)
    code, err = run_seed(seeds_copy, loaded_db, capsys)
    assert code == 1
    line = line_of(seeds_copy, stem, new.split(": ", 1)[1] if field.endswith("id") else new)
    expected = f"{seeds_copy / 'sources' / (stem + '.yaml')}:{line}: {field}: "
    assert expected in err, err
    assert reason in err
    assert "nothing was written" in err
    assert digest(loaded_db) == before


def test_check_mode_validates_without_writing(
    seeds_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "never.db"
    code, _ = run_seed(seeds_copy, db, capsys, "--check")
    assert code == 0
    assert not db.exists()
    edit(seeds_copy, STEM_003, "value: 909", "value: 9O9")
    code, err = run_seed(seeds_copy, db, capsys, "--check")
    assert code == 1 and "claims[16].value" in err
    assert not db.exists()


def test_loading_twice_gives_the_same_database(
    seeds_copy: Path, loaded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def dump() -> list[str]:
        with sqlite3.connect(loaded_db) as conn:
            return list(conn.iterdump())

    first = dump()
    assert run_seed(seeds_copy, loaded_db, capsys)[0] == 0
    assert dump() == first


def test_a_failure_during_the_write_leaves_the_old_database(
    seeds_copy: Path,
    loaded_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.loader import write

    before = digest(loaded_db)

    def explode(*_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "_insert", explode)
    with pytest.raises(RuntimeError):
        run_seed(seeds_copy, loaded_db, capsys)
    assert digest(loaded_db) == before
    assert list(loaded_db.parent.glob("*.loading-*")) == []


def test_a_killed_load_leaves_the_old_database(seeds_copy: Path, loaded_db: Path) -> None:
    """SIGKILL mid-load (after the new file is half-written) keeps the previous database."""
    before = digest(loaded_db)
    code = (
        "import os, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from app.loader import write\n"
        "real = write._insert\n"
        "def insert_then_die(conn, dataset):\n"
        "    real(conn, dataset)\n"
        "    os.kill(os.getpid(), 9)\n"
        "write._insert = insert_then_die\n"
        "from scripts.seed import main\n"
        "main(['--seeds', sys.argv[2], '--database-url', 'sqlite:///' + sys.argv[3]])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(PROJECT_ROOT), str(seeds_copy), str(loaded_db)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert result.returncode == -9
    assert digest(loaded_db) == before
    # The next load cleans up what the killed one left behind.
    assert list(loaded_db.parent.glob("*.loading-*"))
    assert seed_main(["--seeds", str(seeds_copy), "--database-url", f"sqlite:///{loaded_db}"]) == 0
    assert list(loaded_db.parent.glob("*.loading-*")) == []


def test_seed_command_line_exit_status_and_message(seeds_copy: Path, tmp_path: Path) -> None:
    edit(seeds_copy, STEM_003, "metric: uav-losses", "metric: drone-losses")
    result = subprocess.run(
        [sys.executable, "scripts/seed.py", "--seeds", str(seeds_copy), "--check"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 1
    assert "unknown metric 'drone-losses'" in result.stderr
    assert "Traceback" not in result.stderr


def test_printed_errors_are_capped(seeds_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: every error printed, however many. Now the first 200, then how many more."""
    entities = seeds_copy / "vocabulary" / "entities.yaml"
    bad = "".join(
        f"  - {{id: bogus-{i}, name: Bogus {i}, kind: spaceship, side: ukraine}}\n"
        for i in range(250)
    )
    entities.write_text(entities.read_text(encoding="utf-8") + bad, encoding="utf-8")
    code = seed_main(["--seeds", str(seeds_copy), "--check"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert len(err) == 202
    assert all("].kind: Input should be " in line for line in err[:200])
    assert err[200:] == ["... and 50 more errors", "seed: 250 error(s); nothing was written"]
