"""The behaviour readers (agent/reading: actors, behaviour, buyer_words, agreements) on sentences
written for these tests, none taken from the eval scenarios: who did what, whether the text says
it happened, did not happen or is only intended, and whose words a statement is."""

from __future__ import annotations

from typing import Any

import pytest

from agent.contracts.context import DealContext
from agent.reading.actors import SELLER, Cue
from agent.reading.agreements import (
    read_negotiation,
    read_thresholds,
    read_upfront_contracts,
)
from agent.reading.behaviour import read_behaviour
from agent.reading.buyer_words import read_buyer_words
from agent.reading.fields import read_fields
from tests.factories import activity, contact, make_context

CONTACTS = [
    contact("c-nadia", "Nadia Okafor", "user", title="Head of Inbound Logistics"),
    contact("c-tom", "Tom Brandt", "champion", title="Operations Manager"),
    contact("c-helen", "Helen Cho", "economic_buyer", title="Chief Financial Officer"),
]


def deal_with(*summaries: str, notes: tuple[str, ...] = (), **deal: Any) -> DealContext:
    """A deal whose activities (with Nadia, Tom and the rep) carry the given summaries."""
    acts = [
        activity(f"a{i}", 20 - i, ["c-nadia", "c-tom", "rep-1"], summary=text)
        for i, text in enumerate(summaries)
    ]
    written = [{"date": "2026-11-01", "author": "rep-1", "text": t} for t in notes]
    return make_context(
        deal={
            "contacts": CONTACTS,
            "activities": acts,
            "notes": written,
            "team": [{"id": "se-1", "name": "Sam Keller", "role": "solutions_engineer"}],
            **deal,
        }
    )


def cues(kind: str, found: list[Cue]) -> list[tuple[str | None, str]]:
    return [(c.who, c.polarity) for c in found if c.kind == kind]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nadia set up a call for us with Helen next Tuesday.", [("c-nadia", "done")]),
        ("Nadia introduced us to the managing director at the plant tour.", [("c-nadia", "done")]),
        ("Tom got us in front of the steering committee.", [("c-tom", "done")]),
        ("Nadia has not introduced us to Helen yet.", [("c-nadia", "not_done")]),
        ("Tom refused to set up a meeting with the CFO.", [("c-tom", "not_done")]),
        ("We arranged the meeting with Helen ourselves.", [(SELLER, "done")]),
        ("Tom will introduce us to the board in March.", []),
        ("Nadia set up the sandbox with IT.", []),
        ("Asked Tom to introduce us to the CFO; he said he could not.", [("c-tom", "not_done")]),
    ],
)
def test_access_to_power_is_an_access_verb_in_a_sentence_that_names_power(
    sentence: str, expected: list[tuple[str | None, str]]
) -> None:
    assert cues("access", read_behaviour(deal_with(sentence))) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tom tipped us off that finance wants a three-year price lock.", [("c-tom", "done")]),
        ("Nadia explained who will push back at the steering committee.", [("c-nadia", "done")]),
        ("Tom told us the rival quote is 20% lower.", [("c-tom", "done")]),
        ("Tom does not know how the purchase gets approved.", [("c-tom", "not_done")]),
        ("Tom told us the demo went well.", []),
        ("Tom hasn't shared anything about the other bidders.", [("c-tom", "not_done")]),
        ("Requests are tracked in a shared spreadsheet and a team inbox.", []),
    ],
)
def test_inside_information_needs_an_inside_topic_or_words_that_are_inside_by_themselves(
    sentence: str, expected: list[tuple[str | None, str]]
) -> None:
    assert cues("inside_info", read_behaviour(deal_with(sentence))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nadia pushed for a pilot with us at the operations review.", [("c-nadia", "done")]),
        ("Tom has taken the proposal to the board.", [("c-tom", "done")]),
        ("Nadia joined the call. She has not taken it to the board.", [("c-nadia", "not_done")]),
        ("Tom will take it to leadership next week.", []),
        ("Nadia is championing the project with the plant managers.", [("c-nadia", "done")]),
        ("Tom said he would make the case to the CFO.", []),
    ],
)
def test_selling_for_us_is_done_not_promised(
    text: str, expected: list[tuple[str | None, str]]
) -> None:
    assert cues("advocacy", read_behaviour(deal_with(text))) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Nadia pulled together the warehouse leads to review the workflow.",
            [("c-nadia", "done")],
        ),
        ("The review was convened by Nadia with four shift supervisors.", [("c-nadia", "done")]),
        ("Tom asked how to build the case for the board.", [("c-tom", "done")]),
        ("Nadia attended the session we organised.", []),
        ("Nadia did not rally the supervisors.", [("c-nadia", "not_done")]),
    ],
)
def test_mobilizing_is_getting_others_to_act(
    sentence: str, expected: list[tuple[str | None, str]]
) -> None:
    assert cues("mobilizing", read_behaviour(deal_with(sentence))) == expected


