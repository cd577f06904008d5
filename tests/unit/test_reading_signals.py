"""From facts to signals (agent/analysis: signals_people, signals_*, buying_group, engagement):
what a deal's free text, worded as different reps word it, raises, and what the near misses
sharing its words must not raise. Each deal is the factories' healthy Discovery deal (Ann the
champion met us 5 days ago, Eve the economic buyer 3 days ago, close in 60 days) plus text."""

from __future__ import annotations

from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.model import Analysis, Signal
from tests.factories import AS_OF, activity, contact, make_context

NOTE = "deal.notes[0].text"


def analysed(*notes: str, **deal: Any) -> Analysis:
    written = [{"date": "2026-11-18", "author": "rep-1", "text": t} for t in notes]
    return analyze_deal(make_context(deal={"notes": written, **deal}), AS_OF)


def signal(analysis: Analysis, sid: str) -> Signal | None:
    return next((s for s in analysis.signals if s.id == sid), None)


def severity(analysis: Analysis, sid: str) -> str | None:
    found = signal(analysis, sid)
    return found.severity if found else None


def _ann(aid: str, ago: int, kind: str = "email", **extra: Any) -> dict[str, Any]:
    return activity(aid, ago, ["c-ann", "rep-1"], kind, **extra)


BASE = [activity("a1", 5, ["c-ann", "rep-1"]), activity("a2", 3, ["c-eve"])]


# --- outreach_unanswered ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempts",
    [
        [_ann("e1", 4, outcome="No reply"), _ann("e2", 2, outcome="No response to the chaser")],
        [
            _ann("e1", 4, summary="Sent the recap; nothing back yet"),
            _ann("e2", 2, "call", summary="Rang Ann, straight to voicemail"),
        ],
        [_ann("e1", 4, outcome="Not heard back"), _ann("e2", 1, outcome="Auto-reply: OOO")],
    ],
)
def test_two_unanswered_attempts_at_the_champion_are_outreach_unanswered(
    attempts: list[dict[str, Any]],
) -> None:
    found = signal(analysed(activities=[*BASE, *attempts]), "outreach_unanswered")
    assert found is not None and found.severity == "high"
    assert found.citations == ["deal.contacts[0]", "deal.activities[2]", "deal.activities[3]"]
    assert "2 attempts to reach them since went unanswered" in found.detail


def test_a_bounce_is_outreach_unanswered_at_once_and_says_they_may_have_left() -> None:
    analysis = analysed(activities=[*BASE, _ann("e1", 2, outcome="Undeliverable")])
    found = signal(analysis, "outreach_unanswered")
    assert found is not None and "bounced" in found.detail
    assert analysis.engagement[0].level == "dark"


def test_silence_from_someone_outside_the_key_roles_is_medium() -> None:
    joe = contact("c-joe", "Joe Planner", "user")
    attempts = [
        activity("e1", 4, ["c-joe", "rep-1"], "email", outcome="No reply"),
        activity("e2", 2, ["c-joe", "rep-1"], "call", outcome="Left voicemail"),
    ]
    contacts = [*make_context().deal.contacts, joe]
    analysis = analysed(contacts=contacts, activities=[*BASE, *attempts])
    assert severity(analysis, "outreach_unanswered") == "medium"


@pytest.mark.parametrize(
    "attempts",
    [
        [_ann("e1", 2, outcome="No reply")],  # once is no pattern yet
        [_ann("e1", 4, outcome="No reply"), _ann("e2", 2, outcome="Replied with questions")],
        [_ann("e1", 4, outcome="No reply"), _ann("e2", 2, "meeting", summary="Pilot review")],
        # an answer about something else is no unanswered call
        [
            _ann("e1", 4, "call", summary="Call with Ann, she had no answer on budget yet"),
            _ann("e2", 2, "call", summary="Call with Ann; no answer about timing either"),
        ],
    ],
)
def test_an_answer_or_a_single_miss_is_no_unanswered_outreach(
    attempts: list[dict[str, Any]],
) -> None:
    assert signal(analysed(activities=[*BASE, *attempts]), "outreach_unanswered") is None


