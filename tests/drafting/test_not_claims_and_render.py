"""Numerals that are not claims get a reason; the YAML the draft writes reads back as
written, in the seed format, with its `review:` lists."""

import io

import pytest
from ruamel.yaml import YAML

from app.drafting.notclaims import classify
from app.drafting.render import render, scalar
from tests.drafting.conftest import FIXTURES, draft_text


@pytest.mark.parametrize(
    ("text", "numeral", "reason"),
    [
        ("Views: 7", "7", "counter"),
        ("(Visited 1 times, 1 visits today)", "1", "counter"),
        ("January 1, 2025 6:03 PM 2 min read", "2 min", "counter"),
        ("January 1, 2025 6:03 PM 2 min read", "6", "time"),
        ("January 1, 2025 6:03 PM 2 min read", "2025", "date"),
        ("Trump has promised to end the war in 24 hours", "24", "duration"),
        ("Monday marked five months since the crossing", "five", "duration"),
        ("for the first time in 11 years of the war", "11", "duration"),
        ("This will probably be one of the positions", "one", "not quantities"),
        ("holding hundreds of square kilometers", "hundreds", "Vague"),
        ("at an unspecified location, Feb. 10, 2023.", "10", "date"),
    ],
)
def test_not_claim_reasons(text: str, numeral: str, reason: str) -> None:
    start = text.index(numeral)
    end = start + len(numeral.split()[0])
    found = classify(text, start, end, None)
    assert found is not None and reason.lower() in found.lower()


def test_a_count_is_not_a_not_claim() -> None:
    text = "Ukrainian soldiers captured 909 occupiers"
    assert classify(text, text.index("909"), text.index("909") + 3, None) is None


def test_the_dateline_is_a_not_claim(drafter) -> None:
    draft = draft_text(
        drafter,
        "KYIV, Oct 25, 2024 (Reuters) - Syrskyi said 700 Russian troops were captured.",
        None,
    )
    assert any(reason.startswith("Dateline") for _, reason, _ in draft.not_claims)


@pytest.mark.parametrize(
    "value",
    [
        "plain words",
        "Views: 7",
        "2025",
        "null",
        "yes",
        "a # sign",
        " leading space",
        "“quoted”",
        "It's",
        'say "this"',
        "ends with a colon:",
        "1,164 units",
        "- dash first",
        "tab\there",
    ],
)
def test_scalars_read_back_as_written(value: str) -> None:
    yaml = YAML(typ="safe", pure=True)
    assert yaml.load(f"key: {scalar(value)}\n")["key"] == value


def test_rendered_draft_has_evidence_comments_and_review_lists(drafter) -> None:
    text = (FIXTURES / "wire_report.txt").read_text(encoding="utf-8")
    rendered = render(draft_text(drafter, text, "2024"))
    yaml = YAML(typ="rt", pure=True)
    doc = yaml.load(io.StringIO(rendered))
    assert set(doc) == {"source", "entities", "claims", "not_claims"}
    assert all(
        set(c["review"])
        <= {"value", "qualifier", "metric", "unit", "speaker", "subject", "stated_on", "period"}
        for c in doc["claims"]
        if "review" in c
    )
    assert [e["review"] for e in doc["entities"]] == [["entity"]] * len(doc["entities"])
    assert "    # speaker: " in rendered and "    # metric: " in rendered
