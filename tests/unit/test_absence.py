"""An e-mail auto-reply (agent/reading/absence.py): the contact is away until a date, a
temporary absence and not a departure, and the deputy it names is a person to engage
(analysis/buying_group.py with_absences, the stakeholder plan). Auto-replies worded as
different mail systems and people word them; a reply from the person themselves is none."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent.analysis import analyze_deal
from agent.analysis.model import Analysis
from agent.capabilities.stakeholder_strategy.build import plan_stakeholders
from agent.contracts.deal import Activity
from agent.reading.absence import back_on, deputy_in, read_absence
from agent.reading.outreach import outcome_of
from tests.factories import AS_OF, activity, make_context
from tests.unit.test_process_steps import PLAYS

SENT = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("reply", "back"),
    [
        ("OOO until 12/3", "2026-12-03"),  # day and month either way: the nearer
        (
            "Auto-reply: on paternity leave until 14/06. For the rollout contact Ana Lima.",
            "2027-06-14",
        ),
        ("Automatic reply: I am on annual leave until Monday 7 December.", "2026-12-07"),
        ("Out of office reply: back Monday", "2026-11-30"),
        ("Out of office - returning on 2 Jan, limited access to e-mail", "2027-01-02"),
    ],
)
def test_an_auto_reply_says_when_they_are_back(reply: str, back: str) -> None:
    found = back_on(reply, SENT)
    assert found is not None and found[0].isoformat() == back and found[1] in reply
    assert (outcome_of_reply(reply) or ("",))[0] == "out_of_office"


def outcome_of_reply(reply: str) -> tuple[str, str, str] | None:
    email = Activity(id="e", type="email", date=SENT, participants=["c-ann"], summary="Sent")
    return outcome_of(email.model_copy(update={"outcome": reply}))


@pytest.mark.parametrize(
    ("reply", "who", "title"),
    [
        (
            "On paternity leave until 14 June. For the maintenance project please contact "
            "Larissa Campos (Coordenadora de PCM), larissa@example.com",
            "Larissa Campos",
            "Coordenadora de PCM",
        ),
        (
            "I am away until Monday. For urgent matters please contact my colleague Priya Shah, "
            "our Head of Planning, or call reception.",
            "Priya Shah",
            "Head of Planning",
        ),
        ("OOTO till the 9th - Karin Olsen is covering for me.", "Karin Olsen", None),
    ],
)
def test_an_auto_reply_names_who_to_contact_meanwhile(
    reply: str, who: str, title: str | None
) -> None:
    found = deputy_in(reply)
    assert found is not None and found[:2] == (who, title) and found[2] in reply


@pytest.mark.parametrize(
    "reply",
    [
        "Out of office until 3 Dec. Please contact the service desk for support.",
        "Auto-reply: I am travelling with limited access to e-mail.",
        "Thanks, contact me on my mobile if urgent.",
    ],
)
def test_no_deputy_when_the_reply_names_nobody(reply: str) -> None:
    assert read_absence(reply, SENT).deputy is None


# --- the buying group -------------------------------------------------------------------------

AWAY = (
    "Auto-reply: on parental leave until {back}. For the Testco rollout please contact "
    "Mia Berg (Planning Lead)."
)


def analysed(*outcomes: str, **deal: Any) -> Analysis:
    acts = [
        activity("a1", 25, ["c-ann", "c-eve", "rep-1"]),
        *(
            activity(f"e{i}", 8 - 3 * i, ["c-ann", "rep-1"], "email", outcome=o)
            for i, o in enumerate(outcomes)
        ),
    ]
    return analyze_deal(make_context(deal={"activities": acts, **deal}), AS_OF)


def test_the_champion_is_away_until_the_date_with_a_deputy_not_gone() -> None:
    back = (AS_OF + dt.timedelta(days=80)).strftime("%d %B %Y")
    analysis = analysed(AWAY.format(back=back), AWAY.format(back=back))
    ann = analysis.engagement[0]
    assert ann.away_until == AS_OF + dt.timedelta(days=80) and ann.deputy == "Mia Berg"
    assert ann.leaving is None and ann.reliable  # a temporary absence, not a departure
    assert not [f for f in analysis.reading.of("departure") if f.contact_id == "c-ann"]
    assert "Mia Berg" in [m.name for m in analysis.mentioned]
    quiet = next(s for s in analysis.signals if s.id == "champion_gone_quiet")
    assert "away until" in quiet.detail and "Mia Berg" in quiet.detail
    assert not [s for s in analysis.signals if s.id == "outreach_unanswered"]


def test_the_plan_brings_in_the_deputy_and_routes_the_asks_through_them() -> None:
    back = (AS_OF + dt.timedelta(days=80)).strftime("%d %B %Y")
    ctx = make_context(
        deal={
            "activities": [
                activity("a1", 25, ["c-ann", "c-eve", "rep-1"]),
                activity("e1", 4, ["c-ann", "rep-1"], "email", outcome=AWAY.format(back=back)),
            ]
        }
    )
    result = plan_stakeholders(ctx, analyze_deal(ctx, AS_OF), PLAYS)
    plans = {p.name: p for p in result.stakeholders}
    assert "Mia Berg" in plans and plans["Mia Berg"].timing == "immediate"
    assert "Stands in for Ann Champion" in plans["Mia Berg"].approach
    assert plans["Ann Champion"].approach.startswith("Away until")
    assert "no need to reply" in plans["Ann Champion"].message_draft
    assert result.alignment_plan[0].startswith("Confirm with Mia Berg (standing in for Ann")


@pytest.mark.parametrize(
    "reply",
    [
        "Reply from Ann: thanks, all clear, let's keep the 24th.",
        "Ann replied: confirmed for Tuesday, I'll bring the planners.",
    ],
)
def test_a_reply_from_the_person_is_no_absence(reply: str) -> None:
    analysis = analysed(reply)
    ann = analysis.engagement[0]
    assert not ann.is_away and ann.deputy is None
    assert analysis.mentioned == []


def test_an_absence_that_has_ended_is_over() -> None:
    ended = (AS_OF - dt.timedelta(days=2)).strftime("%d %B %Y")
    reply = f"Out of office until {ended}."
    ann = analysed(reply).engagement[0]
    assert not ann.is_away and ann.away_until is None