def test_a_contacts_notes_are_about_that_contact_and_a_next_step_is_not_behaviour() -> None:
    ctx = deal_with("Intro call.", next_step="Tom to share how the budget is approved")
    ctx.deal.contacts[1].notes = "Lobbies the plant managers for us; owns the internal case."
    found = read_behaviour(ctx)
    assert ("c-tom", "done") in cues("advocacy", found)
    assert not [c for c in found if c.ref == "deal.next_step"]


@pytest.mark.parametrize(
    ("sentence", "kind", "who", "polarity"),
    [
        (
            'Nadia said: "If we could see every late truck by noon, we would cut detention '
            'fees in half."',
            "stated_value",
            "c-nadia",
            "done",
        ),
        (
            "Helen said that automatic matching would free up two analysts for the audit.",
            "stated_value",
            "c-helen",
            "done",
        ),
        (
            "Rita told Nadia that the platform would save her team ten hours a week.",
            "value_by_seller",
            SELLER,
            "done",
        ),
        ('Nadia said "maybe it would help, hard to say".', "stated_value", "c-nadia", "not_done"),
        (
            'Helen told us: "Honestly, if the close took three days instead of twelve, my team '
            'could finally take holidays in January."',
            "stated_value",
            "c-helen",
            "done",
        ),
        (
            "Rita showed Helen that the tool would halve the close time.",
            "value_by_seller",
            SELLER,
            "done",
        ),
    ],
)
def test_the_payoff_belongs_to_whoever_said_it(
    sentence: str, kind: str, who: str, polarity: str
) -> None:
    found = [c for c in read_buyer_words(deal_with(sentence)) if c.kind == kind]
    assert [(c.who, c.polarity) for c in found][:1] == [(who, polarity)]


def test_a_consequence_of_doing_nothing_is_not_a_payoff() -> None:
    found = read_buyer_words(
        deal_with(
            'Helen said "if we miss the audit we will lose the contract".',
            'Tom said "if we don\'t fix it we will keep paying fines".',
            "If the pilot fails, the team will go back to spreadsheets.",
            "Helen said that if nothing changes her team will keep missing the close.",
            "Helen said it would be nice to have.",
        )
    )
    assert not [c for c in found if c.kind in ("stated_value", "value_by_seller")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "For Nadia personally, the late trucks mean calls from the plant every weekend.",
            ("c-nadia", "done"),
        ),
        (
            'Helen: "I am the one who has to explain the write-offs to the board."',
            ("c-helen", "done"),
        ),
        ("Nadia says it does not affect her personally.", ("c-nadia", "not_done")),
        ("Tom spent the week stress-testing the integration.", None),
        ("Rita is tired of chasing this deal.", None),
    ],
)
def test_personal_pain_is_the_cost_to_a_customer_person(
    sentence: str, expected: tuple[str, str] | None
) -> None:
    found = cues("personal_pain", read_buyer_words(deal_with(sentence)))
    assert found[:1] == ([expected] if expected else [])


