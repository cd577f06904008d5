"""Competitor figures heard in a deal's free text (a note, an activity summary, a call): each is
a claim to verify, attributed to where it was written and never restated as fact; one the text
says comes from a document (a written quote, a signed statement of work) is quoted with it.
Split from competition.py, which shows these claims beside the battle cards."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.contracts.context import DealContext
from agent.contracts.facts import Fact, Reading
from agent.formatting import shorten
from agent.reading.competitors import Competitors
from agent.reading.read import competitors_of, rival_comparisons
from agent.reading.refs import record_item
from agent.reading.texts import Text, about_the_deal, free_text_at, free_texts
from knowledge.sections import flag_token

QUOTE_CHARS = 220
TOPIC = {"price": "price", "speed": "time to go live", "scope": "scope"}
# How to turn a claim heard second-hand into something to compare, by what it is about.
VERIFY = {
    "price": "ask for their written quote, for which scope, term and users, and compare like "
    "for like",
    "time to go live": "ask for their plan in writing (which scope, who implements it, what "
    "counts as live) and compare like for like",
    "scope": "ask to see what is included in writing and compare like for like",
    "offer": "ask for it in writing and compare like for like",
}


@dataclass(frozen=True)
class Claim:
    """A competitor figure read in free text: a claim to verify, or a documented one."""

    competitor: str | None
    text: str
    refs: tuple[str, ...]  # every text that repeats it, first the one quoted
    documented: bool


def same_competitor(a: str, b: str) -> bool:
    return flag_token(a) == flag_token(b)


# A figure the text says is in a document the customer or a competitor put in writing.
_DOCUMENTED = re.compile(
    r"\b(?:written (?:quote|proposal|offer)|signed|statement of work|SOW|price list|"
    r"published|order form|contract|formal (?:quote|proposal|offer))\b",
    re.I,
)
# Words that make any figure hearsay, whatever else the text says.
_HEARSAY = re.compile(
    r"\b(?:heard|hearsay|rumou?rs?|apparently|allegedly|hallway|corridor|conference|"
    r"told (?:me|us)|not confirmed|unconfirmed|unverified|nothing in writing|not in writing|"
    r"verbal(?:ly)?|second-hand|word of mouth)\b",
    re.I,
)


def _where(ref: str, ctx: DealContext) -> str:
    """Where a text sits, in words a rep recognises."""
    if (item := record_item(ref)) is not None and item.kind == "notes":
        return f"a note of {ctx.deal.notes[item.at].date.isoformat()}"
    if item is not None:
        a = ctx.deal.activities[item.at]
        return f"the {a.date.isoformat()} {a.type} summary"
    if ref.startswith("transcript."):
        return "the call transcript"
    return ref.split(".", 1)[0] + "'s notes" if "." in ref else ref


def claims_in(ctx: DealContext, reading: Reading | None, name: str | None = None) -> list[Claim]:
    """Competitor figures read in the deal's free text, about `name` (or about any competitor
    when none is given), one claim per competitor, topic and figure however often the record
    repeats it; a claim with no figure is left to the signals."""
    facts = reading.of("comparison") if reading is not None else _read(ctx)
    if not any(f.figure for f in facts):
        return []
    texts = free_text_at(ctx)
    sole = ctx.deal.competitors[0] if len(ctx.deal.competitors) == 1 else None
    heard: dict[tuple[str, str, str], list[Fact]] = {}
    for f in facts:
        who = f.competitor or sole
        if not f.figure or (name is not None and (who is None or not same_competitor(who, name))):
            continue
        key = (flag_token(who or ""), f.claim or "", f.figure.lower())
        heard.setdefault(key, []).append(f)
    out = []
    for same in heard.values():
        documented = next((f for f in same if _documented(texts.get(f.ref, f.quote))), None)
        first = documented or same[0]
        refs = tuple(dict.fromkeys([first.ref, *(f.ref for f in same)]))
        out.append(_claim(first, first.competitor or sole, refs, documented is not None, ctx))
    return out


# "has not seen a written quote", "no signed offer yet": the document is what is missing.
_NEGATED = re.compile(r"(?:\b(?:not|never|no|without|nor)\b|n't\b)[^.;,]{0,30}$", re.I)


def _documented(whole: str) -> bool:
    """The text a figure sits in cites a document on record (one it does not say is
    missing), not hearsay."""
    cited = [m for m in _DOCUMENTED.finditer(whole) if not _NEGATED.search(whole[: m.start()])]
    return bool(cited) and not _HEARSAY.search(whole)


def _claim(
    f: Fact, who: str | None, refs: tuple[str, ...], documented: bool, ctx: DealContext
) -> Claim:
    topic = TOPIC.get(f.claim or "", "offer")
    rival = who or "a competitor"
    quote = shorten(f.quote, QUOTE_CHARS).rstrip(".")
    where = _where(f.ref, ctx) + (" and elsewhere in the record" if len(refs) > 1 else "")
    if documented:
        text = (
            f'{rival}\'s {topic} from a document on record ({where}): "{quote}". Compare it '
            "like for like: the same scope, term, users and services"
        )
    else:
        text = (
            f"Unverified claim about {rival}'s {topic}: {f.figure} is only in {where} "
            f'("{quote}"), so treat it as a claim to verify, not a fact: {VERIFY[topic]}'
        )
    return Claim(competitor=who, text=text, refs=refs, documented=documented)


def _read(ctx: DealContext) -> list[Fact]:
    """Comparisons read straight from the deal, for callers without an analysis."""
    rivals = Competitors.of(competitors_of(ctx))
    texts: list[Text] = [t for t in free_texts(ctx) if about_the_deal(t)]
    return [f for t in texts for f in rival_comparisons(t.ref, t.text, rivals)]
