"""The reading rules' gates (agent/gates.py): a gate says "cannot match" only when no
match is possible, so a gated rule reads exactly what it read without the gate."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent import gates
from agent.gates import Gate, needed
from agent.reading import read as read_module
from agent.reading.competitors import Competitors
from evals.bench_live import meeting
from tests.factories import sample_deal

ROOT = Path(__file__).resolve().parents[2]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The patterns the rules gate on (constraints, comparisons, sentiment, departures,
    meetings, titles, record_history)."""
    from agent.reading import (
        comparisons,
        constraints,
        departures,
        meetings,
        record_history,
        sentiment,
        titles,
    )

    return [
        *((f"constraint.{kind}", pattern) for kind, pattern in constraints._CONSTRAINTS),
        ("_COOLING", sentiment._COOLING),
        ("_WARMING", sentiment._WARMING),
        ("_LEAVING", departures._LEAVING),
        *(
            (name, getattr(comparisons, name))
            for name in ("_GENERIC_RIVAL", "_PRICE", "_PRICE_FIGURE", "_SPEED", "_SCOPE")
        ),
        ("_SPEED_FIGURE", comparisons._SPEED_FIGURE),
        ("_BOOKED", meetings._BOOKED),
        ("_MEETING", meetings._MEETING),
        ("TITLE", titles.TITLE),
        ("_PARTNER_RAN", record_history._PARTNER_RAN),
        ("_ELSEWHERE", record_history._ELSEWHERE),
    ]


def test_needed_strings_of_small_patterns() -> None:
    assert needed(re.compile(r"\bresign(?:ed|s)\b", re.I)) == {"resign"}
    assert needed(re.compile(r"\b(?:last day|moving on|hands? over)\b")) == {
        "last day",
        "moving on",
        " over",
    }
    assert needed(re.compile(r"(?:foo)?bar{2,3}")) == {"ba"}
    assert needed(re.compile(r"\d+ weeks?", re.I)) == {" week"}
    assert needed(re.compile(r"a|\d")) is None  # one alternative needs no fixed string
    assert needed(re.compile(r"x*")) is None
    gate = Gate(re.compile(r"\bCFO\b"), re.compile("budget", re.I))
    assert gate.may_match("our cfo said") and gate.may_match("The BUDGET")
    assert not gate.may_match("nothing here")
    assert gate.may_match("naïve text")  # not ASCII: case-blind matching is wider, no gate


@pytest.mark.parametrize(("name", "pattern"), _patterns(), ids=lambda v: str(v)[:40])
def test_a_gate_never_rules_out_a_text_its_pattern_matches(
    name: str, pattern: re.Pattern[str]
) -> None:
    """Texts made to match each gated pattern (hypothesis writes them from the pattern)."""
    gate = Gate(pattern)
    if gate.strings is None:
        return

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.from_regex(pattern, alphabet=st.characters(max_codepoint=127)))
    def check(text: str) -> None:
        if pattern.search(text) is not None:
            assert gate.may_match(text), (name, text)

    check()


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _corpus() -> list[str]:
    """The sample workspace's and the eval cases' texts, and a synthetic call's lines."""
    texts: set[str] = set()
    for folder in (ROOT / "sample_workspace", ROOT / "evals" / "cases"):
        for path in folder.rglob("*.yaml"):
            texts.update(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    for path in (ROOT / "sample_workspace").rglob("transcripts/*"):
        texts.update(path.read_text(encoding="utf-8").splitlines())
    texts.update(u.text for u in meeting(5.0, 60).utterances)
    return sorted(t for t in texts if len(t.split()) >= 2)


def test_gated_rules_read_what_the_rules_read_without_gates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _corpus()
    assert len(texts) > 500
    deal = sample_deal("D-1003")[0].deal
    rivals = Competitors.of(["Helixor", "Quorra Automate", "Nimbra", "in-house build"])
    on = dt.date(2026, 11, 18)

    def read_all() -> list[tuple[object, ...]]:
        dated = [(f"deal.notes[{i}].text", text, on) for i, text in enumerate(texts)]
        meetings = tuple(read_module.read_meetings(deal, dt.date(2000, 1, 1), dated))
        return [meetings] + [
            read_module._read_text(f"deal.notes[{i}].text", text, on, seller, deal, rivals)
            for i, text in enumerate(texts)
            for seller in (True, False)
        ]

    gated = read_all()
    monkeypatch.setattr(gates.Gate, "may_match", lambda self, text: True)
    assert read_all() == gated
    assert sum(map(len, gated)) > 200 and len(gated[0]) > 5  # facts of many kinds, meetings
