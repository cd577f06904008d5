"""Cost that grows with the deal stays linear (issue 18), checked by counting work, not by
timing it: a debrief reads each of the call's lines once, although it reads the deal with the
call and again with the call logged; and the methodology's baseline-target pairing, which
looks partners up instead of trying every pair, picks the same pair as trying every pair."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from typing import Any

import pytest

import agent.reading.read as read_module
from agent.capabilities.methodology_coaching.text_evidence import _pair
from agent.contracts.request import CoachingRequest, Meeting
from agent.reading.stated import Stated
from agent.service import coach
from agent.settings import CoachContext
from evals.bench_live import meeting


def _lines(minutes: float, count: int, marker: str = "") -> list[dict[str, Any]]:
    """A synthetic call's lines as a JSON transcript holds them, each ending in `marker`."""
    return [
        {"speaker": u.speaker, "start": u.start_s, "end": u.end_s, "text": u.text + marker}
        for u in meeting(minutes, count).utterances
    ]


def _debrief(
    lines: list[dict[str, Any]], source: str, activity: str = "call", **meeting_fields: Any
) -> CoachingRequest:
    return CoachingRequest(
        capability="post_call_analysis",
        deal_id="D-1003",
        transcript=json.dumps(lines),
        transcript_source=source,
        meeting=Meeting(date=dt.date(2026, 11, 18), **meeting_fields),
        options={"activity_type": activity},
    )


def test_a_debrief_reads_each_line_of_the_call_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: Counter[str] = Counter()
    real = read_module._read_text

    def counted(ref: str, body: str, *rest: Any) -> Any:
        reads[ref if not ref.startswith("transcript.") else body] += 1
        return real(ref, body, *rest)

    monkeypatch.setattr(read_module, "_read_text", counted)
    read_module.forget_texts()
    lines = _lines(5.0, 60)
    coach(_debrief(lines, "linear-cost.json"), CoachContext(outbox=None, memory=None))
    said = {text: n for text, n in reads.items() if text in {line["text"] for line in lines}}
    assert len(said) >= 30  # the call's 38 different lines were read (a line said again is
    # read once: the rules read its words, not its place)
    assert set(said.values()) == {1}, "a line of the call was read more than once"
    assert any(ref.startswith("deal.") for ref in reads)  # and the record with it


def _brute_force(base: list[Stated], target: list[Stated]) -> tuple[Stated, Stated] | None:
    pairs = [(b, t) for b in base for t in target if b.pairs_with(t)]
    pairs.sort(key=lambda p: (p[0].owner != "customer") + (p[1].owner != "customer"))
    return pairs[0] if pairs else None


def test_baselines_pair_with_the_targets_trying_every_pair_would_pick() -> None:
    rng = random.Random(18)
    units = ["money", "time", "share", "count", "relative", "bare"]

    def stated(part: str, n: int) -> Stated:
        owner = rng.choice(["customer", "seller", "record"])
        quote = f"sentence {rng.randint(0, 3)}"
        return Stated("metric", part, owner, None, f"ref{n}", quote, rng.choice(units))  # type: ignore[arg-type]

    for _ in range(3000):
        base = [stated("baseline", i) for i in range(rng.randint(0, 6))]
        target = [stated("target", i) for i in range(rng.randint(0, 6))]
        assert _pair(base, target) == _brute_force(base, target)


def test_a_sentence_without_a_title_word_is_one_the_title_pattern_never_matches() -> None:
    """people.py skips its long title pattern on an ASCII sentence that holds none of the
    words every title holds: over every line of the sample workspace, the knowledge and the
    eval cases, no sentence it skips is one the pattern matches."""
    from pathlib import Path

    from agent.reading.spans import sentence_spans
    from agent.reading.titles import TITLE, may_hold_title

    root = Path(__file__).resolve().parents[2]
    files = [
        p
        for folder in ("sample_workspace", "knowledge", "evals/cases", "evals/scenarios")
        for p in sorted((root / folder).rglob("*"))
        if p.suffix in (".yaml", ".md", ".json", ".txt", ".vtt")
    ]
    checked = skipped = 0
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            for start, end in sentence_spans(line):
                sentence = line[start:end]
                checked += 1
                if not may_hold_title(sentence):
                    skipped += 1
                    assert TITLE.search(sentence) is None, sentence
    assert checked > 5000 and 0 < skipped < checked


