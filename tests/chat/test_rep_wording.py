"""How the chat reads a busy rep (issue 14, items 3-4): navigation wrapped in chat filler, the
off-topic intent, a quoted remark, person and topic slots, a question naming a buying-group
role, and the second blind set's floor. Messages here are written for these tests, never taken
from the blind sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.chat.focus import asked_section
from agent.chat.more import navigation
from agent.compose.brief import MAX_LINES, brief
from agent.routing.intent import FOLLOWUP, OFF_TOPIC, UNKNOWN, decide
from agent.routing.message_slots import extract_slots, topic_named
from knowledge.embeddings import semantic_available
from tests.chat.conftest import answer, session

needs_weights = pytest.mark.skipif(not semantic_available(), reason="MiniLM weights not installed")


@pytest.mark.parametrize(
    ("message", "ask"),
    [
        ("more on 3", ("section", "3")),
        ("alright so more on the third step", ("step", "3")),  # the plan's, not the menu's
        ("could you expand on #4 pls", ("section", "4")),
        ("can u open step 2", ("step", "2")),
        ("what's step 4?", ("step", "4")),
        ("the second one", ("item", "2")),
        ("ok and the 3rd one?", ("item", "3")),
        ("why?", ("why", "")),
        ("but why that step", ("why", "")),
        ("why 30%?", None),  # a number to explain, not a follow-up
        ("why is the win probability so low", None),
        ("more on the risks", ("section", "risks")),
        ("thanks, sources?", ("sources", "")),
        ("what are the citations behind that", ("sources", "")),
        ("where does this come from", ("sources", "")),
        ("ok the whole report please", ("full", "")),
        ("show me the sources of their budget", None),  # a topic of its own
        ("open a ticket for IT", None),
        ("what should I do next", None),
    ],
)
def test_navigation_reads_the_wrapping_of_a_busy_rep(
    message: str, ask: tuple[str, str] | None
) -> None:
    assert navigation(message) == ask


def test_off_topic_best_is_unknown_with_nothing_offered() -> None:
    sure = decide({OFF_TOPIC: 0.7, "deal_strategy": 0.5, "help": 0.2}, 0.3, "book a taxi")
    assert (sure.name, sure.choices, sure.runner_up) == (UNKNOWN, [], None)
    vague = decide({"deal_strategy": 0.25, OFF_TOPIC: 0.24, "help": 0.2}, 0.3, "hmm the thing")
    assert vague.name == UNKNOWN and vague.choices == ["deal_strategy", "help"]  # never off-topic
    assert decide({OFF_TOPIC: 0.6, "help": 0.2}, 0.3, "and D-1004?").name == FOLLOWUP
    assert decide({"smalltalk": 0.5, "help": 0.2}, 0.3, "D-1004?").name == FOLLOWUP  # no words


@pytest.mark.parametrize(
    ("message", "person"),
    [
        ("i need to ask Hannah for the PO", "Hannah"),  # "ask" is not a name
        ("write something short to nudge Bethany", "Bethany"),
        ("draft an email for renata recapping the workshop", "renata"),
        ("thank u note to Miriam", "Miriam"),  # shorthand spelled out first
        ("seeing Marcus on tuesday", "Marcus"),
        ("write me a follow-up email", None),
    ],
)
def test_person_slot(message: str, person: str | None) -> None:
    assert extract_slots(message).person == person


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("draft a msg to Owen re the rollout plan", "the rollout plan"),
        ("email the GM about pricing, short pls", "pricing"),
        ("send Victor a note regarding the pilot scope?", "the pilot scope"),
        ("write me a follow-up email", None),
    ],
)
def test_topic_slot(message: str, topic: str | None) -> None:
    assert topic_named(message) == topic


REPORT = """# Stakeholder strategy: Some Account

Proposal · 3 people

## Buying group coverage
- two of three engaged [1]

### Ann Example, Chief Financial Officer (economic buyer)
Engagement: **dark** (last contact 2026-10-01) [2]

