"""How the agent writes values for people: percentages, money, hours, identifiers as words,
and excerpts cut at a word boundary. Shared by the capabilities and the templates."""

from __future__ import annotations

EXCERPT_CHARS = 200


def pct(value: float) -> str:
    return f"{round(value * 100)}%"


def chance(value: float | None) -> str:
    """A step's chance of working; a closed deal's own steps are not estimated."""
    return "not estimated" if value is None else pct(value)


def signed_pct(delta: float) -> str:
    points = round(delta * 100)
    return f"{'+' if points >= 0 else '−'}{abs(points)} points"


def money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def hours(value: float) -> str:
    return f"{value:g} h"


def human(token: str) -> str:
    return token.replace("_", " ")


def opening(text: str) -> str:
    """The text with a capital first letter, to stand as a sentence of its own (a detail
    written to follow a colon: "leaving: ..." -> "Leaving: ...")."""
    return text[:1].upper() + text[1:]


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Collapses whitespace and cuts at a word boundary, so no half-word reaches a reader."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:") + "…"
