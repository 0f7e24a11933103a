"""Every numeral in every source is a claim's or event's quote, or a listed non-claim."""

import copy
import time
from pathlib import Path

import pytest

from app.loader.build import MAX_NUMERAL_ERRORS_PER_FILE, build_dataset
from app.loader.errors import SeedValidationError
from app.loader.numerals import figures_in, find_numerals, uncovered_numerals
from app.loader.parse import ParsedSeeds, parse_seeds
from scripts.seed import main as seed_main
from tests.conftest import SEEDS
from tests.loader.test_seed_script import STEM_003


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


def test_coverage_needs_one_quote_holding_the_whole_numeral() -> None:
    text = "a 1,164 b\nc 909 d\ne 38"
    # "1,164" straddles two quotes: uncovered; "909" inside a long earlier quote: covered.
    spans = [(0, 4), (4, 8), (10, 17)]
    assert [(n.text, n.line) for n in uncovered_numerals(text, spans)] == [
        ("1,164", 1),
        ("38", 3),
    ]
    assert uncovered_numerals(text, [(0, len(text))]) == []


def test_the_audit_is_linear_on_a_text_full_of_digits() -> None:
    """Before: 2 MB of digit-heavy text with a hundred quotes took 257 s here (a line count
    and a scan of every quote per numeral); now about a second."""
    text = "".join(f"Row {i} has 12 and 3,456 items.\n" for i in range(70_000))[:2_000_000]
    spans = [(i, i + 20) for i in range(0, 700, 7)]
    started = time.perf_counter()
    uncovered = uncovered_numerals(text, spans)
    assert time.perf_counter() - started < 15
    assert len(uncovered) > 170_000
    assert uncovered[-1].line == text.count("\n", 0, uncovered[-1].start) + 1


def test_uncovered_numerals_are_capped_per_file(
    seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: one line per numeral (177,452 lines for this text). Now at most 50 per file,
    then how many more."""
    text = seeds_copy / "sources" / f"{STEM_003}.txt"
    filler = "".join(f"Row {i} has 12 and 3,456 items.\n" for i in range(60_000))
    text.write_text(text.read_text(encoding="utf-8") + filler[:2_000_000], encoding="utf-8")
    assert seed_main(["--seeds", str(seeds_copy), "--check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    numeral_lines = [line for line in lines if ": (numeral): " in line]
    assert len(numeral_lines) == MAX_NUMERAL_ERRORS_PER_FILE + 1
    assert numeral_lines[-1] == (
        f"{text}: (numeral): ... and 177,401 more uncovered numerals in {text.name}"
    )
    assert lines[-1] == "seed: 51 error(s); nothing was written"


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("more than 2,000 since August 6", {2000, 6}),
        ("1 000 men", {1000}),
        ("between 300 and 400", {300, 400}),
        ("1.5 million people", {1_500_000}),
        ("22,2 тыс. бойців", {22_200}),
        ("lost 7.905 soldiers", {7.905, 7905}),
        ("had retaken two settlements", {2}),
        ("twenty-five brigades", {25}),
        ("half of the settlements", {50}),
        ("between 3,000 and 4,000", {3000, 4000}),
    ],
)
def test_the_figures_a_quote_writes(text: str, figures: set[float]) -> None:
    """What the loader compares a claim's figure with (a claim says no more than its
    quotes)."""
    assert figures <= (figures_in(text) or set())


def test_a_quantity_without_a_figure_is_not_checked() -> None:
    assert figures_in("several villages, a significant number of troops") is None