# --- unmapped_stakeholder ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "who", "level"),
    [
        (
            "The CFO, Henrike Sauer, signs off anything above EUR 150k.",
            "Henrike Sauer, CFO",
            "high",
        ),
        (
            "Henrike Sauer (CFO) holds the budget; we have not met her.",
            "Henrike Sauer, CFO",
            "high",
        ),
        (
            "Their IT director, Jonas Berg, wants SSO before the pilot.",
            "Jonas Berg, IT director",
            "medium",
        ),
        (
            "Gemma Ruiz is their CISO and must review the architecture.",
            "Gemma Ruiz, CISO",
            "medium",
        ),
        ("Legal counsel has to review our MSA.", "the Legal counsel", "medium"),
    ],
)
def test_someone_the_text_names_with_a_role_who_is_no_contact_is_unmapped(
    note: str, who: str, level: str
) -> None:
    found = signal(analysed(note), "unmapped_stakeholder")
    assert found is not None and (found.severity, found.citations) == (level, [NOTE])
    assert found.detail == f"named in the record but not a contact: {who}; add them to the CRM"


@pytest.mark.parametrize(
    "note",
    [
        "Eve Buyer, their CFO, signs off anything above USD 100k.",  # a contact already
        "Rita Seller (Managing Director) joined the call.",  # the deal owner
        "Our sales manager will join the next call.",  # the seller's own
        "Our CFO must approve any discount above 20%.",
        "Maybe the COO signs, not sure.",  # a guess names nobody
        "The owner of the process is unclear; either the COO or the plant director.",
        "The finance team closes the month in twelve days.",
    ],
)
def test_a_contact_a_seller_or_a_guess_is_not_unmapped(note: str) -> None:
    assert signal(analysed(note), "unmapped_stakeholder") is None


# --- the economic buyer from text, and a meeting booked with them -----------------------------

ANN_ONLY = {"contacts": [contact("c-ann", "Ann Champion", "champion")], "activities": BASE[:1]}


@pytest.mark.parametrize(
    "note",
    [
        "The CFO, Henrike Sauer, signs off anything above EUR 150k; we have not met her.",
        "Henrike Sauer (CFO) has the final say on the budget. Nobody has met her yet.",
    ],
)
def test_a_signer_named_only_in_text_is_an_economic_buyer_not_engaged(note: str) -> None:
    analysis = analysed(note, **ANN_ONLY)
    assert analysis.economic_buyer is not None
    assert (analysis.economic_buyer.name, analysis.economic_buyer.engaged) == (
        "Henrike Sauer",
        False,
    )
    assert signal(analysis, "economic_buyer_not_engaged") is not None
    assert signal(analysis, "economic_buyer_unknown") is None


@pytest.mark.parametrize(
    "booking",
    [
        "Ann booked a call with Henrike Sauer for Tuesday 1 December.",
        "Calendar invite accepted: Henrike Sauer, 30 minutes on 1 Dec.",
    ],
)
def test_a_meeting_booked_with_that_signer_is_meeting_booked_not_an_absent_buyer(
    booking: str,
) -> None:
    note = "The CFO, Henrike Sauer, signs off anything above EUR 150k; we have not met her."
    analysis = analysed(note, booking, **ANN_ONLY)
    assert signal(analysis, "economic_buyer_not_engaged") is None
    found = signal(analysis, "meeting_booked")
    assert found is not None and found.detail.startswith("a meeting is booked for 2026-12-01")
    assert found.citations == ["deal.notes[1].text"]


# --- meeting_booked ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Eve booked a call with us for Tuesday 1 December.",
        "Demo with Eve is in the diary for 1 Dec.",
        "Eve accepted the invite for the 1st of December.",
    ],
)
def test_a_booking_in_a_note_is_meeting_booked(note: str) -> None:
    found = signal(analysed(note), "meeting_booked")
    assert found is not None and found.severity == "low" and found.citations == [NOTE]
    assert "2026-12-01" in found.detail


@pytest.mark.parametrize(
    "note",
    [
        "The CFO approved it last year.",
        "Eve confirmed the numbers and said the regulator requires the report from July 2027.",
        "We had a meeting booked for 2 November but Eve cancelled.",
        "Go-live is scheduled for 1 March.",
    ],
)
def test_words_of_booking_without_a_future_meeting_are_no_meeting_booked(note: str) -> None:
    assert signal(analysed(note), "meeting_booked") is None


# --- buying_constraint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "level", "late"),
    [
        ("Finance has frozen all new software spend until 15 January.", "high", False),
        # no date the code can read: a freeze with no known end is treated as outlasting the close
        ("Per Kasia, all purchases are on hold until the new fiscal year.", "critical", False),
        ("Their security review usually takes six to eight weeks.", "medium", False),
        ("Expect 6-8 weeks for the InfoSec assessment.", "medium", False),
        ("Their vendor risk assessment takes 10 to 12 weeks.", "high", True),
        ("Board approval is needed; the board next meets on 3 February.", "high", True),
        ("The CISO has to approve any new SaaS vendor.", "low", False),
    ],
)
def test_a_constraint_in_the_text_is_a_buying_constraint_worse_when_it_outlasts_the_close(
    note: str, level: str, late: bool
) -> None:
    found = signal(analysed(note), "buying_constraint")
    assert found is not None and (found.severity, found.citations) == (level, [NOTE])
    assert ("lifts after the expected close" in found.detail) is late


