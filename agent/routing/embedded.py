"""The chat's intent classifier on sentence embeddings: which intent a rep's message asks for.

The authored utterances of every intent (intents.yaml files) and the message are embedded with
the MiniLM model the knowledge index uses (knowledge/embeddings.py). The head is nearest
neighbours: an intent's score is three quarters its closest utterance's cosine and a quarter its
second closest, so one lucky neighbour rarely wins and short intents ("hi") still can. Words a
rep never wrote in the examples ("ghosting", "tldr") still land near their meaning, where the
TF-IDF classifier (agent/routing/intent.py) needs shared stems; that one stays the fallback
when the embedding weights are not installed.

The utterance matrix is cached under the state folder, keyed by the utterances' own text, so a
changed intents.yaml is embedded again and an unchanged one costs a file read (about 1 s to
embed all of them otherwise).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.routing.intent import Intent, decide
from agent.routing.intent_file import IntentFile
from agent.routing.message_slots import (
    TITLE_ACRONYM,
    TOPIC,
    extract_objection,
    person_named,
    spelled_out,
    without_ids,
)

log = logging.getLogger(__name__)
Matrix = npt.NDArray[np.float32]
CACHE_FOLDER = "intent-embeddings"


def _key(labels: list[str], texts: list[str]) -> str:
    digest = hashlib.sha256()
    for label, text in zip(labels, texts, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()[:24]


def utterance_matrix(labels: list[str], texts: list[str], folder: Path | None = None) -> Matrix:
    """The utterances' embeddings, from the cache when these exact utterances were embedded
    before; a cache that cannot be read or written is only slower."""
    from agent.files import write_atomic
    from agent.resources import state_dir
    from knowledge.embeddings import minilm

    path = (folder or state_dir() / CACHE_FOLDER) / f"{_key(labels, texts)}.npy"
    try:
        cached: Matrix = np.load(path)
        if cached.shape[0] == len(texts):
            return cached
    except (OSError, ValueError):
        pass
    matrix = minilm().embed(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.save(buffer, matrix)
        write_atomic(path, buffer.getvalue())
    except OSError as exc:
        log.debug("intent embeddings not cached: %s", exc)
    return matrix


class EmbeddingIntentClassifier:
    """Same interface as IntentClassifier: `scores` and `classify`."""

    def __init__(self, spec: IntentFile, folder: Path | None = None) -> None:
        self.spec = spec
        self.labels = [n for n, i in spec.intents.items() for _ in i.utterances]
        texts = [u for i in spec.intents.values() for u in i.utterances]
        self.matrix = utterance_matrix(self.labels, texts, folder)
        self.names = list(spec.intents)
        self.rows = {
            n: np.array([j for j, lab in enumerate(self.labels) if lab == n]) for n in self.names
        }

    @property
    def threshold(self) -> float:
        return self.spec.embedding_threshold

    def scores(self, message: str) -> dict[str, float]:
        """Similarity to each intent's examples. Two parts of a message are not the rep's ask,
        and each is weighed down by averaging with a reading without it: a topic named after
        the ask ("draft a note to Amara about the security review": the ask alone), whose words
        otherwise pull towards the capability about that topic; and a customer's remark, quoted
        or after "they said" ("the COO told me 'your tool is overkill'": the remark read as
        "an objection"), whose words are the customer's, not a request (the TF-IDF classifier
        makes it one token for the same reason)."""
        from knowledge.embeddings import minilm

        text = as_them(TITLE_ACRONYM.sub("them", spelled_out(without_ids(message))))
        readings = [text, *(r for r in (ask_clause(text), remark_read(text)) if r)]
        queries = minilm().embed(readings)
        out = self._similarities(queries[0])
        for query in queries[1:]:
            other = self._similarities(query)
            out = {n: 0.5 * out[n] + 0.5 * other[n] for n in self.names}
        return out

    def _similarities(self, query: Matrix) -> dict[str, float]:
        sims = self.matrix @ query
        out: dict[str, float] = {}
        for name in self.names:
            best = np.sort(sims[self.rows[name]])[::-1]
            second = float(best[1]) if len(best) > 1 else 0.0
            out[name] = 0.75 * float(best[0]) + 0.25 * second
        return out

    def classify(self, message: str) -> Intent:
        return decide(self.scores(message), self.spec.embedding_threshold, message)


def as_them(text: str) -> str:
    """The message with the person it names (capitalised, as names are) read as "them": a name
    says who, not what the rep asks for, and an unfamiliar one otherwise lands wherever its
    letters happen to ("email Odile about the audit" read as process adherence)."""
    person = person_named(text)
    if person is None or not person[:1].isupper():  # "a plan to win this" names nobody
        return text
    return re.sub(rf"\b{re.escape(person)}\b", "them", text, count=1)


def ask_clause(text: str) -> str | None:
    """The words before a named topic, when they are an ask of their own: three words or more,
    or two to someone ("email them", a name read as them; "tell me" is not one)."""
    parts = TOPIC.split(text, maxsplit=1)
    if len(parts) < 2:
        return None
    ask = parts[0].strip(" ,;:-")
    words = ask.split()
    to_someone = len(words) == 2 and words[-1] == "them"  # "email them": a name read as them
    return ask if (len(words) >= 3 or to_someone) and parts[1].strip() else None


def remark_read(text: str) -> str | None:
    """The message with the customer's words it quotes read as "an objection", when it quotes
    any ("how do I answer 'send me some information'")."""
    remark = extract_objection(text)
    return text.replace(remark, "an objection", 1) if remark and remark in text else None
