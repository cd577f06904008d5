"""What a model would read in a text, for the injection detector (agent/model/injection.py).

Attackers hide instructions from rules that a model still follows: Cyrillic or Greek look-alike
letters ("іgnоre"), fullwidth or mathematical letters, zero-width, bidi and tag characters
between letters, letters spaced out ("i g n o r e"), leetspeak ("1gn0re"), and encodings a
model decodes on its own (base64, %-encoding, HTML entities, \\x and \\u escapes; rot13 when
the text says so).
`views` returns the text folded to plain lower-case Latin without accents, plus one view per
decoded or de-obfuscated reading that differs from it; the rules read every view.

Only detection reads these views. Nothing here changes the text the agent keeps or shows: the
output sanitiser (another place) neutralises what leaves the agent.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata
from urllib.parse import unquote

from agent.sanitise import strip_invisible

# Invisible characters go as the output sanitiser removes them (agent/sanitise.py, one list);
# variation selectors too, which an output may keep (emoji) but a reader never sees.
_SELECTORS = re.compile("[\ufe00-\ufe0f]")
# Tag characters spell ASCII invisibly (U+E0041 is an invisible 'A'): decoded, not dropped.
_TAGS = re.compile("[\U000e0020-\U000e007e]+")

# Look-alikes NFKC leaves alone: Cyrillic, Greek, Armenian and IPA letters that render as Latin
# ones, and the Latin letters with a stroke that have no decomposition.
_CONFUSABLES = str.maketrans(
    {
        **dict.fromkeys("аɑα", "a"),
        **dict.fromkeys("вβ", "b"),
        **dict.fromkeys("сϲς", "c"),
        **dict.fromkeys("ԁđ", "d"),
        **dict.fromkeys("еєεҽ", "e"),
        **dict.fromkeys("ɡ", "g"),
        **dict.fromkeys("һн", "h"),
        **dict.fromkeys("іїιɩ", "i"),
        **dict.fromkeys("ј", "j"),
        **dict.fromkeys("κк", "k"),
        **dict.fromkeys("łӏ", "l"),
        **dict.fromkeys("м", "m"),
        **dict.fromkeys("ηп", "n"),
        **dict.fromkeys("оοσօø", "o"),
        **dict.fromkeys("рρ", "p"),
        **dict.fromkeys("ԛ", "q"),
        **dict.fromkeys("г", "r"),
        **dict.fromkeys("ѕ", "s"),
        **dict.fromkeys("тτ", "t"),
        **dict.fromkeys("υս", "u"),
        **dict.fromkeys("νѵ", "v"),
        **dict.fromkeys("ԝω", "w"),
        **dict.fromkeys("хχ", "x"),
        **dict.fromkeys("уγү", "y"),
        **dict.fromkeys("ʐ", "z"),
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
    }
)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_LEET_DIGIT = re.compile("[013457]")  # without one, no word is leetspeak (a quick test first)
_LEET_WORD = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[013457])[a-z0-9]{2,}\b")
# Letters one by one with a separator: "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e".
_SPACED = re.compile(r"\b[a-z](?:[ .\-_*|]{1,2}[a-z]){3,}\b")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPES = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})")
_ENTITY = re.compile(r"&(?:#\d{2,7}|#x[0-9A-Fa-f]{2,6}|[A-Za-z]{2,8});")
_ROT13_HINT = re.compile(r"\brot-? ?13\b|\bcaesar\b|\brotate each letter\b")
_SPACE = re.compile(r"[^\S\n]+")


def fold(text: str) -> str:
    """The text as plain lower-case Latin: invisible characters out (tag characters read as
    the ASCII they spell), NFKC, look-alikes to Latin, accents off."""
    if text.isascii():  # most text: nothing to fold but the case and the spaces
        if text.isprintable() and "  " not in text:  # single spaces, no tab or newline
            return text.lower()
        return _SPACE.sub(" ", text.lower())
    text = _TAGS.sub(lambda m: "".join(chr(ord(c) - 0xE0000) for c in m.group()), text)
    text = _SELECTORS.sub("", strip_invisible(text))
    text = unicodedata.normalize("NFKC", text).lower().translate(_CONFUSABLES)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _SPACE.sub(" ", text)


def _printable(raw: bytes) -> str | None:
    """Decoded bytes when they are mostly readable text (a base64 run that is an image or a
    hash decodes to noise)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    readable = sum(c.isprintable() or c.isspace() for c in text)
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return text if text and readable / len(text) > 0.9 and words >= 2 else None


def _base64_runs(text: str) -> list[str]:
    if max(map(len, text.split()), default=0) < 16:  # a run is one word of 16 or more
        return []
    found = []
    for m in _BASE64.finditer(text):
        run = m.group()
        try:
            raw = base64.b64decode(run + "=" * (-len(run) % 4), validate=False)
        except (binascii.Error, ValueError):
            continue
        if (decoded := _printable(raw)) is not None:
            found.append(decoded)
    return found


def _decoded(text: str) -> list[str]:
    """Readings of the text with one layer of encoding undone, where there was one."""
    out = []
    if _ENTITY.search(text):
        out.append(html.unescape(text))
    if _PERCENT.search(text):
        out.append(unquote(text))
    if _ESCAPES.search(text):
        out.append(_ESCAPES.sub(lambda m: chr(int(m.group()[2:], 16)), text))
    out += _base64_runs(text)
    return out


def views(text: str, depth: int = 2) -> list[str]:
    """Every reading of a text the rules should see, the folded text first. Encodings are
    undone up to `depth` layers (base64 of %-encoded text is two)."""
    seen: list[str] = []

    def add(view: str) -> None:
        if view and view not in seen:
            seen.append(view)

    base = fold(text)
    add(base)
    add(_SPACED.sub(lambda m: re.sub(r"[ .\-_*|]", "", m.group()), base))
    if _LEET_DIGIT.search(base):
        add(_LEET_WORD.sub(lambda m: m.group().translate(_LEET), base))
    # A model decodes rot13 when told to; rules need the hint too (each hint holds one of the
    # two words looked for first).
    if ("rot" in base or "caesar" in base) and _ROT13_HINT.search(base):
        add(codecs.encode(base, "rot13"))
    layer = [text]
    for _ in range(depth):
        layer = [d for t in layer for d in _decoded(t)]
        for decoded in layer:
            add(fold(decoded))
    return seen
