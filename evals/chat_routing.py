"""Chat routing accuracy: how often the chat's intent classifier picks the intent a rep meant.

    python -m evals.chat_routing [--cases FILE] [--show-misses] [--tfidf]

The default cases are evals/chat/blind.yaml: 40 rep messages written before any tuning and
never edited, so its accuracy is the figure to quote; evals/chat/blind2.yaml is a second such
set. Tune on evals/chat/dev.yaml instead. A message is routed as the offline chat routes it
after an answer: "more on 2", "show the sources" and "full report" open the last answer
(`show_more`) before the classifier is asked. Slots (deal id, person, when) are scored
separately, only where a case lists them; a time counts when it means the same day ("tmrw" is
"tomorrow"). --tfidf scores the fallback classifier (used when the embedding weights are not
installed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import evals_dir

if TYPE_CHECKING:
    from agent.routing.intent import Classifier, Intent

BLIND = evals_dir() / "chat" / "blind.yaml"
SHOW_MORE = "show_more"
# Any fixed day: two phrases of a time are the same when they name the same date from it.
_TODAY = dt.date(2026, 11, 20)


class RoutingCase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str
    deal: str | None = None
    intent: str
    slots: dict[str, str] = Field(default_factory=dict)


class RoutingReport(BaseModel):
    cases: int
    correct: int
    slots: int
    slots_correct: int
    ms_per_message: float
    classifier: str
    misses: list[tuple[str, str, str]] = Field(description="(message, expected, got)")
    slot_misses: list[tuple[str, str, str, str]] = Field(
        default_factory=list, description="(message, slot, expected, got)"
    )

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0


def load_cases(path: Path) -> list[RoutingCase]:
    return [RoutingCase.model_validate(c) for c in yaml.safe_load(path.read_text("utf-8"))]


def _same(key: str, want: str, got: object) -> bool:
    if not isinstance(got, str):
        return False
    if got.strip().lower() == want.strip().lower():
        return True
    if key != "when":
        return False
    from agent.chat.people import on_date
    from agent.routing.message_slots import spelled_out

    day = on_date(spelled_out(want), _TODAY)
    return day is not None and day == on_date(spelled_out(got), _TODAY)


def route(model: Classifier, message: str) -> tuple[str, Intent]:
    """The intent the offline chat acts on after an answer (agent/chat/nodes.classify_intent)."""
    from agent.chat.more import navigation

    intent = model.classify(message)
    return (SHOW_MORE if navigation(message) else intent.name), intent


def measure(cases: list[RoutingCase], tfidf: bool = False) -> RoutingReport:
    from agent.routing.intent import IntentClassifier, classifier
    from agent.routing.intent_file import load_intents

    model = IntentClassifier(load_intents()) if tfidf else classifier()
    model.classify("warm up")  # loading the model is not a message's cost
    correct = slots = slots_correct = 0
    misses: list[tuple[str, str, str]] = []
    slot_misses: list[tuple[str, str, str, str]] = []
    started = time.perf_counter()
    for case in cases:
        name, intent = route(model, case.message)
        if name == case.intent:
            correct += 1
        else:
            misses.append((case.message, case.intent, name))
        for key, want in case.slots.items():
            slots += 1
            got = getattr(intent.slots, key, None)
            if _same(key, want, got):
                slots_correct += 1
            else:
                slot_misses.append((case.message, key, want, str(got)))
    elapsed = (time.perf_counter() - started) * 1000 / max(len(cases), 1)
    return RoutingReport(
        cases=len(cases),
        correct=correct,
        slots=slots,
        slots_correct=slots_correct,
        ms_per_message=round(elapsed, 2),
        classifier=type(model).__name__,
        misses=misses,
        slot_misses=slot_misses,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=BLIND)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--tfidf", action="store_true", help="score the fallback classifier")
    args = parser.parse_args(argv)
    report = measure(load_cases(args.cases), tfidf=args.tfidf)
    print(
        f"{args.cases.name}: intent accuracy {report.accuracy:.3f} ({report.correct}/"
        f"{report.cases}), slots {report.slots_correct}/{report.slots}, "
        f"{report.ms_per_message} ms/message, {report.classifier}"
    )
    if args.show_misses:
        for message, want, got in report.misses:
            print(f"  miss: {message!r}: expected {want}, got {got}")
        for message, key, want, got in report.slot_misses:
            print(f"  slot miss: {message!r}: {key} expected {want!r}, got {got!r}")


if __name__ == "__main__":
    main()