def test_a_problem_the_customer_names_and_one_they_wave_away() -> None:
    found = read_buyer_words(
        deal_with(
            "Tom called the manual re-keying their biggest headache.",
            "Nadia does not see slot planning as a real problem.",
        )
    )
    assert cues("stated_problem", found) == [("c-tom", "done"), ("c-nadia", "not_done")]


def test_an_upfront_contract_needs_agreement_outcomes_and_an_agenda_or_a_time() -> None:
    full = deal_with(
        "We agreed the agenda with Nadia: 90 minutes, her team brings the shift data, we "
        "cover only inbound, and at the end she will say go or no-go on a pilot."
    )
    (contract,) = read_upfront_contracts(full)
    assert set(contract.parts) == {"agreed", "time", "agenda", "outcome"}
    assert contract.ref == "deal.activities[0].summary"
    assert not read_upfront_contracts(deal_with("No agenda was agreed for the demo."))
    assert not read_upfront_contracts(deal_with("Demo booked for 3 March."))


def test_concessions_are_traded_or_given_and_the_process_has_a_leader() -> None:
    found = read_negotiation(
        deal_with(
            "Rita agreed to a 12% discount to close before quarter end.",
            "Rita offered 8% off in return for a two-year commitment and a reference call.",
            "Nadia pushed hard on price; Rita held the line and restated the ROI.",
            "Rita walked Helen back through the value case before any discount talk.",
            "Helen dictated the timeline for the rest of the evaluation.",
            "We proposed the evaluation plan and Nadia's team adopted it.",
        )
    )
    kinds = [(c.kind, c.who) for c in found]
    assert kinds == [
        ("given", SELLER),
        ("traded", SELLER),
        ("held", SELLER),
        ("reanchored", SELLER),
        ("customer_led", "c-helen"),
        ("led", SELLER),
    ]


@pytest.mark.parametrize(
    ("sentence", "amount", "currency", "approver"),
    [
        (
            "Per their policy, anything over €500k needs sign-off from the supervisory board.",
            500_000,
            "EUR",
            "board",
        ),
        (
            "Purchases above 2.5 million CAD go to the investment committee.",
            2_500_000,
            "CAD",
            "investment committee",
        ),
    ],
)
def test_an_approval_threshold_is_an_amount_above_which_someone_else_approves(
    sentence: str, amount: float, currency: str, approver: str
) -> None:
    (found,) = read_thresholds(deal_with(sentence))
    assert (found.amount, found.currency) == (amount, currency)
    assert found.approver is not None and approver in found.approver
    assert found.crossed_by(amount + 1, currency) and not found.crossed_by(amount - 1, currency)
    assert found.crossed_by(amount + 1, "JPY") is None  # not comparable
    assert not read_thresholds(deal_with("Nadia can approve up to 50k on her own."))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Qualification call. Budget: EUR 80k set aside by operations.",
            ("budget_confirmed", True),
        ),
        ("Call notes. Budget: not discussed yet.", ("budget_confirmed", False)),
        (
            "Recap. Compelling event: the retailer contract renews on 1 May.",
            ("compelling_event", True),
        ),
        ("Decision criteria: TBD after the workshop.", ("decision_criteria_known", False)),
        ("Pain, in her words: invoices sit for weeks.", ("pain_confirmed", True)),
        ("Helen has GBP 120k earmarked for the project.", ("budget_confirmed", True)),
        ("There is no budget until the new fiscal year.", ("budget_confirmed", False)),
        ("The line must be live before the spring inspection.", ("compelling_event", True)),
        ("Nadia says there is no deadline.", ("compelling_event", False)),
    ],
)
def test_facts_the_rep_records_in_text_under_a_label_or_in_a_phrase(
    sentence: str, expected: tuple[str, bool]
) -> None:
    found = read_fields(deal_with(sentence))
    assert (found[0].check, found[0].met) == expected
    assert found[0].ref == "deal.activities[0].summary"


def test_a_situation_line_or_a_next_step_is_not_a_recorded_fact() -> None:
    ctx = deal_with("Situation: 30 planners on two shifts.", next_step="Budget: to confirm")
    assert read_fields(ctx) == []
