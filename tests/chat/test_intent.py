"""The offline intent classifier: accuracy on rep messages it never learnt from, help, slots."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent.routing.intent import classifier
from agent.routing.intent_features import features
from agent.routing.intent_file import INTENTS_FILE, load_intents
from agent.routing.message_slots import extract_slots

HERE = Path(__file__).parent
# heldout: used while shaping intents.yaml (now 44/45); fresh: written after it, scored 19/28
# at first, then used for the slot and trigram changes (now 25/28); blind: written last and
# never used to change anything (20/24). All 97: 0.918.
SETS = ("heldout_messages.yaml", "fresh_messages.yaml", "blind_messages.yaml")


def _cases(name: str) -> list[tuple[str, str]]:
    return [(want, msg) for want, msg in yaml.safe_load((HERE / name).read_text())]


def _accuracy(cases: list[tuple[str, str]]) -> float:
    clf = classifier()
    return sum(clf.classify(msg).name == want for want, msg in cases) / len(cases)


def test_no_test_message_is_a_training_utterance() -> None:
    trained = {u.lower() for i in load_intents().intents.values() for u in i.utterances}
    for name in SETS:
        for _, msg in _cases(name):
            assert msg.lower() not in trained, msg


def test_accuracy_on_held_out_rep_messages() -> None:
    every = [case for name in SETS for case in _cases(name)]
    assert len(every) >= 90
    assert _accuracy(every) >= 0.85
    assert _accuracy(_cases("blind_messages.yaml")) >= 0.8


@pytest.mark.parametrize(
    "message", ["what can you do", "What can you do?", "what are you able to do"]
)
def test_what_can_you_do_is_help(message: str) -> None:
    assert classifier().classify(message).name == "help"


def test_below_the_threshold_it_offers_the_two_likeliest_readings() -> None:
    clf = classifier()
    intent = clf.classify("asdf qwerty")
    assert intent.name == "unknown" and intent.confidence < clf.threshold
    assert len(intent.choices) == 2  # the two likeliest readings, for the clarifying question
    assert "off_topic" not in intent.choices


@pytest.mark.parametrize(
    "message",
    ["the weather in Paris", "book me a hotel in Denver", "a good pizza place near the office?"],
)
def test_what_the_chat_cannot_do_is_unknown_without_readings(message: str) -> None:
    """Closest to the off-topic examples: nothing to offer but the list of what it can do."""
    intent = classifier().classify(message)
    assert intent.name == "unknown" and intent.choices == [] and intent.runner_up is None


def test_an_id_alone_is_a_follow_up_whatever_scores_highest() -> None:
    for message in ("D-1004", "D-1004?", "and D-1007"):
        assert classifier().classify(message).name == "followup", message


def test_slots_deal_rep_quote_and_methodology() -> None:
    slots = extract_slots('on d-1003 for rep-Priya: the CFO said "we have no budget" (MEDDPICC)')
    assert slots.deal_id == "D-1003" and slots.rep_id == "rep-priya"
    assert slots.objection == "we have no budget" and slots.methodology == "MEDDICC"
    assert extract_slots("they keep saying Corvane is cheaper").objection == "Corvane is cheaper"
    assert extract_slots("run spin selling on it").methodology == "SPIN"
    assert extract_slots("what should I do next").model_dump(exclude_none=True) == {}


def test_ids_are_slots_not_words() -> None:
    assert features("next step D-1003") == features("next step D-1005")
    assert features("score BANT") == features("score SPICED")


def test_every_capability_has_an_intent() -> None:
    from agent.contracts.request import CAPABILITIES

    assert INTENTS_FILE.is_file()
    assert set(CAPABILITIES) <= set(load_intents().intents)
