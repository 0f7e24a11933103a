"""seeds/vocabulary/synonyms.yaml is validated like the other vocabulary files: every problem
is reported with its file, line and field, and nothing is loaded."""

from pathlib import Path

import pytest

from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import SYNONYMS_FILE, parse_seeds
from app.loader.synonyms import SYNONYM_GROUP_MAX

HEADER = "synonyms:\n"


def errors_for(seeds: Path, body: str) -> list[str]:
    """The errors (`file:line: field: reason`) after replacing synonyms.yaml with body."""
    (seeds / SYNONYMS_FILE).write_text(body, encoding="utf-8")
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds))
    return [str(e) for e in failure.value.errors]


def test_the_seed_synonyms_load(seeds_copy: Path) -> None:
    rows = build_dataset(parse_seeds(seeds_copy)).rows("search_synonym")
    pow_group = {r["group_id"] for r in rows if r["term_key"] == "pow"}
    assert len(pow_group) == 1
    assert {r["term_key"] for r in rows if r["group_id"] in pow_group} >= {
        "pow",
        "prisoners of war",
        "taken prisoner",
    }


def test_a_term_in_two_groups_is_an_error_naming_both(seeds_copy: Path) -> None:
    errors = errors_for(
        seeds_copy,
        HEADER
        + "  - [POW, prisoners of war]\n  - [losses, casualties]\n  - [KIA, Prisoners-of-War]\n",
    )
    assert errors == [
        f"{seeds_copy / SYNONYMS_FILE}:4: synonyms[2][1]: term 'Prisoners-of-War' is already in "
        "synonyms[0] (as 'prisoners of war'); a term belongs to one group"
    ]


def test_a_term_twice_in_one_group_is_an_error(seeds_copy: Path) -> None:
    errors = errors_for(seeds_copy, HEADER + "  - [losses, casualties]\n  - [KIA, killed, kia]\n")
    assert errors == [
        f"{seeds_copy / SYNONYMS_FILE}:3: synonyms[1][2]: term 'kia' is already in this group "
        "(as 'KIA'); a term belongs to one group"
    ]


@pytest.mark.parametrize(
    ("group", "field", "reason"),
    [
        ("[]", "synonyms[1]", "List should have at least 2 items"),
        ("[POW]", "synonyms[1]", "List should have at least 2 items"),
        (
            "[" + ", ".join(f"t{i}" for i in range(SYNONYM_GROUP_MAX + 1)) + "]",
            "synonyms[1]",
            f"List should have at most {SYNONYM_GROUP_MAX} items",
        ),
        ('[POW, "***"]', "synonyms[1][1]", "a term needs at least one letter or digit"),
        ("[POW, a b c d e f g]", "synonyms[1][1]", "a term has at most 6 words"),
        ("[POW, '']", "synonyms[1][1]", "String should have at least 1 character"),
        ("POW", "synonyms[1]", "Input should be a valid list"),
    ],
)
def test_a_malformed_group_is_an_error_with_its_line(
    seeds_copy: Path, group: str, field: str, reason: str
) -> None:
    errors = errors_for(seeds_copy, HEADER + "  - [losses, casualties]\n  - " + group + "\n")
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{seeds_copy / SYNONYMS_FILE}:3: {field}: {reason}"), errors


def test_a_missing_synonyms_file_is_an_error(seeds_copy: Path) -> None:
    (seeds_copy / SYNONYMS_FILE).unlink()
    with pytest.raises(SeedValidationError) as failure:
        parse_seeds(seeds_copy)
    assert [str(e) for e in failure.value.errors] == [
        f"{seeds_copy / SYNONYMS_FILE}: (file): missing"
    ]


def test_the_synonyms_file_is_part_of_the_dataset_version(seeds_copy: Path) -> None:
    before = parse_seeds(seeds_copy).version
    path = seeds_copy / SYNONYMS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "  - [tank, tanks]\n", encoding="utf-8")
    assert parse_seeds(seeds_copy).version != before
