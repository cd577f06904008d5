"""People the free text names with a title (agent/reading/people.py), on sentences written for
these tests the way different reps write them: the buying role a title implies, the name
written next to it in any of the usual shapes, authority over the spend, whether we have met
them, guesses, the seller's own people, and the contact a mention is about."""

from __future__ import annotations

from typing import Any

import pytest

from agent.analysis.buying_group import mentioned_people
from agent.contracts.deal import Deal
from agent.contracts.facts import Fact
from agent.reading.people import read_people
from agent.reading.read import read_deal
from tests.factories import AS_OF, activity, contact, make_context

REF = "deal.notes[0].text"


def deal(**extra: Any) -> Deal:
    """Tom (champion) and Helen (their CISO) on the customer side; Rita Seller owns the deal
    and Sam Keller and Mark Rossi work on it for us."""
    return make_context(
        deal={
            "contacts": [
                contact("c-tom", "Tom Brandt", "champion", title="Operations Manager"),
                contact(
                    "c-helen",
                    "Helen Cho",
                    "technical_evaluator",
                    title="Chief Information Security Officer",
                ),
            ],
            "activities": [activity("a1", 5, ["c-tom", "rep-1"])],
            "team": [
                {"id": "se-1", "name": "Sam Keller", "role": "solutions_engineer"},
                {"id": "mgr-1", "name": "Mark Rossi", "role": "sales_manager"},
            ],
            **extra,
        }
    ).deal


DEAL = deal()


def people(text: str, seller_written: bool = True, on: Deal = DEAL) -> list[Fact]:
    found = list(read_people(REF, text, on, seller_written))
    assert all(f.kind == "person" and f.quote in text for f in found)
    return found


def only(text: str, seller_written: bool = True) -> Fact:
    found = people(text, seller_written)
    assert len(found) == 1, [f.title for f in found]
    return found[0]


# --- the buying role a title implies ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "title", "role"),
    [
        ("The CFO, Henrike Sauer, signs off anything above EUR 150k.", "CFO", "economic_buyer"),
        (
            "Their finance director Marco Bellini has to approve the budget.",
            "finance director",
            "economic_buyer",
        ),
        (
            "Olu Adeyemi (Managing Director) wants to see the payback first.",
            "Managing Director",
            "economic_buyer",
        ),
        (
            "Spoke with Daniel Okoro, VP Finance, about the business case.",
            "VP Finance",
            "economic_buyer",
        ),
        (
            "Gemma Ruiz is their CISO and must review the architecture.",
            "CISO",
            "technical_evaluator",
        ),
        ("We met Jonas Berg, the IT director, last week.", "IT director", "technical_evaluator"),
        ("Legal counsel Fatima Zahra will review the MSA.", "Legal counsel", "legal"),
        ("The general counsel wants our standard DPA first.", "general counsel", "legal"),
        (
            "Tomasz Wójcik, head of procurement, wants three quotes.",
            "head of procurement",
            "procurement",
        ),
        (
            "Procurement manager Ines Duarte sent over the supplier form.",
            "Procurement manager",
            "procurement",
        ),
        ("Their CMO, Lea Fontaine, joined for the last ten minutes.", "CMO", "influencer"),
        (
            "Director of Customer Service Aaron Pike liked the routing demo.",
            "Director of Customer Service",
            "influencer",
        ),
    ],
)
def test_a_title_implies_the_buying_role(sentence: str, title: str, role: str) -> None:
    fact = only(sentence)
    assert (fact.title, fact.role) == (title, role)


@pytest.mark.parametrize(
    "sentence",
    [
        "Process owner for returns is the shift lead.",  # a bare lower-case title word
        "Their general ledger is kept in two systems.",
        "A founder-led culture means decisions are quick.",
        "The finance team closes the month in twelve days.",
    ],
)
def test_an_ordinary_phrase_that_shares_a_title_word_names_nobody(sentence: str) -> None:
    assert people(sentence) == []


