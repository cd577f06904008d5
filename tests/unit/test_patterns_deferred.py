"""The talk patterns (agent/reading/talk_tables.py) are compiled on first use: importing their
modules compiles none of them, and once used each answers exactly as the compiled pattern does."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

from agent.reading import objection_phrases, patterns, talk_cues, vendor_mentions

ROOT = Path(__file__).resolve().parents[2]
DEFERRED = {
    "STALL": talk_cues.STALL,
    "FRUSTRATION": talk_cues.FRUSTRATION,
    "PRICING_TALK": talk_cues.PRICING_TALK,
    "BUYING_SIGNALS": talk_cues.BUYING_SIGNALS,
    "_PHRASES": objection_phrases._PHRASES,
    "_TOPICS": objection_phrases._TOPICS,
    "_VENDOR": vendor_mentions._VENDOR,
    "_OPEN": talk_cues._OPEN,
}
SAID = (
    "Honestly it's too expensive and we need to run it by the CFO before next quarter.",
    "Can we talk about the start date and the paperwork? We're also looking at Stackwise.",
    "Let me think about it, not right now. This is frustrating, we keep going round in circles.",
    "What would success look like for your team in the first ninety days?",
)


def test_importing_the_patterns_compiles_none_of_the_talk_tables() -> None:
    script = (
        "import json\n"
        "from agent.reading import objection_phrases as o, patterns as p\n"
        "from agent.reading.talk_tables import TABLES\n"
        "tables = [v for m in TABLES for v in vars(m).values()]\n"
        "tables += [*o.OBJECTION_PHRASES.values(), *o.OBJECTION_TOPICS.values()]\n"
        "deferred = [t for t in tables if isinstance(t, p._OnFirstUse)]\n"
        "compiled = sum('search' in vars(t) for t in deferred)\n"
        "print(json.dumps({'deferred': len(deferred), 'compiled': compiled}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["deferred"] >= 20 and seen["compiled"] == 0, seen


def test_a_deferred_pattern_answers_as_the_compiled_one() -> None:
    for name, deferred in DEFERRED.items():
        # as compiled before: the phrase lists ignore case, the joined tables read lower case
        flags = 0 if name in {"_PHRASES", "_TOPICS", "_VENDOR"} else re.IGNORECASE
        compiled = re.compile(deferred.pattern, flags)
        for text in SAID:
            for lowered in (text, text.lower()):
                assert [m.span() for m in deferred.finditer(lowered)] == [
                    m.span() for m in compiled.finditer(lowered)
                ], (name, lowered)
                found, expected = deferred.search(lowered), compiled.search(lowered)
                assert (found and found.group(0)) == (expected and expected.group(0))
        assert deferred.flags == compiled.flags and deferred.groupindex == compiled.groupindex
        assert "search" in vars(deferred)  # bound once: later calls skip the look-up
    assert objection_phrases.classify_objection(SAID[0]) == "price"
    assert talk_cues.question_kind(SAID[3]) == "open"
    assert vendor_mentions.vendors_named(SAID[1]) == ["Stackwise"]


def test_a_live_session_compiles_the_talk_patterns_before_the_call() -> None:
    """Its cards have a latency budget: no utterance waits for a pattern to compile."""
    from agent.analysis import analyze_deal
    from agent.capabilities.live_assist.engine import LiveAssist
    from agent.retrieval import index_for
    from agent.settings import CoachContext
    from tests.conftest import SAMPLE
    from tools.sources import WorkspaceSource

    ctx = WorkspaceSource(SAMPLE).load_context("D-1003")
    analysis = analyze_deal(ctx, dt.date(2026, 11, 20))
    for deferred in patterns._DEFERRED:  # as after a fresh import, whatever ran before
        for attribute in deferred._BOUND.split():
            vars(deferred).pop(attribute, None)
    assert not any("search" in vars(d) for d in patterns._DEFERRED)
    LiveAssist(ctx, analysis, index_for(CoachContext()))
    assert len(patterns._DEFERRED) >= 20
    assert all("search" in vars(d) for d in patterns._DEFERRED)