@pytest.mark.parametrize(
    "note",
    [
        "There is a hiring freeze until March.",  # headcount, not spend
        "IT is frozen until early November because of the core cutover.",
        "Good news: the spending freeze was lifted on Monday.",
        "We passed their security review last year.",
        "Legal will look at the MSA.",  # a legal review without a length is no constraint yet
    ],
)
def test_a_freeze_on_something_else_or_one_that_is_over_is_no_buying_constraint(
    note: str,
) -> None:
    assert signal(analysed(note), "buying_constraint") is None


# --- price_comparison -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Procurement says Nimbra came in 20% cheaper.",
        "Eve told us Nimbra's price is lower than ours.",
        "Nimbra quoted EUR 40k per year for the same scope.",
    ],
)
def test_a_competitor_compared_on_price_is_a_price_comparison(note: str) -> None:
    found = signal(analysed(note, competitors=["Nimbra"]), "price_comparison")
    assert found is not None and found.severity == "medium" and found.citations == [NOTE]
    assert found.detail == "Nimbra is compared with us on price in the record"


@pytest.mark.parametrize(
    "note",
    [
        "Nimbra promises go-live in 6 weeks.",  # speed, not price
        "We beat Nimbra on price last year at another account.",
        "Nimbra presented last week; Eve liked their UI.",
    ],
)
def test_a_competitor_named_without_a_price_claim_is_no_price_comparison(note: str) -> None:
    assert signal(analysed(note, competitors=["Nimbra"]), "price_comparison") is None


# --- departures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Ann is leaving the company at the end of the month.",
        "Heads-up: Ann has handed in her notice.",
        "Ann is stepping down at year end; her deputy takes over.",
    ],
)
def test_a_champion_leaving_is_marked_unreliable(note: str) -> None:
    [ann, eve] = analysed(note).engagement
    assert ann.leaving is not None and ann.leaving in note and ann.leaving_ref == NOTE
    assert not ann.reliable and eve.reliable


@pytest.mark.parametrize(
    "note",
    [
        "Ann is leaving for a conference next week.",
        "Ann will leave the call early on Tuesday.",
        "Ann retired the old spreadsheet last year.",
    ],
)
def test_a_champion_leaving_the_room_is_still_reliable(note: str) -> None:
    assert all(p.reliable for p in analysed(note).engagement)


# --- the same signals, however it is worded ---------------------------------------------------


def _signals(analysis: Analysis) -> list[tuple[str, str, list[str]]]:
    return [(s.id, s.severity, s.citations) for s in analysis.signals]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "The CFO, Henrike Sauer, signs off anything above EUR 150k. Finance has frozen all "
            "new software spend until 15 January. Nimbra came in 20% cheaper.",
            "Henrike Sauer (CFO) holds the budget. Per Kasia: spending freeze on new software "
            "until 15 Jan. Procurement says Nimbra's price is lower than ours.",
        ),
        (
            "Eve booked a call with us for Tuesday 1 December. Their security review usually "
            "takes six to eight weeks.",
            "Calendar invite accepted by Eve for 1 Dec. Expect 6-8 weeks for the InfoSec "
            "assessment.",
        ),
    ],
)
def test_two_deals_differing_only_in_wording_raise_the_same_signals(one: str, other: str) -> None:
    a, b = analysed(one, competitors=["Nimbra"]), analysed(other, competitors=["Nimbra"])
    assert _signals(a) == _signals(b)
    reading = {"unmapped_stakeholder", "buying_constraint", "price_comparison", "meeting_booked"}
    assert {s.id for s in a.signals} & reading  # the text raised something to compare


def test_two_wordings_of_unanswered_outreach_raise_the_same_signal() -> None:
    one = [_ann("e1", 4, outcome="No reply"), _ann("e2", 2, outcome="No answer")]
    other = [
        _ann("e1", 4, summary="Chased Ann on the pilot; still waiting for a reply"),
        _ann("e2", 2, "call", summary="Called Ann, left a message"),
    ]
    a, b = analysed(activities=[*BASE, *one]), analysed(activities=[*BASE, *other])
    assert signal(a, "outreach_unanswered") == signal(b, "outreach_unanswered") is not None