# --- the name written next to the title -------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("The CFO, Henrike Sauer, signs off anything above EUR 150k.", "Henrike Sauer"),
        ("CFO Abdul Rahman approves anything above USD 40k.", "Abdul Rahman"),
        ("Siobhán Keane (Finance Director) holds the budget.", "Siobhán Keane"),
        ("Daniel Okoro, their VP Finance, owns the budget.", "Daniel Okoro"),
        ("Maria van der Berg, the CFO, has the final say.", "Maria van der Berg"),
        ("The CFO, De Vries, wants the payback in writing.", "De Vries"),
        ("Gemma Ruiz is their CISO and must review the architecture.", "Gemma Ruiz"),
        # first names and surnames that are also ordinary words; Mark Rossi is one of ours
        ("The CFO, Mark Jensen, signs off anything above EUR 150k.", "Mark Jensen"),
        ("We spoke with Rose Baker (CFO) on Tuesday.", "Rose Baker"),
        # a word capitalised only because it starts the sentence is no part of the name
        ("Yesterday Priya Nair (CFO) walked us through the approval steps.", "Priya Nair"),
        ("Met Priya Nair (CFO) at the plant.", "Priya Nair"),
    ],
)
def test_the_name_next_to_a_title_is_read_in_any_of_the_usual_shapes(
    sentence: str, name: str
) -> None:
    assert only(sentence).person == name


@pytest.mark.parametrize(
    "sentence",
    [
        "Economic buyer (CFO) not identified yet.",
        "Economic Buyer (CFO) to be confirmed.",
        "Helixor is the IT director's platform of choice.",  # a possessive: not the person
        "The CFO wants a payback under two years.",
    ],
)
def test_a_title_without_a_name_next_to_it_has_no_name(sentence: str) -> None:
    assert only(sentence).person is None


@pytest.mark.xfail(
    strict=True,
    reason="'Head of <two words>' cannot tell a department's second word from a first name "
    "('Head of Supply Chain' vs 'Head of Operations Karl') without a lexicon of first names",
)
def test_a_name_after_a_two_word_department_title() -> None:
    fact = only("Head of Operations Karl Meyer wants the pilot in March.")
    assert (fact.title, fact.person) == ("Head of Operations", "Karl Meyer")


# --- authority over the spend -----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The CFO, Henrike Sauer, signs off anything above EUR 150k.",
        "Their finance director holds the budget for the programme.",
        "Priya Nair (CFO) has the final say on the investment.",
        "Anything over GBP 25k must be approved by the CFO; the CFO must approve it in writing.",
        "The managing director authorises every purchase above USD 50k.",
    ],
)
def test_a_sentence_that_gives_them_the_spend_gives_them_authority(sentence: str) -> None:
    found = people(sentence)
    assert found and all(f.authority is True and f.role == "economic_buyer" for f in found)


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Their VP Operations, Lars Holm, signs off the budget for the rollout.", "economic_buyer"),
        ("The head of logistics, Ana Lima, approves the spend on tooling.", "economic_buyer"),
        ("The head of marketing decides the agenda for the offsite.", "influencer"),
    ],
)
def test_an_influencer_who_signs_for_the_spend_is_the_economic_buyer(
    sentence: str, role: str
) -> None:
    assert only(sentence).role == role


@pytest.mark.parametrize(
    "sentence",
    [
        "The CFO joined the kickoff call.",
        "The CFO asked about the reporting module.",
        "Their CISO, Omar Haddad, reviewed the architecture diagram.",
    ],
)
def test_a_title_alone_gives_no_authority(sentence: str) -> None:
    assert only(sentence).authority is None


# --- met or not -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "met"),
    [
        ("We have not met the CFO yet.", False),
        ("Their finance director Marco Bellini approves; we haven't spoken to him.", False),
        ("Marco Bellini (CFO) approves the budget. We have not met him yet.", False),
        ("Priya Nair (CFO) signs. Priya has not been involved so far.", False),
        ("We met Jonas Berg, the IT director, last week.", True),
        ("Presented to the CFO, Li Wei, on Monday.", True),
        ("The CFO, Li Wei, signs.", None),
        ("Li Wei (CFO) signs. The IT director has not been involved.", None),
    ],
)
def test_whether_we_have_met_them_is_what_the_text_says(text: str, met: bool | None) -> None:
    assert people(text)[0].met is met


# --- guesses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Maybe the COO signs, not sure.",
        "Not sure whether the CFO or the CEO signs off.",
        "It might be the finance director who approves the spend.",
    ],
)
def test_a_guess_at_who_signs_is_hedged_and_gives_no_authority(sentence: str) -> None:
    found = people(sentence)
    assert found and all(f.hedged and f.authority is None for f in found)


