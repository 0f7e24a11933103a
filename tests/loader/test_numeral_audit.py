"""Every numeral in every source is a claim's or event's quote, or a listed non-claim."""

import copy

import pytest

from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.numerals import find_numerals, uncovered_numerals
from app.loader.parse import ParsedSeeds, parse_seeds
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seeds() -> ParsedSeeds:
    return parse_seeds(SEEDS)


def test_numeral_finder_sees_digits_groups_and_words() -> None:
    text = "lost 1,164 units, over 1 000 km², 909 occupiers, two assaults, about half, 5 months"
    assert [n.text for n in find_numerals(text)] == ["1,164", "1 000", "909", "two", "half", "5"]


def test_every_numeral_is_covered(seeds: ParsedSeeds) -> None:
    dataset = build_dataset(seeds)  # raises, listing each uncovered numeral, if any
    assert len(dataset.rows("claim")) == 45


def test_uncovered_numerals_are_reported_with_their_line(seeds: ParsedSeeds) -> None:
    doc = next(d for d in seeds.sources if d.text_path.name.startswith("001_"))
    views = doc.text.index("Views: 7")
    missing = uncovered_numerals(doc.text, [(0, views), (views + 8, len(doc.text))])
    assert [(n.text, n.line) for n in missing] == [("7", 5)]


def _claim_locations(seeds: ParsedSeeds) -> list[tuple[int, int, str]]:
    return [
        (d, c, claim.id)
        for d, doc in enumerate(seeds.sources)
        for c, claim in enumerate(doc.annotations.spec.claims)
    ]


# Claims of a quantity said without digits ("all occupied territory has been reclaimed" =
# 0 km²): they cover no numeral, so the audit cannot miss them; the API tests pin them.
DIGITLESS_CLAIMS = ["russia-ukrainian-held-territory-zero-2025"]


def test_deleting_any_single_claim_fails_the_audit(seeds: ParsedSeeds) -> None:
    """Each claim with a numeral is the only thing covering it, so none can go missing
    quietly."""
    locations = _claim_locations(seeds)
    assert len(locations) == 45
    survivors = []
    for d, c, claim_id in locations:
        trimmed = copy.deepcopy(seeds)
        del trimmed.sources[d].annotations.spec.claims[c]
        try:
            build_dataset(trimmed)
        except SeedValidationError as exc:
            assert any(e.field == "(numeral)" for e in exc.errors), claim_id
        else:
            survivors.append(claim_id)
    assert survivors == DIGITLESS_CLAIMS
