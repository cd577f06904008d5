"""Next steps the debrief recommends beyond what was agreed in the call.

The call's own steps are what people said they would do. When the call shows a gap that no
step closes, the debrief adds the rep's step for it, marked as recommended so that it never
reaches the follow-up email or the CRM's next step as something the customer agreed.

Today one gap: the economic buyer came up in the call (named, or their conditions relayed by
someone else) but was not on it, has not met us, and no meeting with them is booked. The
conditions are second-hand until the person who signs says them; so the rep asks the person
who relayed them (the champion first) for time with the economic buyer. When the economic
buyer was on the call, nothing is added: asking to meet someone you just met reads as not
having listened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.analysis.model import EconomicBuyer
from agent.capabilities.post_call_analysis.contract import NextStep
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.reading.spans import sentence_spans

from .change import CallAnalyses, took_part
from .review import u_ref


def _words(eb: EconomicBuyer) -> list[str]:
    """How the call may refer to them: full name, each part of it, their title."""
    assert eb.name is not None
    parts = [w for w in eb.name.split() if len(w) > 2]
    return [eb.name, *parts, eb.title]


def _names(text: str, words: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE) for w in words if w)


def _on_call(t: Transcript, eb: EconomicBuyer) -> bool:
    if eb.contact_id and any(u.person_id == eb.contact_id for u in t.utterances):
        return True
    return took_part(t, eb.name or "")


def _their_words(t: Transcript, words: Sequence[str]) -> tuple[int, str] | None:
    """The first sentence a customer said that names them: what they want, in the call's words."""
    for u in t.utterances:
        if u.side != "customer":
            continue
        for start, end in sentence_spans(u.text):
            if _names(u.text[start:end], words[:-1]):  # by name, not only by title
                return u.index, u.text[start:end].strip()
    return None


def meet_the_economic_buyer(
    ctx: DealContext, t: Transcript, call: CallAnalyses, steps: Sequence[NextStep]
) -> list[NextStep]:
    """A recommended step to get time with an economic buyer the call discussed but who was
    not on it, has not met us and has no meeting booked; none when a step already reaches
    them."""
    eb = call.after.economic_buyer
    if eb is None or eb.name is None or eb.engaged or eb.scheduled or _on_call(t, eb):
        return []
    words = _words(eb)
    mentions = [u.index for u in t.utterances if _names(u.text, words)]
    if not mentions or any(_names(s.action, words) for s in steps):
        return []
    deal = ctx.deal
    spoke = {u.person_id for u in t.utterances if u.person_id}
    # through the champion on the call, else the customer who brought them up
    relayed = [u.person_id for u in t.utterances if u.index in mentions and u.side == "customer"]
    via = next(
        (c for c in deal.contacts if c.dmu_role == "champion" and c.id in spoke),
        next((c for c in deal.contacts if relayed and c.id == relayed[0]), None),
    )
    quoted = _their_words(t, words)
    action = f"Ask {via.name if via else 'the customer'} for a meeting with {eb.name} "
    action += f"({eb.title}), the economic buyer, who has not met us yet"
    if quoted is not None:
        action += f', and prepare it from what the call said of them: "{quoted[1]}"'
    else:
        action += ", so that what the call said about them is heard from them first-hand"
    cites = [u_ref(mentions[0])] + ([u_ref(quoted[0])] if quoted else [])
    cites += [c for c in eb.citations if c.startswith("deal.")]
    return [
        NextStep(
            action=action,
            owner_id=deal.owner.id,
            owner=deal.owner.name,
            customer_commitment="none",
            recommended=True,
            citations=list(dict.fromkeys(cites)),
        )
    ]
