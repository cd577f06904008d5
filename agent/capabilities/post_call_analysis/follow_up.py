"""The follow-up email after a call: what we heard (the customer's own words), what was agreed
(owner and date), what we propose that they have not yet agreed, and the questions still open
(the methodology guide's question only, never our assessment of them). Nothing in it is new:
every line comes from the transcript, the deal record or the methodology guide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from agent.analysis.conversation import elements_in
from agent.capabilities.post_call_analysis.contract import FollowUpEmail, NextStep
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.contracts.meeting_prep import Point
from agent.reading.patterns import find_objection, is_frustration, sentences

from .review import u_ref

# What the customer told us that is worth repeating back: criteria, process and pain, in their
# words. Their figures are not repeated: a number quoted back in an email reads as a concession.
HEARD = ("decision_criteria", "decision_process", "identify_pain")
MAX_HEARD = 3
MAX_OPEN = 2


def _sentence(text: str, element: str) -> str | None:
    """The sentence of a turn that carries the element, so the email quotes the point; never
    a complaint or an objection, which an email should answer, not quote back."""
    return next(
        (
            s
            for s in sentences(text)
            if element in elements_in(s) and not is_frustration(s) and not find_objection(s)
        ),
        None,
    )


def _by(step: NextStep) -> str:
    return f" (by {step.due.isoformat()})" if step.due else ""


def _address(name: str, email: str | None) -> str:
    return f"{name} <{email}>" if email else name


def _names(names: Sequence[str]) -> str:
    firsts = [n.split()[0] for n in names]
    return ", ".join(firsts[:-1]) + f" and {firsts[-1]}" if len(firsts) > 1 else "".join(firsts)


def follow_up_email(
    ctx: DealContext,
    t: Transcript,
    m: ConversationMetrics,
    steps: Sequence[NextStep],
    open_questions: Sequence[Point],
    on: dt.date,
) -> FollowUpEmail:
    deal = ctx.deal
    spoke = {u.person_id for u in t.utterances if u.person_id}
    customers = [c for c in deal.contacts if c.id in spoke]
    sellers = [p for p in [*deal.team, deal.owner] if p.id in spoke and p.id != deal.owner.id]
    by_index = {u.index: u for u in t.utterances}
    heard: dict[int, str] = {}
    for element in HEARD:
        ev = next((e for e in m.methodology if e.element == element), None)
        for i in ev.indices if ev else []:
            said = _sentence(by_index[i].text, element)
            if by_index[i].side == "customer" and i not in heard and said:
                heard[i] = said
                break
    quoted = sorted(heard)[:MAX_HEARD]
    lines = [f"Hi {_names([c.name for c in customers]) or 'all'},", ""]
    lines.append(
        f"Thank you for your time on {on.isoformat()}. A short recap, so we are all working "
        "from the same list."
    )
    if quoted:
        lines += ["", "What we heard:"]
        lines += [f'- "{heard[i]}" ({by_index[i].speaker})' for i in quoted]
    agreed = [s for s in steps if s.customer_commitment == "confirmed"]
    proposed = [s for s in steps if s.customer_commitment == "none"]  # hedged: not in writing
    for title, group in (("Agreed next steps:", agreed), ("Proposed next steps:", proposed)):
        if group:
            lines += ["", title]
            lines += [f"- {s.owner}: {s.action}" + _by(s) for s in group]
    asks = [(q, ask) for q in open_questions if (ask := q.text.partition("Ask: ")[2])]
    if asks:
        lines += ["", "Questions we would like to understand better:"]
        lines += [f"- {ask}" for _, ask in asks[:MAX_OPEN]]
    lines += ["", "Best regards,", deal.owner.name]
    cites = [u_ref(i) for i in quoted] + [c for s in [*agreed, *proposed] for c in s.citations]
    cites += [c for q, _ in asks[:MAX_OPEN] for c in q.citations]
    return FollowUpEmail(
        to=[_address(c.name, c.email) for c in customers],
        cc=[p.name for p in sellers],
        subject=f"{deal.account.name}: recap of our {on.isoformat()} call and next steps",
        body="\n".join(lines),
        citations=list(dict.fromkeys(cites)),
    )
