"""What the competitive agent's summary says about a battle card: when it was last checked
("refreshed in January 2027") and from what ("from Helixor's published list prices").

A card without its own date or sources is judged by these: the date decides whether it is
stale, and a named source covers its figures (card_vetting.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from agent.capabilities.common.competitor_claims import same_competitor
from agent.contracts.context import DealContext
from agent.months import MONTH_NAME
from agent.reading.spans import sentences_of

_WHEN = (
    rf"(?P<date>\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}-\d{{2}}|\d{{1,2}} (?:{MONTH_NAME}) \d{{4}}|"
    rf"(?:{MONTH_NAME})(?: \d{{1,2}},?)? \d{{4}}|Q[1-4] \d{{4}})"
)
_VERIFIED = re.compile(
    r"\b(?:last )?(?:refreshed|updated|verified|reviewed|checked|revised|researched|compiled)"
    rf"(?: (?:in|on|as of|at))? {_WHEN}",
    re.I,
)
_ABOUT_A_CARD = re.compile(
    r"\b(?:battle ?cards?|cards?|intel(?:ligence)?|research|competitive file|profile)\b|"
    r"\blast (?:refreshed|updated|verified|reviewed|checked)\b",
    re.I,
)
_FROM = re.compile(r"\b(?:from|based on|per|using) (?P<source>[^;.]+?)(?=[;.]|$)", re.I)


def _parse_date(text: str) -> dt.date | None:
    """The first day the text can mean ('March 2024' is 2024-03-01): a card is judged by the
    earliest date it may have been checked on."""
    t = text.strip().replace(",", "")
    for fmt in ("%Y-%m-%d", "%Y-%m", "%d %B %Y", "%B %d %Y", "%B %Y"):
        try:
            return dt.datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    if (m := re.fullmatch(r"Q([1-4]) (\d{4})", t, re.I)) is not None:
        return dt.date(int(m.group(2)), 3 * int(m.group(1)) - 2, 1)
    return None


@dataclass(frozen=True)
class Stated:
    """What the competitive agent's prose says about a card: when it was checked, from what."""

    verified: dt.date | None
    verified_text: str | None
    source: str | None


def stated_in_summary(ctx: DealContext, name: str) -> Stated:
    """A card's date and source from the competitive summary: a sentence about a card (or the
    intelligence) that names this competitor, or names none of the cards' competitors."""
    summary = ctx.competitive.summary if ctx.competitive else None
    names = [c.competitor for c in ctx.competitive.battle_cards] if ctx.competitive else []
    for sentence in sentences_of(summary or ""):
        named = [n for n in names if re.search(rf"\b{re.escape(n)}\b", sentence, re.I)]
        if named and not any(same_competitor(n, name) for n in named):
            continue
        when = _VERIFIED.search(sentence)
        if when is None or not _ABOUT_A_CARD.search(sentence):
            continue
        src = _FROM.search(sentence, when.end())
        return Stated(
            _parse_date(when.group("date")),
            when.group("date"),
            src.group("source").strip() if src else None,
        )
    return Stated(None, None, None)
