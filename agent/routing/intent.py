"""The offline intent classifier: which capability a chat message asks for, with no model.

A TF-IDF nearest-neighbour classifier over the authored utterances in `intents.yaml`
(Snowball stems, word unigrams and bigrams, cosine similarity; methodology names become one
token). An intent's score weighs its closest utterance three quarters and its second closest a
quarter, so one lucky word overlap rarely wins; the confidence is that score. Below the file's
threshold the chat asks what the rep means instead of guessing.

Slots (deal id, rep id, a quoted objection, a methodology name) are read from the message with
patterns: they are identifiers, not meaning.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import routing_intents

INTENTS_FILE = routing_intents()
HELP, SMALLTALK, FOLLOWUP, UNKNOWN = "help", "smalltalk", "followup", "unknown"

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Only words that carry no intent at all; "what", "can", "you", "do" stay (they make "help").
_STOP_WORDS = "a an the to of on in at for and or this that it is are my me i our please"
_STOP = frozenset(_STOP_WORDS.split())
_DEAL = re.compile(r"\b[dD]-\d{3,6}\b")
_REP = re.compile(r"\brep-[a-z0-9][a-z0-9-]*\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]|(?<!\w)'([^']{3,})'(?!\w)")
_SAID = re.compile(
    r"\b(?:said|says|told me|tells me|keeps? saying)\s*(?:that\s+)?[:,]?\s*(.+)", re.IGNORECASE
)


class IntentSpec(BaseModel):
    """One intent: a capability (declared in its folder) or one of the chat's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    needs: Literal["deal", "rep", "nothing"]
    try_: str = Field(alias="try")
    utterances: list[str] = Field(min_length=3)


class IntentFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(gt=0, lt=1)
    intents: dict[str, IntentSpec]


class Slots(BaseModel):
    deal_id: str | None = None
    rep_id: str | None = None
    objection: str | None = None
    methodology: str | None = None


class Intent(BaseModel):
    name: str = Field(description="A capability, 'help', 'smalltalk' or 'unknown'.")
    confidence: float = Field(ge=0, le=1)
    runner_up: str | None = None
    slots: Slots = Field(default_factory=Slots)


def _stem(words: list[str]) -> list[str]:
    import Stemmer

    stems: list[str] = Stemmer.Stemmer("english").stemWords(words)
    return stems


def features(text: str) -> list[str]:
    """Stemmed words, adjacent-word pairs and the stems' letter trigrams (so 'prep' meets
    'prepare'). Deal and rep ids are slots, not words; a methodology name and a quoted customer
    remark each become one token, so every framework and every objection look alike."""
    text = text.replace("’", "'")
    marks = ["quotedremark"] if extract_objection(text) else []
    text = _REP.sub(" ", _DEAL.sub(" ", text.lower()))
    for pattern, _ in _methodology_names():
        text = pattern.sub(" methodologyname ", text)
    words = _stem([w.removesuffix("'s") for w in _WORD.findall(text) if w not in _STOP])
    pairs = [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    grams = [f"#{w[i : i + 3]}" for w in words if len(w) > 3 for i in range(len(w) - 2)]
    return words + marks + pairs + grams


class IntentClassifier:
    def __init__(self, spec: IntentFile) -> None:
        self.spec = spec
        self.labels: list[str] = []
        docs: list[list[str]] = []
        for name, intent in spec.intents.items():
            for utterance in intent.utterances:
                self.labels.append(name)
                docs.append(features(utterance))
        df = Counter(term for doc in docs for term in set(doc))
        n = len(docs)
        self.idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
        self.vectors = [self._vector(doc) for doc in docs]

    def _vector(self, terms: list[str]) -> dict[str, float]:
        counts = Counter(t for t in terms if t in self.idf)
        weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}

    def scores(self, message: str) -> dict[str, float]:
        query = self._vector(features(message))
        per_intent: dict[str, list[float]] = {}
        for label, vector in zip(self.labels, self.vectors, strict=True):
            sim = sum(w * vector.get(t, 0.0) for t, w in query.items())
            per_intent.setdefault(label, []).append(sim)
        return {label: _blend(sorted(sims, reverse=True)) for label, sims in per_intent.items()}

    def classify(self, message: str) -> Intent:
        ranked = sorted(self.scores(message).items(), key=lambda kv: -kv[1])
        (best, score), runner_up = ranked[0], ranked[1][0] if len(ranked) > 1 else None
        name = best if score >= self.spec.threshold else UNKNOWN
        return Intent(
            name=name,
            confidence=round(min(score, 1.0), 3),
            runner_up=runner_up,
            slots=extract_slots(message),
        )


def _blend(best_first: list[float]) -> float:
    """Mostly the closest utterance, partly the second: short intents ("hi") still win."""
    return 0.75 * best_first[0] + 0.25 * (best_first[1] if len(best_first) > 1 else 0.0)


def extract_slots(message: str) -> Slots:
    deal = _DEAL.search(message)
    rep = _REP.search(message)
    return Slots(
        deal_id=deal.group(0).upper() if deal else None,
        rep_id=rep.group(0).lower() if rep else None,
        objection=extract_objection(message),
        methodology=methodology_named(message),
    )


def extract_objection(message: str) -> str | None:
    """What the customer said: a quoted remark, else whatever follows 'they said'."""
    quoted = _QUOTED.search(message)
    said = _SAID.search(message)
    text = (quoted.group(1) or quoted.group(2)) if quoted else (said.group(1) if said else None)
    return (_DEAL.sub("", text).strip(" ,.?!;:") or None) if text else None


@cache
def _methodology_names() -> list[tuple[re.Pattern[str], str]]:
    from agent.capabilities.methodology_coaching.maps import SPECS

    pairs = []
    for spec in SPECS.values():
        for name in (*spec.names, *spec.aliases):
            pairs.append((re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), spec.names[0]))
    # Longest names first: "spin selling" before "spin", "meddpicc" before "meddic".
    return sorted(pairs, key=lambda p: -len(p[0].pattern))


def methodology_named(message: str) -> str | None:
    for pattern, canonical in _methodology_names():
        if pattern.search(message):
            return canonical
    return None


def load_intents(path: Path = INTENTS_FILE) -> IntentFile:
    """Every capability's intents (its folder's intents.yaml, with its title and scope), then
    the chat's own (help, small talk, follow-ups) from `path`. Parsed once per version of the
    files: the router asks on every request without a capability, and parsing the YAML costs
    tens of milliseconds (issue 18)."""
    from agent.capabilities.registry import registry

    files = [path, *(spec.intents_file for spec in registry().values())]
    return _parsed_intents(path, tuple(_stamp(f) for f in files))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=8)
def _parsed_intents(path: Path, stamps: tuple[tuple[int, int] | None, ...]) -> IntentFile:
    """`stamps` only keys the cache: a changed file is read again."""
    from agent.capabilities.registry import registry

    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    own = data.get("intents", {})
    intents: dict[str, Any] = {}
    for spec in registry().values():
        if spec.draft is None or not spec.intents_file.is_file():
            continue  # a live capability is not asked for by a message
        examples: Any = yaml.safe_load(spec.intents_file.read_text(encoding="utf-8"))
        intents[spec.name] = {"title": spec.title, "needs": spec.scope, **examples}
    return IntentFile.model_validate({**data, "intents": {**intents, **own}})


@cache
def classifier(path: Path = INTENTS_FILE) -> IntentClassifier:
    return IntentClassifier(load_intents(path))
