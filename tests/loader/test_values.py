"""What a figure may be: finite, a number and not a boolean, and within its unit's rule
(counts whole and non-negative, shares 0-100, areas non-negative); dates in ASCII digits."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.dates import parse_partial_date
from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import parse_seeds
from app.loader.units import AREA, COUNT, SHARE, UNIT_RULES
from tests.loader.test_seed_script import STEM_003, edit

STEM_001 = "001_906c5bb01a62694b"
STEM_004 = "004_5c024600ca51cab3"


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
            "value: 909",
            "value: -909",
            "claims[16].value: -909 is below 0; a count cannot be (persons)",
            id="negative-count",
        ),
        pytest.param(
            STEM_003,
            "value: 909",
            "value: 909.5",
            "claims[16].value: 909.5 is not a whole number; a count is (persons)",
            id="fractional-count",
        ),
        pytest.param(
            STEM_001,
            "value: 25\n    qualifier: approximate",
            "value: 125\n    qualifier: approximate",
            "claims[3].value: 125 is above 100; a share in percent cannot be (percent)",
            id="share-over-100",
        ),
        pytest.param(
            STEM_004,
            "value: 90\n    qualifier: approximate",
            "value: -90\n    qualifier: approximate",
            "value: -90 is below 0; an area cannot be (km2)",
            id="negative-area",
        ),
        pytest.param(
            STEM_003,
            "value: 909\n    qualifier: exact",
            "qualifier: range\n    hedge: between\n    value_low: -1\n    value_high: 900.5",
            "value_low: -1 is below 0",
            id="range-bounds-checked-too",
        ),
    ],
)
def test_a_value_outside_its_units_rule_is_refused(
    seeds_copy: Path, stem: str, old: str, new: str, expected: str
) -> None:
    errors = errors_after(seeds_copy, stem, old, new)
    assert any(expected in e for e in errors), errors


def test_a_fractional_area_is_a_value(seeds_copy: Path) -> None:
    # The figure must be in its quote: the text and the quote say 90.5 too.
    text = seeds_copy / "sources" / f"{STEM_004}.txt"
    text.write_text(
        text.read_text(encoding="utf-8").replace(
            "approximately 90 square", "approximately 90.5 square"
        ),
        encoding="utf-8",
    )
    edit(seeds_copy, STEM_004, "approximately 90 square", "approximately 90.5 square")
    edit(seeds_copy, STEM_004, "value: 90\n", "value: 90.5\n")
    claims = build_dataset(parse_seeds(seeds_copy)).rows("claim")
    assert [c["value"] for c in claims if c["id"] == "syrskyi-territory-held-2025"] == [90.5]


def test_every_unit_of_the_vocabulary_has_one_rule() -> None:
    assert UNIT_RULES == {
        "persons": COUNT,
        "units": COUNT,
        "brigades": COUNT,
        "settlements": COUNT,
        "assaults": COUNT,
        "percent": SHARE,
        "km2": AREA,
    }
    assert COUNT.problem(0) is None and COUNT.problem(1e9) is None
    assert SHARE.problem(100) is None and SHARE.problem(33.3) is None
    assert AREA.problem(0.25) is None


def test_a_metric_with_a_unit_without_a_rule_is_refused(seeds_copy: Path) -> None:
    metrics = seeds_copy / "vocabulary" / "metrics.yaml"
    text = metrics.read_text(encoding="utf-8")
    metrics.write_text(text.replace("unit: assaults", "unit: sorties"), encoding="utf-8")
    line = text[: text.index("unit: assaults")].count("\n") + 1
    with pytest.raises(SeedValidationError) as failure:
        build_dataset(parse_seeds(seeds_copy))
    assert (
        f"{metrics}:{line}: metrics[28].unit: unknown unit 'sorties': say whether it is a "
        "count, a share or an area in UNIT_RULES (app/loader/units.py)"
    ) in [str(e) for e in failure.value.errors]


@pytest.mark.parametrize("text", ["٢٠٢٥", "٢٠٢٥-01", "2025-٠١-06", "２０２５", "२०२५"])
def test_dates_take_ascii_digits_only(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial_date(text)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/claims", "stated_from"),
        ("/v1/claims", "period_to"),
        ("/v1/events", "from"),
    ],
)
def test_the_api_refuses_non_ascii_digits_in_dates(
    client: TestClient, path: str, parameter: str
) -> None:
    response = client.get(path, params={parameter: "٢٠٢٥"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(path, params={parameter: "2025"}).status_code == 200
