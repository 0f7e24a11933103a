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