def test_the_classifier_embeds_and_scores_each_line_once_and_a_call_again_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A debrief classifies the call's lines in one batch: each distinct line read by the
    lexical head once (a line said again is looked up), and embedded at most once, only when
    the words leave its objection open (words_settle), so fewer lines are embedded than read;
    the same call debriefed again embeds, reads and scores nothing anew (its batch is kept)."""
    from agent.reading.utterance_classifiers import ModelClassifier
    from agent.reading.utterances import utterance_classifier

    clf = utterance_classifier()
    if not isinstance(clf, ModelClassifier) or clf.head.lexical is None:
        pytest.skip("the embedding weights are not installed")
    embedded: Counter[str] = Counter()
    read: Counter[str] = Counter()
    batches: list[int] = []
    embed, logits, score = clf.embed, clf.head.lexical._logits, clf._score

    def counted_embed(texts: list[str]) -> Any:
        embedded.update(texts)
        return embed(texts)

    def counted_logits(text: str) -> Any:
        read[text] += 1
        return logits(text)

    def counted_score(pairs: Any) -> Any:
        batches.append(len(pairs))
        return score(pairs)

    monkeypatch.setattr(clf, "embed", counted_embed)
    monkeypatch.setattr(clf, "_score", counted_score)
    object.__setattr__(clf.head.lexical, "_logits", counted_logits)
    try:
        marker = f" (call {random.randrange(10**9)})"
        request = _debrief(_lines(5.0, 60, marker), "classifier-cost.json")
        context = CoachContext(outbox=None, memory=None)
        coach(request, context)
        ours = {t: n for t, n in embedded.items() if marker in t}  # the call's (merged) lines
        theirs = {t for t in read if marker in t}
        assert len(theirs) >= 20 and set(read.values()) == {1}
        assert set(ours.values()) <= {1} and len(ours) < len(theirs)
        first = (sum(embedded.values()), sum(read.values()), len(batches))
        coach(request, context)
        assert (sum(embedded.values()), sum(read.values()), len(batches)) == first
    finally:
        object.__delattr__(clf.head.lexical, "_logits")


def test_the_same_call_again_prepares_the_live_assist_cards_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The debrief's live assist engine (its cards prepared from the deal, its analysis and
    the knowledge) is kept per analysis: the same call again does not prepare them anew; a
    new call (a new analysis) does."""
    from agent.capabilities.live_assist.engine import LiveAssist

    made: list[int] = []
    real = LiveAssist.__post_init__

    def counted(self: LiveAssist) -> None:
        made.append(1)
        real(self)

    monkeypatch.setattr(LiveAssist, "__post_init__", counted)

    context = CoachContext(outbox=None, memory=None)
    first = _debrief(_lines(2.0, 12, f" (take {random.randrange(10**9)})"), "assist-kept.json")
    answers = [coach(first, context).markdown for _ in range(3)]
    assert len(made) == 1 and len(set(answers)) == 1
    coach(_debrief(_lines(2.0, 12, f" (take {random.randrange(10**9)})"), "assist.json"), context)
    assert len(made) == 2


def test_a_debrief_is_kept_per_call_and_request_and_answered_anew_when_either_changes() -> None:
    """The same call with the same choices is answered from the kept debrief (the same
    answer, the analysis not run again); another objective, activity type or attendee list is
    a new debrief, as it would be in a fresh process."""
    import agent.capabilities.post_call_analysis.capability as debrief_module

    built: list[int] = []
    real = debrief_module.build_debrief

    def counted(*args: Any, **kw: Any) -> Any:
        built.append(1)
        return real(*args, **kw)

    lines = _lines(2.0, 12, f" (take {random.randrange(10**9)})")

    def ask(objective: str, activity: str = "call", attendees: tuple[str, ...] = ()) -> str:
        request = _debrief(
            lines, "kept-debrief.json", activity, objective=objective, attendees=list(attendees)
        )
        return coach(request, CoachContext(outbox=None, memory=None)).markdown

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(debrief_module, "build_debrief", counted)
        first = ask("Confirm the decision process")
        assert ask("Confirm the decision process") == first and len(built) == 1
        other = ask("Agree the pricing")
        assert other != first and "Agree the pricing" in other and len(built) == 2
        assert ask("Confirm the decision process", "meeting") != first and len(built) == 3
        ask("Confirm the decision process", attendees=("c-owen-marchetti",))
        assert len(built) == 4
        assert ask("Confirm the decision process") == first and len(built) == 4
