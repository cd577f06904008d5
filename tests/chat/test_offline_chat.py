"""The offline chat end to end: intent -> capability -> cited answer, with the deal carried in
the thread, and the thread surviving a restart (a second graph on the same SQLite file)."""

from __future__ import annotations

from pathlib import Path

from agent.chat.context import ChatContext
from agent.contracts.request import CoachingRequest
from agent.service import coach
from agent.settings import CoachContext
from tests.chat.conftest import answer, session


def test_answers_cite_like_the_capability_and_carry_the_deal(chat_db: Path) -> None:
    chat = session(chat_db)
    text, warnings = answer(chat, "what should I do next on D-1003?")
    direct = coach(CoachingRequest(capability="next_best_action", deal_id="D-1003"))
    assert not warnings
    assert "Next best action" in text and "D-1003" in text
    # It leads with the brief view of the same grounded output; the report is one word away.
    assert len(text.strip().splitlines()) <= 8 and direct.result.primary.title in text
    full, _ = answer(chat, "full report")
    assert direct.markdown.strip() in full
    sources, _ = answer(chat, "show the sources")
    assert sources.startswith("## Sources") and all(c.ref in sources for c in direct.citations)
    # The deal is remembered: no id in the next message, and the answer is about D-1003.
    text, _ = answer(chat, "who are the stakeholders I should engage?")
    assert "Stakeholder strategy" in text and "D-1003" in text
    assert chat.values["deal_id"] == "D-1003"
    assert chat.values["last_capability"] == "stakeholder_strategy"


def test_follow_up_on_another_deal_repeats_the_capability(chat_db: Path) -> None:
    chat = session(chat_db, deal_id="D-1003")
    answer(chat, "what are our chances of winning?")
    text, _ = answer(chat, "and for D-1005?")
    assert "Deal strategy" in text and "D-1005" in text
    assert chat.values["deal_id"] == "D-1005"


def test_slots_steer_the_capability(chat_db: Path) -> None:
    chat = session(chat_db, deal_id="D-1005")
    text, _ = answer(chat, "score this deal against BANT")
    assert "BANT" in text and "MEDDICC" not in text.split("\n")[2]
    text, _ = answer(chat, 'they said "you are too expensive", how do I answer?')
    assert "Objection" in text and "too expensive" in text


def test_without_a_deal_it_asks_which_listing_real_deals(chat_db: Path) -> None:
    chat = session(chat_db)
    text, _ = answer(chat, "what should I do next?")
    assert "Which deal" in text and "D-1001" in text and "D-1014" in text
    text, _ = answer(chat, "D-1002")  # the answer names only the deal: the capability runs
    assert "Next best action" in text and "D-1002" in text


def test_help_unknown_deal_and_rep_coaching(chat_db: Path) -> None:
    chat = session(chat_db)
    text, _ = answer(chat, "what can you do?")
    for title in ("Next best action", "Objection handling", "Performance coaching"):
        assert title in text
    text, _ = answer(chat, "next step on D-9999")
    assert "no deal 'D-9999'" in text and chat.values.get("deal_id") is None
    text, _ = answer(chat, "how am I doing across my deals?")  # the session's rep
    assert "Performance coaching" in text and "rep-priya" in text


def test_a_thread_survives_a_restart(chat_db: Path) -> None:
    first = session(chat_db, deal_id="D-1003")
    answer(first, "what should I do next?")
    first.checkpointer.conn.close()  # the process ends

    second = session(chat_db, deal_id="D-1003")  # a new graph over the same file
    assert second.turns() == 1 and second.values["last_capability"] == "next_best_action"
    text, _ = answer(second, "what about the process?")
    assert "Process adherence" in text and "D-1003" in text
    assert second.turns() == 2
    second.forget()
    assert session(chat_db, deal_id="D-1003").turns() == 0
    # Another deal is another thread.
    assert session(chat_db, deal_id="D-1005").turns() == 0


def test_the_default_context_runs_offline() -> None:
    ctx = ChatContext(coach=CoachContext())
    assert not ctx.online and ctx.model_name == "none"


def test_a_chat_debrief_is_dated_by_its_call_like_the_cli(chat_db: Path) -> None:
    text, warnings = answer(session(chat_db, deal_id="D-1003"), "how did my last call go?")
    assert not warnings and "Call debrief" in text
    assert "**2026-11-18** · call" in text  # the transcript's date, not the as-of
