"""Code's check on a model's reading (agent/reading/verify.py): quotes found verbatim after
whitespace and case folding, fields the words do not hold left out, dates computed by code,
and the rules' fields winning wherever both read the same words."""

from __future__ import annotations

import datetime as dt

from agent.contracts.facts import Fact
from agent.reading.verify import ProposedFact, Scene, Source, contains, locate, merge, verify
from tests.conftest import SAMPLE
from tools.sources import WorkspaceSource

AS_OF = dt.date(2026, 11, 20)
WRITTEN = dt.date(2026, 11, 18)  # a Wednesday
REF = "deal.notes[0].text"


def scene() -> Scene:
    return Scene(WorkspaceSource(SAMPLE).load_context("D-1006").deal, AS_OF, ("Taskline",))


def check(text: str, *proposed: ProposedFact, seller: bool = True) -> list[Fact]:
    kept, _ = verify(proposed, {REF: Source(REF, text, WRITTEN, seller)}, scene())
    return kept


def test_a_quote_is_found_whatever_its_spacing_case_or_quote_marks() -> None:
    text = "Grace said:  the vendor’s\nreview takes six weeks."
    start, end = locate('"the Vendor\'s review takes"', text) or (0, 0)
    assert text[start:end] == "the vendor’s\nreview takes"
    assert locate("the vendors review", text) is None  # a changed word is not the text
    assert locate("ok", text) is None and locate("...", text) is None  # too short to point


def test_fields_the_words_do_not_hold_are_left_out() -> None:
    text = "Henry, the CFO, signs off anything above $150k. Our VP Sales Ines joins."
    (cfo,) = check(
        text,
        ProposedFact(kind="person", ref=REF, quote="Henry, the CFO, signs off", person="Henry",
                     title="CFO", role="economic_buyer", authority=True, outcome="replied"),
        ProposedFact(kind="person", ref=REF, quote="Our VP Sales Ines joins", person="Ines",
                     title="VP Sales", role="influencer"),  # the seller's own people
        ProposedFact(kind="person", ref=REF, quote="Henry, the CFO", person="Marta",
                     title="COO"),  # neither the name nor the title is in the words
    )  # fmt: skip
    assert cfo.contact_id == "c-henry-adeyemi"  # the contact, by the rules' own matching
    assert contains("Joanna, head of IT", "Anna") is None  # whole words only
    assert contains("Joanna, head  of IT", "Head of IT") == "head  of IT"
    assert (cfo.role, cfo.authority, cfo.outcome) == ("economic_buyer", True, None)


def test_dates_are_computed_from_the_words_not_taken_from_the_model() -> None:
    text = "Isabel booked the steering review for Monday. Henry joined the last review."
    booked, undated = (
        ProposedFact(kind="meeting", ref=REF, quote="Isabel booked the steering review for Monday"),
        ProposedFact(kind="meeting", ref=REF, quote="Henry joined the last review"),
    )
    (meeting,) = check(text, booked, undated)  # no date to come in the words: not a booking
    assert meeting.on == dt.date(2026, 11, 23)  # the Monday after the note was written
    assert meeting.attendees == ["c-isabel-moreau"]
    (freeze,) = check(
        "Capex is frozen until March; the security review takes 6-8 weeks.",
        ProposedFact(kind="constraint", ref=REF, quote="Capex is frozen until March",
                     constraint="budget_freeze"),
    )  # fmt: skip
    assert (freeze.until, freeze.weeks) == (dt.date(2027, 3, 1), None)


def test_the_rules_win_on_the_same_words_and_the_model_fills_what_they_left_unknown() -> None:
    text = "Taskline came in 20% cheaper, Grace says. Procurement is lukewarm."
    rule = Fact(kind="comparison", ref=REF, quote="Taskline came in 20% cheaper, Grace says.",
                competitor="Taskline", claim="price", figure=None)  # fmt: skip
    same, new, again = check(
        text,
        ProposedFact(kind="comparison", ref=REF, quote="came in 20% cheaper", claim="scope"),
        ProposedFact(
            kind="sentiment", ref=REF, quote="Procurement is lukewarm", direction="cooling"
        ),
        ProposedFact(kind="sentiment", ref=REF, quote="is lukewarm", direction="warming"),
    )
    assert same.figure == "20%"  # computed by code from the words
    merged = merge([rule], [same, new, again], {REF: text})
    assert len(merged) == 2 and merged[0].source == "rules"
    assert (merged[0].claim, merged[0].figure) == ("price", "20%")  # rule's claim, model's gap
    assert merged[1].source == "model" and merged[1].direction == "cooling"  # the first one
