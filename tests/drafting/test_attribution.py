"""Speaker detection: every attribution pattern of the issue, matched to entity aliases,
and a speaker the vocabulary lacks proposed as a new entity."""

import pytest

from tests.drafting.conftest import claim_for, draft_text


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Syrskyi said that 700 Russian soldiers were captured.", "oleksandr-syrskyi"),
        ("Over 700 Russian soldiers were captured, said Syrskyi.", "oleksandr-syrskyi"),
        ("Over 700 Russian soldiers were captured, Syrskyi said.", "oleksandr-syrskyi"),
        (
            "About 1,300 square kilometers were captured, according to Kyiv.",
            "government-of-ukraine",
        ),
        (
            "Budanov told The Washington Post that 1,500 North Korean troops are stationed "
            "in Kursk.",
            "kyrylo-budanov",
        ),
        ("Perpetua wrote on X that 408 casualties were confirmed.", "andrew-perpetua"),
        ("“The enemy lost 38,000 troops,” Zelenskyy said.", "volodymyr-zelenskyy"),
        (
            "Russia's Defense Ministry said two assaults were repelled.",
            "russian-ministry-of-defence",
        ),
        (
            "Russia's Defence Ministry said two assaults were repelled.",
            "russian-ministry-of-defence",
        ),
        ("This was reported by the General Staff. ", "general-staff-ukraine"),
        ("Reports said that 400 casualties were sustained.", "unattributed-reports"),
        ("North Korea reportedly sent around 11,000 troops.", "unattributed-reports"),
        (
            "General Oleksandr Syrsky, the commander-in-chief, stated that troops hold "
            "90 square kilometers.",
            "oleksandr-syrskyi",
        ),
    ],
)
def test_attribution_in_the_sentence(drafter, text: str, speaker: str) -> None:
    if text.startswith("This was reported"):
        text = "The enemy lost 40 thousand people.\n\n" + text
    draft = draft_text(drafter, text)
    assert draft.claims, text
    assert draft.claims[0].speaker == speaker


def test_a_pronoun_or_role_refers_to_the_person_named_before(drafter) -> None:
    text = (
        "Syrskyi said on Jan. 1 that Russia lost over 38,000 troops. "
        "Over 700 Russian servicemen were captured, the general added. "
        "He added that 60,000 Russian troops are stationed in Kursk."
    )
    draft = draft_text(drafter, text)
    assert {c.speaker for c in draft.claims} == {"oleksandr-syrskyi"}
    assert str(claim_for(draft, 700).stated_on) == "2025-01-01"


def test_the_statement_said_names_the_statements_author(drafter) -> None:
    text = (
        "Russia's Defense Ministry issued a statement on Monday.\n\n"
        "“Our forces repelled 12 assaults,” the statement said."
    )
    assert claim_for(draft_text(drafter, text), 12).speaker == "russian-ministry-of-defence"


def test_a_quotation_is_the_speakers_when_attributed_after_it(drafter) -> None:
    text = "“We took 120 prisoners this week. The enemy lost 2,000 troops,” Syrskyi said."
    draft = draft_text(drafter, text)
    assert {c.speaker for c in draft.claims} == {"oleksandr-syrskyi"}


def test_an_unknown_speaker_becomes_a_proposed_entity_marked_for_review(drafter) -> None:
    text = (
        "Military expert Nico Lange said that Ukraine still controls 70 km² of Russian territory."
    )
    draft = draft_text(drafter, text)
    [entity] = [p.entity for p in draft.entities if p.entity.id == "nico-lange"]
    assert entity.name == "Nico Lange"
    assert entity.kind.value == "person"
    assert draft.claims[0].speaker == "nico-lange"
    assert "speaker" in draft.claims[0].review


def test_no_attribution_is_the_outlets_voice_marked_for_review(drafter) -> None:
    draft = draft_text(drafter, "Russian troops still occupy around 25% of Ukraine.\n\n(ABC News)")
    claim = draft.claims[0]
    assert claim.speaker == "abc-news"
    assert "speaker" in claim.review


def test_interview_answers_are_the_interviewees(drafter) -> None:
    text = (
        "Interview with Oleksandr Syrskyi\n\nHe spoke to us on 26 April 2025.\n\n"
        "Q: How many prisoners?\n\nA: More than 2,000 prisoners.\n\n"
        "Q: And now?\n\nA: About 120 this week."
    )
    draft = draft_text(drafter, text, None)
    assert {c.speaker for c in draft.claims} == {"oleksandr-syrskyi"}
    assert {str(c.stated_on) for c in draft.claims} == {"2025-04-26"}


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Syrskyi said 860 Russian soldiers have been taken prisoner.", "prisoners-captured"),
        ("Syrskyi said 38,000 Russian troops were killed or wounded.", "personnel-casualties"),
        ("Syrskyi said 16,000 Russian troops were killed.", "killed"),
        ("Syrskyi said Russia lost 1,164 units of automotive equipment.", "vehicle-losses"),
        ("Syrskyi said 60,000 Russian troops are stationed in Kursk.", "troops-deployed"),
        ("Syrskyi said Ukraine captured 1,300 square kilometers.", "territory-captured"),
        ("Syrskyi said Russia occupies around 25% of Ukraine.", "territory-share-occupied"),
    ],
)
def test_metric_from_the_keyword_vocabulary(drafter, text: str, metric: str) -> None:
    claim = draft_text(drafter, text).claims[0]
    assert claim.metric is not None and claim.metric.id == metric
    assert claim.metric.unit == claim.metric.unit  # the unit is the metric's own


def test_a_figure_group_gives_one_claim_per_figure(drafter) -> None:
    text = (
        "The General Staff said losses reached 62,400 personnel, 25,200 of which "
        "irrecoverable and 36,200 wounded."
    )
    draft = draft_text(drafter, text)
    assert [(c.value, c.metric.id if c.metric else None) for c in draft.claims] == [
        (62400, "personnel-casualties"),
        (25200, "irrecoverable-losses"),
        (36200, "wounded"),
    ]
