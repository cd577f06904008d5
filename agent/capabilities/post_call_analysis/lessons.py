"""Lessons a call teaches for similar deals, in words that may travel to other deals.

A lesson is kept in the long-term store and shown in other deals' debriefs (other reps'
included), so it must not carry this deal's people, customer, figures, id or industry, nor
anyone else's: its people become their roles, the account "the customer", and then only known
safe words stay (agent/grounding/privacy.py): contact details become "[contact]", amounts
"[amount]", other numbers and ids "[n]", and any other word "[name]", in any language or case.
What remains is what a coach would say across deals: at which stage, which role took up or
waved away what, and how an objection went.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Collection, Sequence

from agent.analysis.model import Analysis
from agent.capabilities.post_call_analysis.contract import Lesson, MessageOutcome
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.formatting import human
from agent.grounding.privacy import anonymise

from .review import a, u_ref


def redactor(ctx: DealContext) -> Callable[[str], str]:
    """Replaces this deal's people with their roles and its account with "the customer"; built
    once per call, one pattern for every name (longest first, so full names win)."""
    deal = ctx.deal
    people = [(c.name, f"the {human(c.dmu_role)}") for c in deal.contacts]
    people += [(m.name, "our team") for m in [deal.owner, *deal.team]]
    swaps = {deal.account.name.lower(): "the customer", deal.id.lower(): "this deal"}
    swaps.update((name.lower(), role) for name, role in people)
    for name, role in people:  # first names before last names, as a name is more often one
        swaps.setdefault(name.split()[0].lower(), role)
    for name, role in people:
        swaps.setdefault(name.split()[-1].lower(), role)
    names = sorted((n for n in swaps if n), key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?:'s|’s)?(?!\w)", re.I
    )
    return lambda text: pattern.sub(lambda m: swaps[m.group(1).lower()], text)


def scrub(text: str, keep: Collection[str] = (), forbid: Collection[str] = ()) -> str:
    """Only safe words left, whoever the rest belong to (agent/grounding/privacy.py); `keep`
    lists words that may stay (the stage's name), `forbid` words that must go although they
    are ordinary (the account's industry)."""
    return anonymise(text, keep, forbid)


def industry_words(industry: str | None) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", (industry or "").lower()) if len(w) > 3}


def opaque(tenant: str, value: str) -> str:
    """A stable stand-in for a deal id or an industry in shared memory: lessons from one deal
    can be told apart and one industry matched, but neither read back."""
    digest = hashlib.sha256(f"{tenant}\x1f{value}".encode()).digest()[:12]
    return "".join(chr(ord("a") + b % 26) for b in digest)  # letters: never read as a figure


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
    forbid = industry_words(ctx.deal.account.industry) - {w.lower() for w in keep}
    redact = redactor(ctx)

    def lesson(text: str, citations: list[str]) -> Lesson:
        return Lesson(
            text=text,
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
        # Only the quote is free text: the rest is this module's words and the stage's name.
        quote = scrub(redact(msg.message), keep, forbid)
        out.append(lesson(f'In {analysis.stage}, the {role} {verb} this: "{quote}"', msg.citations))
    for o in m.objections:
        role = who.get(o.index, "customer")
        result = f"was met ({human(o.how)})" if o.handled else f"was {human(o.how)}"
        text = f"In {analysis.stage}, {a(human(o.category))} objection from the {role} {result}"
        out.append(lesson(text, [u_ref(o.index)]))
    return out
