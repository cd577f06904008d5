"""Markdown that could act on a reader, rebuilt as text (agent/sanitise.py's part that parses):
HTML, images, links and link definitions, read with markdown-it as a renderer would read them.

A link passes only when the policy allows its target; every other link keeps its text and loses
its target (a bare URL keeps its host), images become a note, HTML is escaped. The sanitiser
calls `markup_free` and `tags_escaped` on each field; text without markup skips the parser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

IMAGE_REMOVED = "(image removed)"


class Allows(Protocol):
    """What the rebuild asks of an output policy (agent.sanitise.OutputPolicy)."""

    def allows(self, href: str) -> bool: ...


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


def _recipient(t: Token, policy: Allows) -> bool:
    """`<ana@customer.example>` for one of the deal's contacts: how a recipient is written
    ('Name <address>'), kept as it is; any other address loses its link and keeps its text."""
    href = str(t.attrs.get("href", ""))
    return t.markup == "autolink" and href.startswith("mailto:") and policy.allows(href)


def _unsafe(tokens: Iterable[Token], policy: Allows) -> bool:
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


def _inline(children: Sequence[Token], policy: Allows) -> str:
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


def _rebuilt(text: str, policy: Allows) -> str:
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


def markup_free(text: str, policy: Allows) -> str:
    if not _MAYBE_MARKUP.search(text):
        return text
    env: dict[str, Any] = {}
    tokens = _markdown().parse(text, env)
    if env.get("references"):
        text = _DEFINITION.sub(r"\1\\[", text)
        tokens = _markdown().parse(text)
    if not _unsafe(tokens, policy):
        return text
    text = tags_escaped(_rebuilt(text, policy), policy)
    if _unsafe_beyond_allowed(text, policy):  # crafted nesting survived: text only
        text = _SCHEME.sub(r"\1\\:", _MD_SPECIAL.sub(r"\\\1", text))
    return text


def tags_escaped(text: str, policy: Allows) -> str:
    """Every `<` that could open a tag as `&lt;`, but a contact's address as a recipient."""
    if "<" not in text:
        return text

    def escaped(match: re.Match[str]) -> str:
        mail = _MAIL_AUTOLINK.match(text, match.start())
        return "<" if mail and policy.allows(f"mailto:{mail.group(1)}") else "&lt;"

    return _TAG_START.sub(escaped, text)


def _unsafe_beyond_allowed(text: str, policy: Allows) -> bool:
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
