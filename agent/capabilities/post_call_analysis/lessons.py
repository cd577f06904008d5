"""Lessons a call teaches for similar deals, in words that may travel to other deals.

A lesson is kept in the long-term store and shown in other deals' debriefs, so it must not
carry this deal's people, customer or figures, nor anyone else's: its people become their roles,
the account "the customer", amounts "[amount]", any other number "[n]" and any other proper
name "[name]" (a capitalised word that does not start a sentence or a quote). What remains is
what a coach would say across deals: at which stage, which role took up or waved away what,
and how an objection went.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence

from agent.analysis.model import Analysis
from agent.capabilities.post_call_analysis.contract import Lesson, MessageOutcome
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.formatting import human
from agent.grounding.vocabulary import ordinary_words

from .review import a, u_ref

_FIGURES = re.compile(r"[$€£]\s?\d[\d,.]*\s?(?:k|m|million|bn)?\b|\b\d[\d,.]*\s?%", re.I)
_NUMBER = re.compile(r"\b\d[\d,.:]*\b")
_CAPITAL = re.compile(r"[A-Z][\w'’-]*")
_NAMES_RUN = re.compile(r"\[name\](?:\s+\[name\])+")
_OPENERS = '.!?:"“(['


def redactor(ctx: DealContext) -> Callable[[str], str]:
    """Replaces this deal's people with their roles and its account with "the customer"; built
    once per call, one pattern for every name (longest first, so full names win)."""
    deal = ctx.deal
    people = [(c.name, f"the {human(c.dmu_role)}") for c in deal.contacts]
    people += [(m.name, "our team") for m in [deal.owner, *deal.team]]
    swaps = dict([(deal.account.name, "the customer"), *people])
    for name, role in people:  # first names before last names, as a name is more often one
        swaps.setdefault(name.split()[0], role)
    for name, role in people:
        swaps.setdefault(name.split()[-1], role)
    names = sorted(swaps, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:'s)?\b")
    return lambda text: pattern.sub(lambda m: swaps[m.group(1)], text)


def scrub(text: str, keep: Collection[str] = ()) -> str:
    """Amounts, numbers and proper names out, whoever they belong to; `keep` lists words that
    may stay (the stage's name). A capitalised word that starts a sentence stays only when it
    is an ordinary word, one the shipped knowledge writes in lower case ("Thanks", "Our")."""
    text = _NUMBER.sub("[n]", _FIGURES.sub("[amount]", text))
    ordinary = ordinary_words()
    parts, last = [], 0
    for m in _CAPITAL.finditer(text):
        before = text[: m.start()].rstrip()
        starts = not before or before[-1] in _OPENERS
        word = m.group()
        if word in keep or word == "I" or (starts and word.lower() in ordinary):
            continue
        parts += [text[last : m.start()], "[name]"]
        last = m.end()
    return _NAMES_RUN.sub("[name]", "".join([*parts, text[last:]]))


def stage_words(stage: str) -> set[str]:
    return set(stage.split())


def lessons(
    ctx: DealContext,
    analysis: Analysis,
    t: Transcript,
    m: ConversationMetrics,
    messages: Sequence[MessageOutcome],
    on: dt.date,
) -> list[Lesson]:
    roles = {c.id: human(c.dmu_role) for c in ctx.deal.contacts}
    who = {u.index: roles.get(u.person_id or "", "customer") for u in t.utterances}
    keep = stage_words(analysis.stage)
    redact = redactor(ctx)

    def lesson(text: str, citations: list[str]) -> Lesson:
        return Lesson(
            text=scrub(redact(text), keep),
            deal_id=ctx.deal.id,
            stage=analysis.stage,
            industry=ctx.deal.account.industry,
            learned_on=on,
            citations=citations,
        )

    out = []
    for msg in messages:
        reply = msg.citations[-1]
        role = who.get(int(reply.split("[")[1].rstrip("]")), "customer")
        verb = "took up" if msg.landed else "waved away"
        out.append(
            lesson(f'In {analysis.stage}, the {role} {verb} this: "{msg.message}"', msg.citations)
        )
    for o in m.objections:
        role = who.get(o.index, "customer")
        result = f"was met ({human(o.how)})" if o.handled else f"was {human(o.how)}"
        text = f"In {analysis.stage}, {a(human(o.category))} objection from the {role} {result}"
        out.append(lesson(text, [u_ref(o.index)]))
    return out
