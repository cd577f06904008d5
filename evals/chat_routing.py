"""Chat routing accuracy: how often the chat's intent classifier picks the intent a rep meant.

    python -m evals.chat_routing [--cases FILE] [--show-misses] [--tfidf]

The default cases are evals/chat/blind.yaml: 40 rep messages written before any tuning and
never edited, so its accuracy is the figure to quote. Tune on evals/chat/dev.yaml instead.
Slots (deal id, person, when) are scored separately, only where a case lists them. --tfidf
scores the fallback classifier (used when the embedding weights are not installed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import evals_dir

BLIND = evals_dir() / "chat" / "blind.yaml"


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

    @property
    def accuracy(self) -> float:
        return self.correct / self.cases if self.cases else 0.0


def load_cases(path: Path) -> list[RoutingCase]:
    return [RoutingCase.model_validate(c) for c in yaml.safe_load(path.read_text("utf-8"))]


def _same(want: str, got: object) -> bool:
    return isinstance(got, str) and got.strip().lower() == want.strip().lower()


def measure(cases: list[RoutingCase], tfidf: bool = False) -> RoutingReport:
    from agent.routing.intent import IntentClassifier, classifier, load_intents

    model = IntentClassifier(load_intents()) if tfidf else classifier()
    model.classify("warm up")  # loading the model is not a message's cost
    correct = slots = slots_correct = 0
    misses: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for case in cases:
        intent = model.classify(case.message)
        if intent.name == case.intent:
            correct += 1
        else:
            misses.append((case.message, case.intent, intent.name))
        for key, want in case.slots.items():
            slots += 1
            slots_correct += _same(want, getattr(intent.slots, key, None))
    elapsed = (time.perf_counter() - started) * 1000 / max(len(cases), 1)
    return RoutingReport(
        cases=len(cases),
        correct=correct,
        slots=slots,
        slots_correct=slots_correct,
        ms_per_message=round(elapsed, 2),
        classifier=type(model).__name__,
        misses=misses,
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


if __name__ == "__main__":
    main()