- **Approach:** outcome first [3]
- **Priorities:** payback [4]
- **Draft:** "Hi Ann, could we take 20 minutes this week to check the business case?"

### Bo Example, Operations Lead (champion)
Engagement: **engaged** (last contact 2026-11-17) [5]

- **Approach:** equip them to sell internally [6]
"""


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("who's the decision maker here?", "Ann Example, Chief Financial Officer (economic buyer)"),
        ("is our champion still with us", "Bo Example, Operations Lead (champion)"),
        (
            "who signs off and is the champion on board",
            "Ann Example, Chief Financial Officer (economic buyer)",
        ),  # the first role named
        ("who should I engage next", ""),
        ("who is procurement", ""),  # no such section in this report
    ],
)
def test_a_role_named_finds_its_section(message: str, title: str) -> None:
    assert asked_section(message, REPORT) == title


def test_the_section_asked_about_leads_with_its_opening_line() -> None:
    lines = brief(
        REPORT, asked="Ann Example, Chief Financial Officer (economic buyer)"
    ).splitlines()
    assert len(lines) <= MAX_LINES
    assert lines[1].startswith("**Ann Example") and lines[2].startswith("Engagement: **dark**")
    assert any(line.startswith("Say: “Hi Ann") for line in lines)
    assert brief(REPORT).splitlines()[1].startswith("**Buying group coverage**")  # not asked


@needs_weights
def test_a_champion_question_is_answered_by_the_champions_plan(chat_db: Path) -> None:
    text, _ = answer(session(chat_db, deal_id="D-1002"), "who's our champion, are they solid?")
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= MAX_LINES
    assert lines[1].rstrip().endswith("(champion)**") and lines[2].startswith("Engagement:")


@needs_weights
@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ('they told me "we\'d rather wait for the new budget"', "objection_guide"),
        ("book me a hotel near their office", UNKNOWN),
        ("is the CFO really the one who decides?", "stakeholder_strategy"),
    ],
)
def test_new_wording_routes(message: str, intent: str) -> None:
    from agent.routing.intent import classifier

    assert classifier().classify(message).name == intent


@needs_weights
def test_second_blind_set_and_dev_set_floors() -> None:
    """blind2 was written before tuning and scored 0.775 as the chat routed it then; dev is what
    the router is tuned on (all but a few must pass)."""
    from agent.resources import evals_dir
    from evals.chat_routing import load_cases, measure

    blind2 = measure(load_cases(evals_dir() / "chat" / "blind2.yaml"))
    assert blind2.cases == 40 and blind2.accuracy >= 0.85, blind2.misses
    assert blind2.slots_correct == blind2.slots, blind2.slot_misses
    dev = measure(load_cases(evals_dir() / "chat" / "dev.yaml"))
    assert dev.accuracy >= 0.97, dev.misses


def test_every_title_acronym_the_chat_resolves_is_a_slot_to_the_classifier() -> None:
    from agent.chat.people import ROLE_WORDS
    from agent.routing.message_slots import TITLE_ACRONYM

    acronyms = [word for word in ROLE_WORDS if len(word) <= 4]
    assert acronyms and all(TITLE_ACRONYM.fullmatch(word) for word in acronyms)
    assert TITLE_ACRONYM.search("the legal team") is None  # a word with a meaning stays


@needs_weights
def test_an_objection_described_leads_with_the_guides_plan_of_its_kind(chat_db: Path) -> None:
    from agent.capabilities.objection_guide.contract import ObjectionGuideResult
    from agent.contracts.request import CoachingRequest
    from agent.reading.objection_phrases import classify_objection
    from agent.service import coach

    message = "they want a discount, what do I say"
    kind = classify_objection(message)
    guide = coach(CoachingRequest(capability="objection_guide", deal_id="D-1003")).result
    assert isinstance(guide, ObjectionGuideResult) and kind is not None
    plan = min((p for p in guide.objections if p.category == kind), key=lambda p: p.rank)
    text, _ = answer(session(chat_db, deal_id="D-1003"), message)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= MAX_LINES and lines[1].startswith(f"**{plan.rank}. {plan.title}**")
