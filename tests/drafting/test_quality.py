"""The floors of issue 11: drafted from the text alone, compared with the curated seed
YAML (and with the fixtures' expected claims), field by field."""

import pytest

from app.drafting.evaluate import (
    FIELDS,
    FLOORS,
    UNMATCHED_CEILING,
    Score,
    evaluate_fixture,
    evaluate_seed,
)
from app.settings import PROJECT_ROOT
from tests.drafting.conftest import FIXTURES


def _overall(scores: list[Score]) -> Score:
    total = Score("overall", "")
    for s in scores:
        total.add(s)
    return total


@pytest.mark.parametrize("corpus", ["seeds", "fixtures"])
def test_quality_floors(drafter, corpus: str) -> None:
    if corpus == "seeds":
        scores = [
            evaluate_seed(drafter, p)
            for p in sorted((PROJECT_ROOT / "seeds" / "sources").glob("*.txt"))
        ]
        assert len(scores) >= 5
    else:
        scores = [evaluate_fixture(drafter, p) for p in sorted(FIXTURES.glob("*.expected.yaml"))]
        assert len(scores) >= 4
    total = _overall(scores)
    for field in FIELDS:
        assert total.rate(field) >= FLOORS[field], (field, total.rate(field), total.misses)
    assert total.unmatched_rate <= UNMATCHED_CEILING, total.misses
    # A wrong speaker is always one the curator is told to check.
    assert total.silent["speaker"] == 0, total.misses


def test_seed_articles_without_a_dateline_use_the_curated_date(drafter) -> None:
    bases = {
        s.name: s.published_basis
        for s in (
            evaluate_seed(drafter, p)
            for p in sorted((PROJECT_ROOT / "seeds" / "sources").glob("*.txt"))
        )
    }
    assert bases["002"] == bases["003"] == "dateline in the text"
    assert bases["000"].startswith("--published-on")
