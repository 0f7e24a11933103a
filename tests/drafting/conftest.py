"""Shared pieces for the draft tool's tests: the real vocabulary and a Drafter over it."""

from pathlib import Path

import pytest

from app.dates import PartialDate, parse_partial_date
from app.drafting.draft import Draft, DraftClaim, Drafter, Vocabulary
from app.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def drafter() -> Drafter:
    return Drafter(Vocabulary.load(PROJECT_ROOT / "seeds"))


def draft_text(drafter: Drafter, text: str, published: str | None = "2025-01-06") -> Draft:
    date: PartialDate | None = parse_partial_date(published) if published else None
    return drafter.draft(text, published_on=date)


def claim_for(draft: Draft, value: float) -> DraftClaim:
    [claim] = [c for c in draft.claims if c.value == value or c.figure.high == value]
    return claim
