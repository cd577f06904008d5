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
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agent.resources import routing_intents

INTENTS_FILE = routing_intents()
HELP, SMALLTALK, FOLLOWUP, UNKNOWN = "help", "smalltalk", "followup", "unknown"
# Learnt from examples (intents.yaml) like any intent, reported as UNKNOWN: see `decide`.
OFF_TOPIC = "off_topic"

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
# A person is the word after "with", "to", "email", "msg" ... (the lookahead lets "msg to
# Owen" try "to" and then "Owen"), or after "a note for"; words that cannot name anyone are
# skipped, and so is a word that is itself one of these verbs ("to nudge Bethany": Bethany).
_BEFORE_PERSON = (
    "with w/ to email e-mail message msg ping text call meet meeting seeing send tell ask "
    "remind thank write nudge chase invite introduce"
)
_PERSON = re.compile(
    r"(?:\b(?:email|e-mail|note|message|msg|text|reply|letter)\s+for|\b(?:"
    + "|".join(re.escape(w) for w in _BEFORE_PERSON.split())
    + r"))\s+"
    r"(?:the\s+|our\s+|their\s+|my\s+)?(?=([A-Za-z][\w'-]*))",
    re.IGNORECASE,
)
# A topic named after the ask: "... about X", "... regarding X", "... re X", "... concerning X".
TOPIC = re.compile(
    r"\s+(?:about|regarding|concerning|re:?|on the (?:topic|subject) of)\s+", re.IGNORECASE
)
# A title's acronym names a person, like a name: a slot (resolved by agent/chat/people.py),
# not what the rep asks for. Read as "them" when the message is embedded, or every message
# naming "the CFO" would lean towards whichever intent's examples happen to name one.
TITLE_ACRONYM = re.compile(r"\b(?:cfo|ceo|coo|cio|cto|ciso|cro|cmo|gm|md|vp)\b", re.IGNORECASE)
_DAYS = "monday tuesday wednesday thursday friday saturday sunday"
_NOT_A_PERSON = frozenset(
    f"""{_DAYS} a an the to at on in for of me my him her them us you it its this that these
    those be get go do have make send see talk speak about with from by up out back again now
    today tomorrow tomorrow's tonight yesterday next last set book schedule all everyone
    anyone someone customer customers client prospect team deal opp opportunity account
    follow follow-up followup recap summary them they he she we i re reply w regarding
    concerning something anything nothing quick short brief thank-you thanks note email
    {_BEFORE_PERSON}""".split()
)
# Chat shorthand and common misspellings, spelled out before a message is embedded: the model
# read edited text, and "nxt steps 4 this opp" is otherwise far from "next steps for this deal".
_SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "ty": "thank you",
    "nxt": "next",
    "4": "for",
    "2": "to",
    "b4": "before",
    "msg": "message",
    "im": "I'm",
    "whats": "what's",
    "whos": "who's",
    "hows": "how's",
    "wats": "what's",
    "wat": "what",
    "y": "why",
    "prob": "probability",
    "opp": "opportunity",
    "opps": "deals",
    "tldr": "summary",
    "gimme": "give me",
    "any1": "anyone",
    "some1": "someone",
    "cust": "customer",
    "mtg": "meeting",
    "convo": "conversation",
    "rn": "right now",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomorow": "tomorrow",
    "havent": "haven't",
    "hasnt": "hasn't",
    "dont": "don't",
    "didnt": "didn't",
    "isnt": "isn't",
    "cant": "can't",
    "wont": "won't",
    "w/": "with",
    "w/o": "without",
    "f/u": "follow-up",
    "fu": "follow-up",
    "info": "information",
    "approx": "approximately",
    "esp": "especially",
    "mgr": "manager",
}
_SHORT = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, _SHORTHAND)) + r")(?![\w/])", re.I)
_NUMBER_WORDS = "one|two|three|four|five|six|seven|a couple of|a few"
_WHEN = re.compile(
    rf"\b(?:(?:next|this|coming)\s+)?(?:{_DAYS.replace(' ', '|')}|week"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b"
    rf"|\b(?:today|tonight|tomorrow|day after tomorrow)\b"
    rf"|\bin\s+(?:\d+|{_NUMBER_WORDS})\s+(?:days?|weeks?)\b",
    re.IGNORECASE,
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
    # The embedding classifier's threshold (agent/routing/embedded.py): cosines run higher.
    embedding_threshold: float = Field(default=0.3, gt=0, lt=1)
    intents: dict[str, IntentSpec]


class Slots(BaseModel):
    deal_id: str | None = None
    rep_id: str | None = None
    objection: str | None = None
    methodology: str | None = None
    person: str | None = Field(default=None, description="A person or role named: 'Lydia', 'CFO'.")
    when: str | None = Field(default=None, description="A time as written: 'tomorrow', 'friday'.")
    topic: str | None = Field(
        default=None, description="What a message is about, after its ask: 'the pilot results'."
    )


class Intent(BaseModel):
    name: str = Field(description="A capability, 'help', 'smalltalk' or 'unknown'.")
    confidence: float = Field(ge=0, le=1)
    runner_up: str | None = None
    choices: list[str] = Field(
        default_factory=list, description="When unsure: the two likeliest intents, to ask."
    )
    slots: Slots = Field(default_factory=Slots)


def _stem(words: list[str]) -> list[str]:
    import Stemmer

    stems: list[str] = Stemmer.Stemmer("english").stemWords(words)
    return stems


# Words that say nothing about what a topic is ("an update on the pilot": the pilot).
_TOPIC_STOP_WORDS = (
    "about re regarding update updates status latest news quick note email message follow up "
    "with from we you your they their them was were be been has have had will would"
)
_TOPIC_STOP = frozenset(_TOPIC_STOP_WORDS.split())


def content_stems(text: str) -> set[str]:
    """The stems of a text's words that carry content: a topic's words, matched against the
    deal's texts (agent/chat/topic.py) so 'pricing' meets 'price'."""
    words = [w.removesuffix("'s") for w in _WORD.findall(text.lower().replace("’", "'"))]
    kept = [w for w in words if w not in _STOP and w not in _TOPIC_STOP and len(w) > 1]
    return set(_stem(kept))


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

    @property
    def threshold(self) -> float:
        return self.spec.threshold

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
        return decide(self.scores(message), self.spec.threshold, message)


def decide(scores: dict[str, float], threshold: float, message: str) -> Intent:
    """The intent of the best score, when it reaches the threshold and the message says more
    than an id. Below it: an id alone continues the last subject (FOLLOWUP), anything else is
    UNKNOWN with the two likeliest readings to ask about. A message closest to what the chat
    cannot do (OFF_TOPIC) is UNKNOWN with nothing to offer but the list of what it can do: "do
    you mean deal strategy?" is no answer to "book me a flight"."""
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    confident = score >= threshold and bool(_WORD.findall(without_ids(message).lower()))
    runner_up: str | None = None
    choices: list[str] = []
    if only_an_id(message) and (best == OFF_TOPIC or not confident):
        name = FOLLOWUP
    elif best == OFF_TOPIC:
        name = UNKNOWN
    else:
        on_topic = [n for n, _ in ranked if n != OFF_TOPIC]
        runner_up = on_topic[1] if len(on_topic) > 1 else None
        name = best if confident else UNKNOWN
        choices = [best, runner_up] if name == UNKNOWN and runner_up and score > 0 else []
    return Intent(
        name=name,
        confidence=round(min(max(score, 0.0), 1.0), 3),
        runner_up=runner_up,
        choices=choices,
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
        person=person_named(message),
        when=time_named(spelled_out(message)),
        topic=topic_named(message),
    )


def topic_named(message: str) -> str | None:
    """The topic named after the ask ("draft a note to Owen re the pilot results": "the pilot
    results"), up to the end of its clause; None without one."""
    parts = TOPIC.split(spelled_out(message), maxsplit=1)
    if len(parts) < 2:
        return None
    topic = re.split(r"[,;?!]|\s+-\s+", parts[1], maxsplit=1)[0].strip(" .:'\"")
    return topic or None


def extract_objection(message: str) -> str | None:
    """What the customer said: a quoted remark, else whatever follows 'they said'."""
    quoted = _QUOTED.search(message)
    said = _SAID.search(message)
    text = (quoted.group(1) or quoted.group(2)) if quoted else (said.group(1) if said else None)
    return (_DEAL.sub("", text).strip(" ,.?!;:") or None) if text else None


def without_ids(message: str) -> str:
    """The message without deal and rep ids: they are slots, and carry no intent."""
    return " ".join(_REP.sub(" ", _DEAL.sub(" ", message)).split())


def spelled_out(message: str) -> str:
    """The message with chat shorthand written out ("nxt steps 4 this opp?")."""
    return _SHORT.sub(lambda m: _SHORTHAND[m.group(1).lower()], message.replace("’", "'"))


def only_an_id(message: str) -> bool:
    """A message that names a deal or rep and barely anything else ("now D-1004", "D-1005?")
    continues what the rep was doing on another subject."""
    named = _DEAL.search(message) or _REP.search(message)
    return bool(named) and len(_WORD.findall(without_ids(message).lower())) <= 2


def person_named(message: str) -> str | None:
    """Who the message is about, as written ("Lydia", "CFO"); resolved against the deal's
    contacts by the chat, which knows the deal."""
    for match in _PERSON.finditer(spelled_out(message)):
        word = match.group(1).removesuffix("'s")
        if word == "IT" or (word.lower() not in _NOT_A_PERSON and not _DEAL.fullmatch(word)):
            return word  # "my meeting with IT": the department, written in capitals
    return None


def time_named(message: str) -> str | None:
    """A time as written ("tomorrow", "next Tuesday", "in two days"); the chat turns it into
    a date relative to today."""
    found = _WHEN.search(message.replace("’", "'"))
    if found is None or found.group(0).lower() in ("week", "this week"):
        return None
    return found.group(0)


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


class Classifier(Protocol):
    @property
    def threshold(self) -> float: ...
    def scores(self, message: str) -> dict[str, float]: ...
    def classify(self, message: str) -> Intent: ...


@cache
def classifier(path: Path = INTENTS_FILE) -> Classifier:
    return build_classifier(path)


def build_classifier(path: Path = INTENTS_FILE) -> Classifier:
    """Sentence embeddings when the MiniLM weights are installed (agent/routing/embedded.py),
    else the TF-IDF neighbours above: the chat understands less, but still runs."""
    from knowledge.embeddings import semantic_available

    if semantic_available():
        from agent.routing.embedded import EmbeddingIntentClassifier

        return EmbeddingIntentClassifier(load_intents(path))
    return IntentClassifier(load_intents(path))
