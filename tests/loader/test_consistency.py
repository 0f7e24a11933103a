"""The loader's consistency checks, each shown to fire on a one-line edit of the seeds."""

from pathlib import Path

import pytest

from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import parse_seeds
from tests.loader.test_seed_script import STEM_002, STEM_003, edit


def errors_after(seeds: Path, stem: str, old: str, new: str) -> list[str]:
    edit(seeds, stem, old, new)
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds))
    return [f"{e.field}: {e.reason}" for e in failure.value.errors]


@pytest.mark.parametrize(
    ("stem", "old", "new", "expected"),
    [
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact\n    unit: persons",
            "value: 909\n    qualifier: exact\n    unit: units",
            "claims[16].unit: unit 'units' differs from metric 'prisoners-captured'",
            id="unit-mismatch",
        ),
        pytest.param(
            STEM_002,
            "period: {end: 2025-01-01}\n    stated_on: 2025-01-01\n    note: >-\n      The outlet",
            "period: {}\n    stated_on: 2025-01-01\n    note: >-\n      The outlet",
            "claims[5].period: a stock metric needs an as-of date",
            id="stock-no-as-of",
        ),
        pytest.param(
            STEM_002,
            "period: {start: 2024-08-06, end: 2025-01-01}",
            "period: {start: 2025-08-06, end: 2025-01-01}",
            "claims[0].period: period.start is after period.end",
            id="period-order",
        ),
        pytest.param(
            STEM_003,
            "speaker: general-staff-ukraine",
            "speaker: general-staff",
            "claims[0].speaker: unknown entity 'general-staff'",
            id="unknown-speaker",
        ),
        pytest.param(
            STEM_003,
            "event: dprk-troops-arrive-in-kursk",
            "event: dprk-arrival",
            "claims[19].event: unknown event 'dprk-arrival'",
            id="unknown-event",
        ),
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact",
            "value: 909\n    qualifier: range\n    hedge: between",
            "a range needs value_low and value_high",
            id="range-needs-bounds",
        ),
        pytest.param(
            STEM_003,
            "value: 40000\n    qualifier: approximate\n    hedge: about",
            "value: 40000\n    qualifier: approximate",
            "needs the hedge word as written",
            id="hedge-required",
        ),
        pytest.param(
            STEM_003,
            "quote: 12 units of MLRS",
            "quote: Kursk region",
            "claims[9].citations[0].quote: quote occurs 3 times in 003_03e9864f50847074.txt",
            id="ambiguous-quote",
        ),
        # A claim must not say more than its quotes (found by a black-box review: each of
        # these loaded silently).
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact",
            "value: 990\n    qualifier: exact",
            "claims[16].value: 990 is written in none of its quotes (they give 909)",
            id="figure-not-in-quote",
        ),
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact",
            "value: 909\n    qualifier: exact\n    hedge: more than",
            "an exact figure has no hedge; 'more than' makes it at_least",
            id="exact-with-a-hedge",
        ),
        pytest.param(
            STEM_003,
            "value: 40000\n    qualifier: approximate\n    hedge: about",
            "value: 40000\n    qualifier: at_most\n    hedge: about",
            "qualifier at_most contradicts the hedge 'about', which means approximate",
            id="qualifier-contradicts-hedge",
        ),
        pytest.param(
            STEM_003,
            "value: 40000\n    qualifier: approximate\n    hedge: about",
            "value: 40000\n    qualifier: approximate\n    hedge: roughly",
            "hedge 'roughly' is in none of its quotes",
            id="hedge-not-in-quote",
        ),
        pytest.param(
            STEM_003,
            "stated_on: 2025-02-06\n    citations:\n      - quote: the enemyʼs total",
            "stated_on: 2025-02-07\n    citations:\n      - quote: the enemyʼs total",
            "stated_on: 2025-02-07 is after the source's publication (2025-02-06)",
            id="stated-after-publication",
        ),
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact",
            "value: 909\n    review:\n    qualifier: exact",
            "claims[16].review: nothing listed, but the key is still marked for review",
            id="empty-review-key",
        ),
    ],
)
def test_consistency_check_fires(
    seeds_copy: Path, stem: str, old: str, new: str, expected: str
) -> None:
    errors = errors_after(seeds_copy, stem, old, new)
    assert any(expected in e for e in errors), errors


def test_range_bounds_must_be_ordered(seeds_copy: Path) -> None:
    errors = errors_after(
        seeds_copy,
        STEM_003,
        "value: 909\n    qualifier: exact",
        "qualifier: range\n    hedge: between\n    value_low: 950\n    value_high: 900",
    )
    assert any("value_low <= value <= value_high does not hold" in e for e in errors), errors


def test_alias_naming_two_entities_is_refused(seeds_copy: Path) -> None:
    path = seeds_copy / "vocabulary" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("aliases: [Budanov", "aliases: [Syrsky, Budanov"), "utf-8")
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds_copy))
    assert "alias 'Syrsky' already names entity 'oleksandr-syrskyi'" in str(failure.value)


def test_a_hedge_is_read_without_its_white_space(seeds_copy: Path) -> None:
    """`'nearly '` missed the rule for "nearly" and gave [54, 66] for 60, not [54, 60]."""
    edit(seeds_copy, STEM_003, "hedge: about", "hedge: '  about '")
    dataset = build_dataset(parse_seeds(seeds_copy))
    assert {c["hedge"] for c in dataset.rows("claim") if c["qualifier"] == "approximate"} >= {
        "about"
    }
    assert all(c["hedge"] == c["hedge"].strip() for c in dataset.rows("claim") if c["hedge"])


def test_overlapping_occurrences_make_a_quote_ambiguous() -> None:
    from app.loader.build import _occurrences

    assert _occurrences("ha ha ha", "ha ha") == 2
    assert _occurrences("Kursk, Kursk", "Kursk") == 2
    assert _occurrences("Kursk", "Sumy") == 0


def test_an_empty_article_is_refused(seeds_copy: Path) -> None:
    (seeds_copy / "sources" / f"{STEM_003}.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds_copy))
    assert any(e.reason == "the article text is empty" for e in failure.value.errors)


def test_a_claim_repeated_under_another_id_is_refused(seeds_copy: Path) -> None:
    """The same statement is one claim: a copy under a second id loaded (51 claims)."""
    copy = (
        "  - id: general-staff-russian-prisoners-again\n    metric: prisoners-captured\n"
        "    subject: russian-forces\n    speaker: general-staff-ukraine\n    value: 909\n"
        "    qualifier: exact\n    unit: persons\n    place: Kursk region\n"
        "    period: {start: 2024-08-06, end: 2025-02-05}\n    stated_on: 2025-02-06\n"
        "    citations:\n      - quote: Ukrainian soldiers captured 909 occupiers\n"
    )
    edit(
        seeds_copy,
        STEM_003,
        "  - id: outlet-003-territory-controlled-peak",
        copy + "  - id: outlet-003-territory-controlled-peak",
    )
    errors = errors_after(seeds_copy, STEM_003, "value: 909\n", "value: 909\n")
    assert any("the same claim as the one at" in e for e in errors), errors


def test_a_claim_citing_one_quote_twice_is_refused(seeds_copy: Path) -> None:
    quote = "      - quote: Ukrainian soldiers captured 909 occupiers\n"
    errors = errors_after(seeds_copy, STEM_003, quote, quote + quote)
    assert any(e.endswith("citations: cites the same quote twice") for e in errors), errors
