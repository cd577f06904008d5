"""The learned injection signal: the trained head (agent/model/injection_head.py) over the
MiniLM embedding of a text's English readings, added to the detector's rules.

Off unless asked for (COACH_INJECTION_LEARNED=1, read by agent/settings.py): every string of
a deal and every call line is scanned, and embedding each costs a few milliseconds (tens on a
busy machine), which the per-request targets of issue 18 cannot carry yet; the rules run in
microseconds. Measured by `python -m evals.injection.train --report-only`: on the injection
suite's evaluation part it adds no detection to the rules (100 %) and no false alarm; on
attacks written after the rules, in other words, it finds 25 % with the rules against 8 %.
Without the embedding weights or the head file, the rules alone run (`install` says False).
"""

from __future__ import annotations

import logging

from agent.model.injection import EXCERPT, Finding, Signal, add_signal
from agent.model.injection_head import load_head, readings
from knowledge.embeddings import semantic_available

log = logging.getLogger(__name__)


def learned_signal() -> Signal | None:
    """The signal, or None without the weights or the head."""
    head = load_head()
    if head is None or not semantic_available():
        return None
    from knowledge.embeddings import minilm

    def learned(text: str) -> list[Finding]:
        texts = readings(text)
        if not texts:
            return []
        score = float(head.scores(minilm().embed(texts)).max())
        if score < head.threshold:
            return []
        return [Finding("learned", "learned", text.strip()[:EXCERPT])]

    return learned


_installed: list[bool] = []


def install() -> bool:
    """Adds the learned signal to the detector once per process; False when it cannot run."""
    if not _installed:
        signal = learned_signal()
        if signal is not None:
            add_signal(signal)
        else:
            log.warning("the learned injection signal is off (no embedding weights or head)")
        _installed.append(signal is not None)
    return _installed[0]
