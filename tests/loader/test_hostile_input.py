"""Hostile seed files: every one is refused with one `file:line: field: reason` line, exit 1,
no traceback and nothing written; none can hang the loader or exhaust its memory.

Each case writes a small file into a scratch copy of `seeds/` (the `seeds_copy` fixture)."""

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.loader import parse, yaml_files
from app.loader.yaml_files import MAX_DEPTH, MAX_YAML_BYTES
from app.settings import PROJECT_ROOT
from scripts.seed import main as seed_main
from tests.loader.test_seed_script import STEM_003, edit

ARTICLE = f"sources/{STEM_003}.yaml"
VALUE_909 = "value: 909"  # of claims[16] in the 003 annotations


def billion_laughs() -> str:
    """1.3 KB: 24 levels of merge keys, each mapping merging the previous one three times.
    Expanded, it is 3^24 mappings; before the fix validating it hung, memory growing."""
    lines = ["a0: &a0 {x: 1, y: 2}"]
    for i in range(1, 25):
        lines.append(
            f"a{i}: &a{i} {{<<: *a{i - 1}, k{i}: {{<<: *a{i - 1}}}, j{i}: {{<<: *a{i - 1}}}}}"
        )
    return "\n".join([*lines, "source: *a24"]) + "\n"


def check(seeds: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`seed.py --check` in process: exit status and the error lines (without the summary)."""
    code = seed_main(["--seeds", str(seeds), "--check"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    if code:
        assert lines[-1].endswith("nothing was written"), lines
    return code, lines[:-1]


def write_article(text: str | bytes) -> Callable[[Path], None]:
    def write(seeds: Path) -> None:
        path = seeds / ARTICLE
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return write


def set_value(value: str) -> Callable[[Path], None]:
    return lambda seeds: edit(seeds, STEM_003, VALUE_909, f"value: {value}")


# (mutation, file relative to seeds/, line (or the text the mutation edits), field, reason)
CASES = [
    pytest.param(
        set_value(".nan"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "Input should be a finite number",
        id="nan",
    ),
    pytest.param(
        set_value(".inf"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "Input should be a finite number",
        id="inf",
    ),
    pytest.param(
        set_value("-.inf"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "Input should be a finite number",
        id="minus-inf",
    ),
    pytest.param(
        set_value("1e400"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "Input should be a finite number",
        id="1e400",
    ),
    pytest.param(
        set_value("9" * 5000),
        ARTICLE,
        VALUE_909,
        "(yaml)",
        "a number of 5,000 characters; at most 64",
        id="5000-digits",
    ),
    pytest.param(
        set_value("true"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "true is a boolean, not a number",
        id="boolean",
    ),
    pytest.param(
        set_value("'909'"),
        ARTICLE,
        VALUE_909,
        "claims[16].value",
        "Input should be a valid number",
        id="quoted-number",
    ),
    pytest.param(
        write_article("source: " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ARTICLE,
        1,
        "(yaml)",
        f"nested more than {MAX_DEPTH} levels deep",
        id="nesting-100000-flow",
    ),
    pytest.param(
        write_article("".join(f"{' ' * i}- \n" for i in range(0, 2000, 2))),
        ARTICLE,
        MAX_DEPTH + 1,
        "(yaml)",
        f"nested more than {MAX_DEPTH} levels deep",
        id="nesting-block",
    ),
    pytest.param(
        write_article(billion_laughs()),
        ARTICLE,
        1,
        "(yaml)",
        "anchor &a0 is not allowed in seed files",
        id="billion-laughs",
    ),
    pytest.param(
        write_article("source:\n  id: x\n  title: *nowhere\n"),
        ARTICLE,
        3,
        "(yaml)",
        "alias *nowhere is not allowed in seed files",
        id="alias",
    ),
    pytest.param(
        write_article("source:\n  <<: {id: x}\n  title: t\n"),
        ARTICLE,
        2,
        "(yaml)",
        "merge keys (<<) are not allowed in seed files",
        id="merge-key",
    ),
    pytest.param(
        write_article(b"source:\n  id: x\n  title: caf\xe9\n"),
        ARTICLE,
        3,
        "(file)",
        "not UTF-8: byte 0xe9 at offset 28",
        id="not-utf8",
    ),
    pytest.param(
        write_article(""),
        ARTICLE,
        1,
        "(document)",
        "the file is empty; expected a mapping",
        id="empty",
    ),
    pytest.param(
        write_article("# only a comment\n"),
        ARTICLE,
        1,
        "(document)",
        "the file is empty",
        id="comment-only",
    ),
    pytest.param(
        write_article("- source\n- claims\n"),
        ARTICLE,
        1,
        "(document)",
        "the top level is a list; expected a mapping",
        id="top-level-list",
    ),
    pytest.param(
        write_article("hello\n"),
        ARTICLE,
        1,
        "(document)",
        "the top level is a single value ('hello'); expected a mapping",
        id="top-level-scalar",
    ),
    pytest.param(
        write_article("source: {id: x\n"), ARTICLE, 2, "(yaml)", "expected ',' or '}'", id="syntax"
    ),
    pytest.param(
        write_article("source: a\x07b\n"),
        ARTICLE,
        1,
        "(yaml)",
        "unacceptable character",
        id="control-character",
    ),
    pytest.param(
        lambda s: edit(s, STEM_003, "stated_on: 2025-02-06", "stated_on: '٢٠٢٥-02-06'"),
        ARTICLE,
        "stated_on: 2025-02-06",
        "claims[0].stated_on",
        "'٢٠٢٥-02-06' is not a date: expected YYYY-MM-DD",
        id="arabic-indic-date",
    ),
    pytest.param(
        # Passed --check, then the load ended in a traceback (UnicodeEncodeError).
        lambda s: edit(s, STEM_003, VALUE_909, f'note: "a \\udc80 b"\n    {VALUE_909}'),
        ARTICLE,
        VALUE_909,
        "(yaml)",
        "\\udc80 is a lone surrogate, not a character",
        id="lone-surrogate",
    ),
    *(
        pytest.param(
            # YAML 1.1 forms ruamel reads as numbers: a typo became another figure, silently.
            set_value(written),
            ARTICLE,
            VALUE_909,
            "(yaml)",
            f"{written!r} is not a plain decimal number",
            id=f"number-{name}",
        )
        for name, written in (("hex", "0x38D"), ("octal", "0o1615"), ("underscore", "9_09"))
    ),
]


@pytest.mark.parametrize(("mutate", "file", "line", "field", "reason"), CASES)
def test_hostile_file_is_one_located_error(
    seeds_copy: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[Path], None],
    file: str,
    line: int | str,
    field: str,
    reason: str,
) -> None:
    if isinstance(line, str):  # the line the mutation edits (its first occurrence)
        lines = (seeds_copy / ARTICLE).read_text(encoding="utf-8").splitlines()
        line = next(i for i, text in enumerate(lines, start=1) if line in text)
    mutate(seeds_copy)
    code, errors = check(seeds_copy, capsys)
    assert code == 1
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{seeds_copy / file}:{line}: {field}: {reason}"), errors


def test_billion_laughs_fails_fast_in_bounded_memory(seeds_copy: Path) -> None:
    """Before: `seed.py --check` on this 1.3 KB file ran past 60 s with memory growing (572 MB
    at 60 s). Run as a separate process capped at 1 GB of address space and 60 s."""
    write_article(billion_laughs())(seeds_copy)
    assert len(billion_laughs()) < 1400

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "scripts/seed.py", "--seeds", str(seeds_copy), "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=cap_memory,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{seeds_copy / ARTICLE}:1: (yaml): anchor &a0 is not allowed" in result.stderr


def test_a_yaml_file_over_the_size_limit_is_refused_unread(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = seeds_copy / ARTICLE
    path.write_bytes(path.read_bytes() + b"# " + b"x" * MAX_YAML_BYTES + b"\n")
    code, errors = check(seeds_copy, capsys)
    assert code == 1
    assert errors == [f"{path}: (file): larger than the limit of {MAX_YAML_BYTES:,} bytes"]


def test_a_text_over_the_size_limit_is_refused(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = max((seeds_copy / "sources").glob("*.txt"), key=lambda p: p.stat().st_size)
    limit = text.stat().st_size - 1
    monkeypatch.setattr(parse, "MAX_TEXT_BYTES", limit)
    code, errors = check(seeds_copy, capsys)
    assert code == 1
    assert errors == [f"{text}: (file): larger than the limit of {limit:,} bytes"]


def test_a_text_with_a_nul_character_is_refused(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = seeds_copy / "sources" / f"{STEM_003}.txt"
    text.write_bytes(b"first line\nsecond \x00 line\n" + text.read_bytes())
    code, errors = check(seeds_copy, capsys)
    assert code == 1
    assert errors[0] == f"{text}:2: (file): a NUL character (U+0000) at 18"


def test_a_file_name_that_is_not_utf8_is_reported_printably(seeds_copy: Path) -> None:
    """Before: the name reached pydantic's errors and the database; printed, it could crash
    the output. Now: one error per such file, printable on any stream, exit 1."""
    sources = seeds_copy / "sources"
    for suffix in (b".yaml", b".txt"):
        (sources / os.fsdecode(b"005_\xff" + suffix)).write_bytes(b"source: {}\n")
    result = subprocess.run(
        [sys.executable, "scripts/seed.py", "--seeds", str(seeds_copy), "--check"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    err = result.stderr.decode("utf-8")
    assert result.returncode == 1
    assert "Traceback" not in err
    assert err.splitlines()[:2] == [
        f"{sources}: (file): file name '005_\\udcff.txt' is not UTF-8",
        f"{sources}: (file): file name '005_\\udcff.yaml' is not UTF-8",
    ]


def test_an_unexpected_exception_names_its_file(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loader bug on one file still ends as `file: (file): unexpected ...`, not a traceback."""

    def explode(path: Path) -> None:
        raise KeyError("boom")

    real = yaml_files.read_yaml
    monkeypatch.setattr(
        parse, "read_yaml", lambda p: explode(p) if p.name.startswith("003_") else real(p)
    )
    code, errors = check(seeds_copy, capsys)
    assert code == 1
    assert errors == [f"{seeds_copy / ARTICLE}: (file): unexpected KeyError: 'boom'"]
