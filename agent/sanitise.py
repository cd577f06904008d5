"""The one sanitiser for text that leaves the agent: the rep's markdown, customer copies (message
drafts, e-mails), events for downstream agents and patches written to the CRM.

Whatever the coach copies from its inputs (CRM notes, transcripts, upstream agents' files) is
data, and may have been written by someone who wants a reader's markdown viewer, a customer's
mail client or a downstream agent to do something. So at every exit:

- a passage of the input that reads like instructions to a model (the read step flags it) is
  withheld wherever an answer would repeat it;
- images never pass (an image URL is fetched on sight: it can carry the deal amount out);
- a link passes only when its host is on the allow-list (settings, empty by default) or it
  points at a cited knowledge document; otherwise its text stays and its target goes (a bare
  URL keeps only its host: the path and query are where data is carried out);
- raw HTML is escaped, not stripped: a reader sees `<script>` was there, nothing runs;
- control, zero-width, bidi-override and Unicode tag characters are removed (they hide text
  from a person while a model or a parser still reads it);
- every field is capped in length and every list in items, so one huge input cannot flood an
  answer, an event or the CRM.

Markdown is read with markdown-it (the CommonMark parser, linkify for bare URLs), never with
regexes (agent/markup.py): what counts as an image, a link or HTML is what a renderer would
make of it. Text with
nothing of the kind comes back unchanged apart from removed characters, so clean text is never
rewritten. The functions are pure and idempotent: cleaning twice changes nothing.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from agent.intake import LIMITS
from agent.markup import IMAGE_REMOVED as IMAGE_REMOVED  # the rebuild's note, read from here
from agent.markup import markup_free, tags_escaped
from agent.memo import content_of

T = TypeVar("T")
# A model's strings and its longest list or mapping, from a walk the caller made anyway.
Walked = Callable[[], tuple[Sequence[str], int]]


class OutputPolicy(BaseModel):
    """What may leave: link hosts and targets, and the caps. The default lets no link out."""

    model_config = ConfigDict(frozen=True)

    link_hosts: frozenset[str] = Field(
        default=frozenset(),
        description="Hosts a link may point at (a subdomain of one counts); empty by default.",
    )
    link_targets: frozenset[str] = Field(
        default=frozenset(),
        description="Exact link targets allowed: the cited knowledge documents, and "
        "'mailto:' the deal's contacts (a recipient written 'Name <address>').",
    )
    withheld: frozenset[str] = Field(
        default=frozenset(),
        description="Passages of the input that read like instructions to a model: wherever "
        "an answer would repeat one, it says it was withheld instead.",
    )
    # One field (longer than any answer's longest paragraph or e-mail body) and one list (the
    # response's own limit): agent/intake.py's limits, as set when the policy is made.
    max_chars: int = Field(default_factory=lambda: LIMITS.field_chars, ge=1)
    max_items: int = Field(default_factory=lambda: LIMITS.list_items, ge=1)

    def allows(self, href: str) -> bool:
        if href in self.link_targets or href.lower() in self.link_targets:
            return True
        parts = urlsplit(href)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return False
        return any(host == h or host.endswith("." + h) for h in self.link_hosts)


STRICT = OutputPolicy()

# Categories removed: Cc (controls, but tab and newline stay), Cf (format: zero-width space and
# joiners, bidi embeddings, overrides and isolates, the BOM, soft hyphen, Unicode tag
# characters), Cs (lone surrogates, which no file or socket can encode).
_KEEP = frozenset("\n\t")
# Letters and marks that render as nothing (Hangul and halfwidth fillers, the combining
# grapheme joiner, Khmer inherent vowels): not format characters, yet used the same way.
_BLANK = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=4096)
def _removed(char: str) -> bool:
    if char in _BLANK:
        return True
    return char not in _KEEP and unicodedata.category(char) in ("Cc", "Cf", "Cs")


def strip_invisible(text: str) -> str:
    """The text without control, zero-width, bidi and tag characters (CRLF becomes LF)."""
    text = text.replace("\r\n", "\n")
    if text.isascii():
        return _ASCII_CONTROLS.sub("", text)
    return "".join(c for c in text if not _removed(c))


def _capped(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[-80:] else cut) + "…"


WITHHELD = "[withheld: input text that reads like instructions to a model]"


def _withhold(text: str, passages: frozenset[str]) -> str:
    """A flagged passage is data the rep may look up at its place, never repeated: not in the
    rep's answer (where a quote would carry it on to a customer), not in an event."""
    for passage in passages:
        if passage in text:
            text = text.replace(passage, WITHHELD)
    return text


def clean_text(text: str, policy: OutputPolicy = STRICT) -> str:
    """One field as it may leave the agent (see the module's docstring)."""
    return cleaner(policy)(text)