@pytest.mark.parametrize(
    "sentence",
    [
        "The CFO signs off anything above EUR 150k.",
        "Maybe next quarter, says the CFO, Priya Nair, who signs.",  # named: no guess at who
    ],
)
def test_a_plain_statement_or_a_named_person_is_no_guess(sentence: str) -> None:
    assert not only(sentence).hedged


# --- the seller's own people ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Our sales manager joined the call.",
        "Our CFO must approve any discount above 20%.",
        "My VP Sales wants a close plan by Friday.",
        "Rita Seller (Managing Director) joined the call.",  # the deal owner, by name
        "Sam Keller (CTO) joined from our side.",  # a team member, by name
        "Mark Rossi, head of sales, reviewed the discount.",  # a name that is an ordinary word
    ],
)
def test_the_sellers_own_people_are_no_stakeholders(sentence: str) -> None:
    assert people(sentence) == []


def test_our_in_the_customers_own_words_is_the_customers() -> None:
    sentence = "Our CISO has to review this before anything is signed."
    assert people(sentence, seller_written=True) == []
    fact = only(sentence, seller_written=False)
    assert (fact.title, fact.role) == ("CISO", "technical_evaluator")


# --- the contact a mention is about -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "contact_id"),
    [
        ("Helen Cho, their CISO, must sign off the architecture.", "c-helen"),
        ("Helen (CISO) wants the pen test report.", "c-helen"),  # a first name will do
        ("The CISO has to review the data flows.", "c-helen"),  # the one contact with that title
        ("The chief information security officer asked for our SOC 2.", "c-helen"),
        ("Their CISO, Omar Haddad, wants the pen test report.", None),  # someone else
        ("The CFO asked for the business case.", None),  # no contact holds that title
    ],
)
def test_a_mention_is_tied_to_the_contact_it_names(sentence: str, contact_id: str | None) -> None:
    assert only(sentence).contact_id == contact_id


def test_a_title_two_contacts_share_is_tied_to_neither() -> None:
    two = deal(
        contacts=[
            contact("c-a", "Ann Lee", title="IT Director"),
            contact("c-b", "Bo Chen", title="IT Director, Plants"),
        ],
        activities=[],
    )
    assert [f.contact_id for f in people("The IT director wants SSO.", on=two)] == [None]


def test_a_title_is_its_holder_not_their_deputy() -> None:
    pair = deal(
        contacts=[
            contact("c-a", "Ann Lee", title="Chief Financial Officer"),
            contact("c-b", "Bo Chen", title="Deputy CFO"),
        ],
        activities=[],
    )
    assert [f.contact_id for f in people("The CFO wants the payback.", on=pair)] == ["c-a"]


# --- the same facts, however it is worded -----------------------------------------------------


def _gist(f: Fact) -> tuple[Any, ...]:
    return (f.person, f.title.upper() if f.title else None, f.role, f.authority, f.met, f.hedged)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "The CFO, Henrike Sauer, signs off anything above EUR 150k; we have not met her.",
            "Henrike Sauer (CFO) approves any spend over EUR 150k. We haven't met her yet.",
        ),
        (
            "Spoke with Jonas Berg, the IT director, about SSO.",
            "We met Jonas Berg (IT Director) to go through SSO.",
        ),
        (
            "Tomasz Wójcik, head of procurement, wants three quotes.",
            "Head of procurement Tomasz Wójcik asked for three competing quotes.",
        ),
    ],
)
def test_two_wordings_of_the_same_person_read_the_same(one: str, other: str) -> None:
    assert [_gist(f) for f in people(one)] == [_gist(f) for f in people(other)]


@pytest.mark.parametrize(
    "note",
    [
        "The CFO, Henrike Sauer, signs off anything above EUR 150k; we have not met her.",
        "Henrike Sauer (CFO) holds the budget. We haven't met her yet.",
    ],
)
def test_a_named_signer_in_a_note_is_one_unmet_economic_buyer_outside_the_crm(note: str) -> None:
    ctx = make_context(
        deal={"notes": [{"date": AS_OF.isoformat(), "author": "rep-1", "text": note}]}
    )
    [person] = mentioned_people(read_deal(ctx, AS_OF))
    assert (person.name, person.title, person.role) == ("Henrike Sauer", "CFO", "economic_buyer")
    assert person.authority and person.met is False and person.ref == "deal.notes[0].text"
