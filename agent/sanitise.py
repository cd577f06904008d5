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
regexes: what counts as an image, a link or HTML is what a renderer would make of it. Text with
nothing of the kind comes back unchanged apart from removed characters, so clean text is never
rewritten. The functions are pure and idempotent: cleaning twice changes nothing.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel, ConfigDict, Field

from agent.intake import LIMITS
from agent.memo import content_of

IMAGE_REMOVED = "(image removed)"

T = TypeVar("T")


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


class _EveryLink(MarkdownIt):
    """markdown-it drops `javascript:` links to text; here every link is a token, so the
    policy judges it (and a viewer that would follow it never sees it)."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        return True


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = _EveryLink("commonmark", {"linkify": True}).enable(["linkify", "strikethrough"])
    assert md.linkify is not None, "linkify-it-py is a dependency"
    md.linkify.set({"fuzzy_email": False, "fuzzy_link": False})  # links with a scheme only
    return md


# Only text with one of these can hold HTML, an image, a link or a link's definition; the rest
# (most fields, and refs such as `deal.activities[3]`) skips the parser.
_MAYBE_MARKUP = re.compile(r"<|\]\s*[(\[:]|://")
# A link reference definition (`[x]: https://…`): it is no token, yet it turns `[x]` anywhere
# else in the document into a link; escaping its bracket keeps it text.
_DEFINITION = re.compile(r"^( {0,3})\[", re.MULTILINE)
# What could start markup again once rebuilt text is put back: escaped with a backslash.
_MD_SPECIAL = re.compile(r"([\\`\[\]])")
# Where a tag could start: escaped in every field, whatever a parser makes of the rest (a tag
# cut in half by a length cap is no HTML to markdown-it, yet an HTML view may still open it).
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_MAIL_AUTOLINK = re.compile(r"<([^\s<>@]+@[^\s<>]+)>")
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]*):(?=//)", re.IGNORECASE)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.IGNORECASE)  # in escaped HTML


def _recipient(t: Token, policy: OutputPolicy) -> bool:
    """`<ana@customer.example>` for one of the deal's contacts: how a recipient is written
    ('Name <address>'), kept as it is; any other address loses its link and keeps its text."""
    href = str(t.attrs.get("href", ""))
    return t.markup == "autolink" and href.startswith("mailto:") and policy.allows(href)


def _unsafe(tokens: Iterable[Token], policy: OutputPolicy) -> bool:
    """True when the tokens hold HTML, an image or a link (allowed or not: rebuilt anyway),
    apart from a contact's address written as a recipient."""
    for t in tokens:
        if t.type in ("html_block", "html_inline", "image"):
            return True
        if t.type == "link_open" and not _recipient(t, policy):
            return True
        if t.children and _unsafe(t.children, policy):
            return True
    return False


def _escape_html(raw: str) -> str:
    """HTML shown as text; a URL in it (`src="https://…"`) keeps only its host, as a bare
    URL does, so it neither becomes a link of its own nor carries data out."""
    return _URL.sub(lambda m: _link_removed(m.group(0)), html.escape(raw, quote=False))


def _link_removed(href: str) -> str:
    """A bare URL's place: its host, so the reader knows what it was; the path and query,
    where data is carried out, go."""
    host = urlsplit(href).hostname
    return f"(link to {host} removed)" if host else "(link removed)"