class Cleaner:
    """clean_text for one policy, with what it cleaned kept per text (a pure function): an
    answer writes the same few hundred fields and template values on every request about a
    deal, each cleaned once. Made once per policy (`cleaner`), so cleaning a field looks the
    text up alone, not the policy (a pydantic model, hashed and compared field by field)."""

    __slots__ = ("policy", "_kept", "_long", "_lock", "_clean_models")

    def __init__(self, policy: OutputPolicy) -> None:
        self.policy = policy
        self._kept: dict[str, str] = {}
        # longer texts (a long call's debrief sections), kept up to _KEPT_LONG_CHARS in all
        self._long: dict[str, str] = {}
        self._lock = threading.Lock()
        # models (by type and JSON) this policy leaves as they are: not walked again
        self._clean_models: dict[tuple[type[BaseModel], str], None] = {}

    def model(self, value: BaseModel, walked: Walked | None = None) -> BaseModel:
        """`value` cleaned; one whose content was already found clean is returned at once, and
        so is one that `walked` (a walk the caller made anyway, such as the grounding check's:
        every string in the model, and its longest list or mapping) shows nothing to clean in,
        so a new answer is not walked a second time to find nothing to clean."""
        if self.known_clean(value):
            return value
        if walked is not None and self.unchanged(*walked()):
            self.found_clean(value)
            return value
        out: BaseModel = _clean(value, self)
        if out is value:
            self.found_clean(value)
        return out

    def flat(self, models: list[T]) -> list[T]:
        """`clean(models)` for models whose fields are all strings (citations): the list itself
        when it is short enough and each string is clean, each looked up in this cleaner,
        without the general walk through each model's fields."""
        values = [v for m in models for v in vars(m).values()]
        if all(type(v) is str for v in values) and self.unchanged(values, len(models)):
            return models
        return _clean(models, self)  # type: ignore[no-any-return]

    def unchanged(self, texts: Iterable[str], width: int) -> bool:
        """Whether a value holding these strings, whose longest list or mapping has `width`
        items, comes back from the walk as it is: nothing to cut, every string clean."""
        return width <= self.policy.max_items and all(self(t) is t for t in texts)

    def known_clean(self, value: BaseModel) -> bool:
        """Whether a model of this content was found clean before."""
        return (type(value), content_of(value)) in self._clean_models

    def found_clean(self, value: BaseModel) -> None:
        """Notes that `value` is clean (a caller that found it so without a walk)."""
        if len(self._clean_models) >= _KEPT_MODELS:
            self._clean_models.clear()
        self._clean_models[(type(value), content_of(value))] = None

    def __call__(self, text: str) -> str:
        if len(text) > _KEPT_CHARS:
            out = self._long_one(text)
        elif (kept := self._kept.get(text)) is not None:
            out = kept
        else:
            out = _cleaned_now(text, self.policy)
            if len(self._kept) >= _KEPT_TEXTS:  # bounded: start again rather than grow
                self._kept.clear()
            self._kept[text] = out
        return text if out == text else out  # the same object: a clean value is not copied

    def _long_one(self, text: str) -> str:
        """A long text (a section of a long call's debrief, parsed as markdown) is cleaned
        once while it is among the most recent ones that fit in _KEPT_LONG_CHARS."""
        with self._lock:
            if (kept := self._long.pop(text, None)) is not None:
                self._long[text] = kept  # now the most recent
                return kept
        out = _cleaned_now(text, self.policy)
        if len(text) > _KEPT_LONG_CHARS:
            return out
        with self._lock:
            self._long[text] = out
            total = sum(map(len, self._long))
            while total > _KEPT_LONG_CHARS:  # the oldest go first
                total -= len(oldest := next(iter(self._long)))
                del self._long[oldest]
        return out


_KEPT_CHARS = 2000
_KEPT_LONG_CHARS = 2_000_000
_KEPT_TEXTS = 4096
_KEPT_MODELS = 64


@lru_cache(maxsize=16)
def cleaner(policy: OutputPolicy) -> Cleaner:
    """The cleaner of a policy: the same one for an equal policy (a request makes its policy
    anew; the deal's next request makes an equal one)."""
    return Cleaner(policy)


def _cleaned_now(text: str, policy: OutputPolicy) -> str:
    out = _withhold(text, policy.withheld) if policy.withheld else text
    out = tags_escaped(markup_free(strip_invisible(out), policy), policy)
    return _capped(out, policy.max_chars)


def clean(value: T, policy: OutputPolicy = STRICT, walked: Walked | None = None) -> T:
    """Every string in a value cleaned and every list capped: pydantic models (copied, not
    changed), dicts, lists, tuples and strings; other values are returned as they are.
    `walked`: a model's strings and longest list, from a walk the caller made (Cleaner.model)."""
    text = cleaner(policy)
    if isinstance(value, BaseModel):
        return text.model(value, walked)  # type: ignore[return-value]
    return _clean(value, text)  # type: ignore[no-any-return]


def _clean(value: Any, text: Cleaner) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _clean(old, text)
            if new is not old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    if isinstance(value, list | tuple):
        items = [_clean(v, text) for v in value[: text.policy.max_items]]
        if len(items) == len(value) and all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        pairs = list(value.items())[: text.policy.max_items]
        cleaned = {_clean(k, text): _clean(v, text) for k, v in pairs}
        if len(cleaned) == len(value) and all(cleaned.get(k) is v for k, v in value.items()):
            return value
        return cleaned
    return value
