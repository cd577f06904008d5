"""Competitor figures and vendors read from free text: what a note or a call says a competitor
costs, how fast it goes live, and who else the customer is looking at."""

from __future__ import annotations

import pytest

from agent.reading.comparisons import read_comparisons
from agent.reading.vendor_mentions import excluded_words, vendors_named

RIVALS = ["Nimbra", "Corvane", "Helixor", "Taskline"]


@pytest.mark.parametrize(
    ("text", "claim", "figure"),
    [
        (
            "A Nimbra partner told me Nimbra lists at about USD 95k a year for 200 users.",
            "price",
            "USD 95k",
        ),
        (
            "Ramon shared Nimbra's written quote dated 10 February: USD 95k a year.",
            "price",
            "USD 95k",
        ),
        ("Corvane told Florian they could be live in 8 weeks.", "speed", "8 weeks"),
        (
            "Corvane's statement of work: go-live of the referral workflow in 8 weeks.",
            "speed",
            "8 weeks",
        ),
        ("Procurement heard Taskline is 30% cheaper.", "price", "30%"),
    ],
)
def test_a_competitor_figure_is_read_with_what_it_is_about(
    text: str, claim: str, figure: str
) -> None:
    facts = list(read_comparisons("deal.notes[0].text", text, RIVALS))
    assert [(f.claim, f.figure) for f in facts] == [(claim, figure)]
    assert facts[0].quote in text


def test_a_card_refresh_date_or_a_price_sheet_is_not_a_competitor_claim() -> None:
    text = (
        "Helixor card last refreshed in March 2024 from a partner price sheet; not reviewed since."
    )
    assert list(read_comparisons("competitive.summary", text, RIVALS)) == []


@pytest.mark.parametrize(
    ("text", "vendors"),
    [
        (
            "Procurement also asked us to look at Stackwise. They presented last week.",
            ["Stackwise"],
        ),
        (
            "Budi said procurement also invited Vantage Flowworks, a Jakarta vendor, to present.",
            ["Vantage Flowworks"],
        ),
        ("The line team has been trialling Kaizen Loop for shift checklists.", ["Kaizen Loop"]),
        ("The team had also seen Orquesta Cloud's mobile app last week.", ["Orquesta Cloud"]),
        ("Let's look at Thursday's plan together.", []),
        ("I'll talk to Dimitra about the pilot scope.", []),
        ("Lucía invited Montserrat to the business case review.", []),
        ("We also looked at Flow Core in the demo, compared with other options.", []),
        # a vendor the customer expects to bid, named before the verb (or as "they" after it)
        ("It goes to tender, and Norvik is bidding too.", ["Norvik"]),
        ("Tessaly already runs our meters, and they will surely bid.", ["Tessaly"]),
        ("Tessaly already runs our meters, and their contract ends in June.", []),
        ("Procurement will tender it in March.", []),
        ("Dimitra will quote the figure from memory.", []),
        ("They will bid.", []),
    ],
)
def test_vendors_are_named_only_when_another_option_is_in_play(
    text: str, vendors: list[str]
) -> None:
    assert vendors_named(text, ["Dimitra Antoniou", "Flow Core", "Montserrat Vidal"]) == vendors


def test_words_excluded_once_for_a_whole_call_exclude_the_same_names() -> None:
    text = "We are also evaluating Stackwise as an alternative."
    assert vendors_named(text) == ["Stackwise"]
    skip = excluded_words(["Stackwise Ltd", "Dimitra Antoniou"])
    assert vendors_named(text, skip=skip) == vendors_named(text, ["Stackwise Ltd"]) == []
