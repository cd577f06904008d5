"""Against a real OpenAI-compatible server (llama.cpp serving SmolLM2-135M), replayed from
cassettes. The model is tiny: these tests assert what the pipeline does with its answers and
its errors (tokens from the server's usage, the fallback and its one warning, no traceback),
never the quality of what it writes."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from vcr.cassette import Cassette

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession, open_checkpointer
from agent.contracts import CoachingRequest, CoachingResponse
from agent.model.factory import ModelSettings, chat_model
from agent.service import coach
from agent.settings import CoachContext
from evals.local_model import ALIAS, API_KEY, BASE_URL, N_CTX

SERVER = ModelSettings(
    model=ALIAS,
    base_url=BASE_URL,
    api_key=SecretStr(API_KEY),
    max_output_tokens=512,
    context_window=N_CTX,
    timeout_s=600,
    max_retries=0,
    legacy_max_tokens=True,
    tokenizer_factor=2.5,  # SmolLM2's tokenizer and llama.cpp's tool prompt: 2.15 measured
    # The cassettes hold the composer's calls; the model reader's verification is tested with
    # scripted models (tests/graph/test_model_reader.py).
    reader=False,
)


class NextStep(BaseModel):
    action: str = Field(description="The next step for the sales rep.")
    owner: str


def test_a_bare_structured_call_reports_the_servers_token_usage(cassette: Cassette) -> None:
    structured = chat_model(SERVER).with_structured_output(
        NextStep, method="function_calling", include_raw=True
    )
    answer = structured.invoke("The CFO has not met us. Suggest the next step and its owner.")
    assert isinstance(answer, dict)
    usage = answer["raw"].usage_metadata
    assert usage["input_tokens"] > 20 and usage["output_tokens"] > 0
    assert isinstance(answer["parsed"], NextStep) or answer["parsing_error"] is not None
    assert len(cassette.requests) == 1
    assert "authorization" not in {k.lower() for k in cassette.requests[0].headers}


def fallback_only(resp: CoachingResponse) -> str:
    (warning,) = [w for w in resp.warnings if w.code == "model_fallback"]
    assert resp.composition.method == "template" and resp.check.passed
    return warning.message


def test_a_prompt_over_the_servers_context_gives_the_draft(cassette: Cassette) -> None:
    """Declared a larger window than the server has: the server refuses, the user gets the
    grounded draft and one warning naming the HTTP error."""
    settings = SERVER.model_copy(update={"context_window": 32768, "request_token_cap": 32768})
    request = CoachingRequest(capability="next_best_action", deal_id="D-1003")
    resp = coach(request, CoachContext(model=settings))
    message = fallback_only(resp)
    assert "answered HTTP 400" in message and "context" in message
    assert resp.result == coach(request).result
    assert len(cassette.requests) == 1


def test_a_wrong_key_gives_the_draft_and_one_warning(cassette: Cassette) -> None:
    settings = SERVER.model_copy(
        update={"api_key": SecretStr("wrong"), "context_window": 32768, "request_token_cap": 32768}
    )
    resp = coach(
        CoachingRequest(capability="deal_strategy", deal_id="D-1003"), CoachContext(model=settings)
    )
    assert "rejected the API key (HTTP 401)" in fallback_only(resp)
    assert len(cassette.requests) == 1


def test_a_draft_over_the_budget_wastes_no_call(cassette: Cassette) -> None:
    """The budget says the draft cannot fit a 4096-token window: no request is sent."""
    small = SERVER.model_copy(update={"context_window": 4096})
    resp = coach(
        CoachingRequest(capability="meeting_agenda", deal_id="D-1003"), CoachContext(model=small)
    )
    assert "over the budget" in fallback_only(resp) and resp.composition.model_calls == 0
    assert len(cassette.requests) == 0


def test_a_real_answer_is_merged_checked_and_accounted(cassette: Cassette) -> None:
    """A capability request that fits: the server's answer goes through the prose merge and the
    grounding checker. Whatever the tiny model writes, the response is grounded, keeps the
    draft's structure, counts the server's tokens, and either uses the answer or says why not
    in one warning."""
    request = CoachingRequest(capability="deal_strategy", deal_id="D-1003")
    draft = coach(request).result
    resp = coach(request, CoachContext(model=SERVER))
    assert resp.check.passed and 1 <= resp.composition.model_calls <= 2
    assert resp.composition.prompt_tokens > 1000 and resp.composition.completion_tokens > 0
    assert cassette.requests  # the calls went to the server
    warnings = [w.message for w in resp.warnings if w.code == "model_fallback"]
    if resp.composition.method == "model":
        assert not warnings and resp.result != draft
        assert resp.result.win_probability == draft.win_probability  # numbers stay the draft's
    else:
        assert len(warnings) == 1 and resp.result == draft


def test_a_chat_turn_against_the_server_answers_and_the_session_goes_on(
    cassette: Cassette, tmp_path: Path
) -> None:
    """The online chat loop with tools bound, against the real server: whatever the tiny model
    does (a tool call, plain text, something unusable), the turn ends with an answer, the
    session survives, and every request carried the tools."""
    context = ChatContext(coach=CoachContext.from_env(), model=SERVER, max_steps=3)
    chat = ChatSession(
        context, open_checkpointer(tmp_path / "chat.sqlite"), deal_id="D-1003", rep_id="rep-priya"
    )
    events = list(chat.ask("what should I do next on this deal?"))
    text = "".join(e.text for e in events if e.kind in ("answer", "token"))
    assert text.strip()
    warnings = [e.text for e in events if e.kind == "warning"]
    assert len(warnings) <= 1, warnings
    assert cassette.requests and all(b'"tools"' in r.body for r in cassette.requests)
    assert len(chat.values["messages"]) >= 2  # the turn is in the thread
