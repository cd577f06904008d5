"""What's at risk in a pipeline (agent/chat/pipeline.py): a rep's open deals ranked by how far
the record lowers their chance of winning, each with cited reasons and the win probability
the deal's own next best action shows; only deals the caller may see. Offline, no model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from agent.chat.context import ChatContext
from agent.chat.session import ChatSession, open_checkpointer
from agent.contracts.principal import Principal
from agent.contracts.request import CoachingRequest
from agent.formatting import pct
from agent.routing.intent import classifier
from agent.service import coach
from agent.settings import CoachContext
from tests.chat.conftest import answer, session
from tests.conftest import SAMPLE

LISTED = re.compile(r"^\d\. \*\*(\S+)\*\*", re.MULTILINE)


def _listed(text: str) -> list[str]:
    return LISTED.findall(text)


def _win(deal_id: str, settings: CoachContext | None = None) -> float:
    request = CoachingRequest(capability="next_best_action", deal_id=deal_id)
    result = coach(request, settings).result
    assert result.win_probability is not None
    return float(result.win_probability.value)


@pytest.mark.parametrize(
    "message",
    [
        "what's at risk in my pipeline?",
        "which of my deals are at risk",
        "show me my riskiest deals",
    ],
)
def test_pipeline_questions_are_classified_as_such(message: str) -> None:
    assert classifier().classify(message).name == "pipeline_risk"


def test_a_reps_pipeline_lists_their_risky_open_deals_with_the_deals_own_numbers(
    chat_db: Path,
) -> None:
    chat = session(chat_db)  # rep-priya: D-1003, D-1006, D-1011
    text, _ = answer(chat, "what's at risk in my pipeline?")
    listed = _listed(text)
    assert set(listed) == {"D-1003", "D-1011"}, text
    for deal_id in listed:  # the number each deal's own answer shows
        line = next(x for x in text.splitlines() if f"**{deal_id}**" in x)
        assert f"win {pct(_win(deal_id))}" in line
        assert f"`{deal_id}:" in line  # reasons cited, scoped to the deal
    assert "Nothing counts against: D-1006." in text
    assert not re.search(r"D-10(0[1245789]|1[02-4])\b", text)  # other reps' deals
    assert chat.values["last_capability"] == "pipeline_risk"
    opened, _ = answer(chat, "the second one")
    assert opened.startswith(f"## 2. {listed[1]} · ") and "**Against**" in opened


def test_a_deal_whose_close_date_passed_is_at_risk_and_its_twin_is_not(
    tmp_path: Path,
) -> None:
    """The twin without the key fact: D-1006 has nothing against it until its expected close
    date lies in the past."""
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE, ws)
    settings = CoachContext(workspace=ws)
    before, _ = answer(_chat(tmp_path / "a.sqlite", settings), "which of my deals are at risk")
    assert "D-1006" not in _listed(before)
    deal_file = ws / "deals" / "D-1006" / "deal.yaml"
    deal = yaml.safe_load(deal_file.read_text(encoding="utf-8"))
    deal["expected_close"] = "2026-10-30"  # the sample's today is 2026-11-20
    deal_file.write_text(yaml.safe_dump(deal, sort_keys=False), encoding="utf-8")
    after, _ = answer(_chat(tmp_path / "b.sqlite", settings), "which of my deals are at risk")
    assert "D-1006" in _listed(after), after
    line = next(x for x in after.splitlines() if "**D-1006**" in x)
    assert "close date passed 21 days ago" in line and "`D-1006:deal.expected_close`" in line
    assert f"win {pct(_win('D-1006', settings))}" in line


def _chat(db: Path, settings: CoachContext, rep: str | None = "rep-priya") -> ChatSession:
    return ChatSession(ChatContext(coach=settings), open_checkpointer(db), rep_id=rep)


def test_without_a_rep_every_open_deal_the_caller_may_see_is_ranked(chat_db: Path) -> None:
    text, _ = answer(_chat(chat_db, CoachContext(), rep=None), "what's at risk in my pipeline?")
    listed = _listed(text)
    assert len(listed) == 4 and "14 open deal(s), 13 with risks" in text
    assert "And 9 more at risk" in text
    full, _ = answer(_chat(chat_db, CoachContext(), rep=None), "full report")
    assert full.count("\n## ") == 14


def test_a_rep_cannot_read_another_reps_pipeline(chat_db: Path) -> None:
    settings = CoachContext(principal=Principal(id="rep-priya"))
    text, _ = answer(_chat(chat_db, settings), "what's at risk in rep-tom's pipeline?")
    assert "no rep 'rep-tom' owns a deal you may see" in text
    assert "D-1004" not in text and "Known reps: rep-priya" in text


def test_a_workspace_too_large_for_one_answer_asks_for_a_rep(
    chat_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agent.chat.pipeline.MAX_DEALS", 5)
    text, _ = answer(_chat(chat_db, CoachContext(), rep=None), "which deals should I worry about")
    assert "14 open deals are more than one chat answer reads" in text and "Name a rep" in text
    assert not _listed(text)