def _inline(children: Sequence[Token], policy: OutputPolicy) -> str:
    """Inline markdown rebuilt from its tokens: allowed links kept, every other link reduced to
    its text (a bare URL to its host), images to a note, HTML escaped, text escaped."""
    out: list[str] = []
    links: list[tuple[str, str, list[str]]] = []  # (kept|mail|text|bare, target, its text)
    for t in children:
        sink = links[-1][2] if links and links[-1][0] == "bare" else out
        if t.type == "link_open":
            href = str(t.attrs.get("href", ""))
            if _recipient(t, policy):
                out.append("<")
                links.append(("mail", "", out))
            elif policy.allows(href):
                out.append("[")
                links.append(("kept", href, out))
            else:
                bare = t.markup in ("linkify", "autolink") and not href.startswith("mailto:")
                links.append(("bare" if bare else "text", href, []))
        elif t.type == "link_close":
            how, href, collected = links.pop() if links else ("text", "", [])
            if how == "kept":
                out.append(f"]({href})")
            elif how == "mail":
                out.append(">")
            elif how == "bare":
                out.append(_link_removed(href))
        elif t.type == "image":
            alt = _MD_SPECIAL.sub(r"\\\1", t.content)
            sink.append(f"{alt} {IMAGE_REMOVED}" if alt else IMAGE_REMOVED)
        elif t.type == "html_inline":
            sink.append(_escape_html(t.content))
        elif t.type in ("text", "text_special"):
            sink.append(t.content if sink is not out else _MD_SPECIAL.sub(r"\\\1", t.content))
        elif t.type == "code_inline":
            sink.append(f"{t.markup}{t.content}{t.markup}")
        elif t.type == "softbreak":
            sink.append("\n")
        elif t.type == "hardbreak":
            sink.append("\\\n")
        else:  # emphasis, strong, strikethrough: their markers
            sink.append(t.markup)
    return "".join(out)


def _rebuilt(text: str, policy: OutputPolicy) -> str:
    """The text with each unsafe block rebuilt in place; a block that cannot be found again in
    the source (inside a list or a quote) makes the whole text one rebuilt inline run."""
    for block in _markdown().parse(text):
        if block.type == "html_block":
            new = _escape_html(block.content)
        elif block.type == "inline" and block.children and _unsafe(block.children, policy):
            new = _inline(block.children, policy)
        else:
            continue
        old = block.content.rstrip("\n")
        if old not in text:
            return _inline(_markdown().parseInline(text)[0].children or [], policy)
        text = text.replace(old, new.rstrip("\n"), 1)
    return text


def _markup_free(text: str, policy: OutputPolicy) -> str:
    if not _MAYBE_MARKUP.search(text):
        return text
    env: dict[str, Any] = {}
    tokens = _markdown().parse(text, env)
    if env.get("references"):
        text = _DEFINITION.sub(r"\1\\[", text)
        tokens = _markdown().parse(text)
    if not _unsafe(tokens, policy):
        return text
    text = _tags_escaped(_rebuilt(text, policy), policy)
    if _unsafe_beyond_allowed(text, policy):  # crafted nesting survived: text only
        text = _SCHEME.sub(r"\1\\:", _MD_SPECIAL.sub(r"\\\1", text))
    return text


def _tags_escaped(text: str, policy: OutputPolicy) -> str:
    """Every `<` that could open a tag as `&lt;`, but a contact's address as a recipient."""
    if "<" not in text:
        return text

    def escaped(match: re.Match[str]) -> str:
        mail = _MAIL_AUTOLINK.match(text, match.start())
        return "<" if mail and policy.allows(f"mailto:{mail.group(1)}") else "&lt;"

    return _TAG_START.sub(escaped, text)


def _unsafe_beyond_allowed(text: str, policy: OutputPolicy) -> bool:
    env: dict[str, Any] = {}
    tokens = _markdown().parse(text, env)
    if env.get("references"):
        return True

    def bad(tokens: Iterable[Token]) -> bool:
        for t in tokens:
            if t.type in ("html_block", "html_inline", "image"):
                return True
            href = str(t.attrs.get("href", ""))
            if t.type == "link_open" and not policy.allows(href):
                return True
            if t.children and bad(t.children):
                return True
        return False

    return bad(tokens)


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

    def model(self, value: BaseModel) -> BaseModel:
        """`value` cleaned; one whose content was already found clean is returned at once."""
        if self.known_clean(value):
            return value
        out: BaseModel = _clean(value, self)
        if out is value:
            self.found_clean(value)
        return out

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
    out = _tags_escaped(_markup_free(strip_invisible(out), policy), policy)
    return _capped(out, policy.max_chars)


def clean(value: T, policy: OutputPolicy = STRICT) -> T:
    """Every string in a value cleaned and every list capped: pydantic models (copied, not
    changed), dicts, lists, tuples and strings; other values are returned as they are."""
    text = cleaner(policy)
    if isinstance(value, BaseModel):
        return text.model(value)  # type: ignore[return-value]
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
