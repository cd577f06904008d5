"""The chat's intent classifier on sentence embeddings: the blind set's accuracy, the TF-IDF
fallback without weights, the cached utterance matrix, and the person and time slots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.routing.embedded import ask_clause
from agent.routing.intent import FOLLOWUP, IntentClassifier, build_classifier, classifier
from agent.routing.message_slots import extract_slots, only_an_id, spelled_out
from knowledge.embeddings import semantic_available

needs_weights = pytest.mark.skipif(not semantic_available(), reason="MiniLM weights not installed")


@needs_weights
def test_blind_rep_messages_route_at_ninety_percent() -> None:
    from evals.chat_routing import BLIND, load_cases, measure

    report = measure(load_cases(BLIND))
    assert report.cases == 40
    assert report.accuracy >= 0.9, report.misses
    assert report.slots_correct == report.slots


def test_without_weights_the_tfidf_classifier_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.embeddings

    monkeypatch.setattr(knowledge.embeddings, "semantic_available", lambda: False)
    assert isinstance(build_classifier(), IntentClassifier)


@needs_weights
def test_utterance_matrix_is_cached_per_utterances(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.embeddings
    from agent.routing.embedded import utterance_matrix

    first = utterance_matrix(["a", "b"], ["hello there", "who went quiet"], tmp_path)
    assert first.shape == (2, 384) and len(list(tmp_path.glob("*.npy"))) == 1

    def no_model() -> None:
        raise AssertionError("embedded again although cached")

    monkeypatch.setattr(knowledge.embeddings, "minilm", no_model)
    again = utterance_matrix(["a", "b"], ["hello there", "who went quiet"], tmp_path)
    assert np.array_equal(first, again)
    with pytest.raises(AssertionError):  # other utterances: not the cached matrix
        utterance_matrix(["a", "b"], ["hello there", "who went dark"], tmp_path)


@pytest.mark.parametrize(
    ("message", "person", "when"),
    [
        ("prep me for my call with the CFO tomorrow", "CFO", "tomorrow"),
        ("sync w/ Amara on fri", "Amara", "fri"),
        ("draft a msg to the GM about pricing", "GM", None),
        ("meeting with Jonas in 3 days", "Jonas", "in 3 days"),
        ("catch-up with them next Monday", None, "next Monday"),
        ("write me a follow-up email", None, None),
        ("what changed since last week", None, None),
        ("send Victor a note regarding the pilot", "Victor", None),
        ("remind Lydia of the deadline", "Lydia", None),
        ("send a follow-up regarding pricing", None, None),
    ],
)
def test_person_and_time_slots(message: str, person: str | None, when: str | None) -> None:
    slots = extract_slots(message)
    assert (slots.person, slots.when) == (person, when)


def test_shorthand_is_spelled_out_and_ids_alone_follow_up() -> None:
    assert spelled_out("nxt steps 4 this opp pls") == "next steps for this opportunity please"
    assert spelled_out("the 4th option") == "the 4th option"  # only whole tokens
    assert only_an_id("and D-1004?") and not only_an_id("what should I do on D-1004")


@needs_weights
def test_an_id_alone_is_a_follow_up() -> None:
    from agent.routing.intent import classifier

    assert classifier().classify("D-1007 now").name == FOLLOWUP


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("draft a note to Amara about the security review", "draft a note to Amara"),
        ("send the CFO a message regarding the budget", "send the CFO a message"),
        ("tell me about the deal", None),  # two words: no ask of its own
        ("what do they say about price", "what do they say"),
        ("who has gone quiet", None),
        ("email them about the pilot", "email them"),  # two words, to someone
    ],
)
def test_the_ask_is_told_from_its_topic(text: str, ask: str | None) -> None:
    assert ask_clause(text) == ask


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("email Odile about the audit", "email them about the audit"),
        ("what's the game plan to win this", "what's the game plan to win this"),  # no name
    ],
)
def test_a_name_is_read_as_them(text: str, read: str) -> None:
    from agent.routing.embedded import as_them

    assert as_them(text) == read


@needs_weights
def test_a_draft_about_an_objection_topic_is_still_a_draft() -> None:
    """The topic's words ("security review") pull towards the objection guide; the ask decides."""
    assert classifier().classify("draft a note to Amara about the security review").name == (
        "draft_message"
    )
    assert classifier().classify(
        "IT says the security review is a blocker, what do I say?"
    ).name == ("objection_guide")
