"""Next steps said in a call: owner, date and the customer's commitment, by readable rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from agent.contracts.conversation import Utterance
from agent.errors import InvalidInput
from agent.reading.commitments import find_commitments, resolve_date
from agent.reading.transcripts import parse_transcript
from tests.factories import make_context

WED = dt.date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("by the 25th", dt.date(2026, 11, 25)),
        ("on the 4th", dt.date(2026, 12, 4)),  # the 4th has passed: next month
        ("by the 4th of December", dt.date(2026, 12, 4)),
        ("before January 9", dt.date(2027, 1, 9)),
        ("today", WED),
        ("by end of day", WED),
        ("this afternoon", WED),
        ("tomorrow", dt.date(2026, 11, 19)),
        ("by Friday", dt.date(2026, 11, 20)),
        ("next Monday", dt.date(2026, 11, 23)),
        ("on Wednesday", dt.date(2026, 11, 25)),  # the same weekday means next week
        ("this week", dt.date(2026, 11, 20)),
        ("next week", dt.date(2026, 11, 27)),
        ("by 2026-12-01", dt.date(2026, 12, 1)),
        ("soon", None),
        ("on the 31st", dt.date(2026, 12, 31)),  # November has no 31st: the next month that has
        ("in our 3rd call", None),  # an ordinal without "by/on the" or a month is no date
    ],
)
def test_dates_resolve_relative_to_the_call(words: str, expected: dt.date | None) -> None:
    assert resolve_date(f"I'll send it {words}", WED)[0] == expected


@pytest.mark.parametrize(
    ("words", "on", "expected"),
    [
        ("the 2nd version of the proposal tomorrow", WED, dt.date(2026, 11, 19)),
        ("by Sept 5th", WED, dt.date(2027, 9, 5)),
        ("by the 30th", dt.date(2026, 1, 31), dt.date(2026, 3, 30)),  # February has none
        ("by December 15", dt.date(2026, 12, 20), dt.date(2027, 12, 15)),
    ],
)
def test_dates_at_month_and_year_ends(words: str, on: dt.date, expected: dt.date) -> None:
    assert resolve_date(f"I'll send {words}", on)[0] == expected


def test_distinct_steps_by_one_owner_on_one_date_all_stay() -> None:
    deal = make_context().deal
    call = [
        u(0, "Rita Seller", "rep-1", "seller", "I'll send the revised order form by Friday."),
        u(1, "Rita Seller", "rep-1", "seller", "And I'll set up the security review by Friday."),
    ]
    actions = [p.action for p in find_commitments(call, deal, WED)]
    assert len(actions) == 2 and "order form" in actions[0] and "security" in actions[1]


def test_a_customer_saying_you_means_the_seller() -> None:
    deal = make_context().deal
    call = [
        u(0, "Ann Champion", "c-ann", "customer", "Next steps: you send the order form by Friday."),
        u(1, "Rita Seller", "rep-1", "seller", "Will do."),
    ]
    (step,) = find_commitments(call, deal, WED)
    assert step.owner_id == "rep-1" and step.commitment == "confirmed"


def u(i: int, who: str, pid: str, side: str, text: str) -> Utterance:
    return Utterance(index=i, speaker=who, person_id=pid, side=side, text=text)  # type: ignore[arg-type]


def test_owner_date_and_commitment_from_a_recap() -> None:
    deal = make_context().deal
    call = [
        u(0, "Rita Seller", "rep-1", "seller", "I'll send the pricing options by Friday."),
        u(
            1,
            "Ann Champion",
            "c-ann",
            "customer",
            "Let me think about it. I'll ask Eve, no promises.",
        ),
        u(
            2,
            "Rita Seller",
            "rep-1",
            "seller",
            "Next steps then: I send the pricing options by Friday, Ann books time with Eve "
            "next week, and you review the draft plan.",
        ),
        u(3, "Ann Champion", "c-ann", "customer", "Agreed. Talk soon."),
    ]
    steps = find_commitments(call, deal, WED)
    by_owner = {(s.owner_id, s.due): s for s in steps}
    # the recap restates the Friday promise: kept once, from the recap
    assert sum(s.owner_id == "rep-1" and s.due == dt.date(2026, 11, 20) for s in steps) == 1
    assert by_owner[("rep-1", dt.date(2026, 11, 20))].commitment == "confirmed"
    assert by_owner[("c-ann", dt.date(2026, 11, 27))].action.startswith("Ann books time")
    hedged = [s for s in steps if s.commitment == "hedged"]
    assert hedged and hedged[0].owner_id == "c-ann" and hedged[0].due is None
    reviewer = next(s for s in steps if s.action.startswith("you review"))
    assert reviewer.owner_id == "c-ann"  # "you": the customer who answered


def test_questions_and_hedges_are_not_promises() -> None:
    deal = make_context().deal
    call = [
        u(0, "Rita Seller", "rep-1", "seller", "Shall I send the deck tomorrow?"),
        u(1, "Ann Champion", "c-ann", "customer", "Maybe."),
    ]
    assert find_commitments(call, deal, WED) == []


SCRIPTED = Path(__file__).resolve().parents[3] / "shared/data/sales_transcripts_scripted"


@pytest.mark.skipif(not SCRIPTED.is_dir(), reason="needs ../shared/data (public datasets)")
def test_promises_in_scripted_sales_calls_nobody_here_wrote() -> None:
    """54 public scripted calls: the first speaker sells. Promises are found in a fair share,
    every date comes from the promise's own words, and no question counts as a promise."""
    deal = make_context().deal
    with_promises = 0
    for line in (SCRIPTED / "transcripts.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            call = parse_transcript(json.loads(line)["TranscriptText"], source="scripted")
        except InvalidInput:
            continue  # prose summaries without speaker labels
        seller = call.utterances[0].speaker
        turns = [
            x.model_copy(update={"side": "seller" if x.speaker == seller else "customer"})
            for x in call.utterances
        ]
        promises = find_commitments(turns, deal, WED)
        with_promises += bool(promises)
        for p in promises:
            assert not p.action.endswith("?")
            assert (p.due is None) == (p.due_text is None)
            assert p.due_text is None or p.due_text in p.action
    assert with_promises >= 10
