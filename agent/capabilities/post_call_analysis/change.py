"""Before and after the call: the deal analysed without this call and with it, and what the
call's words add to the record that the rules can read (people named, buying constraints).

"Before" is the record as it stood: the call not logged and its transcript unread. "After" is
the record with the call logged and its transcript read. Both are computed here in the same way
(same date, same default stage model, same competitor names), so the only difference between
them is the call itself: a freeze or a review the customer reveals lowers the estimate, and a
probability never rises merely because the two were computed differently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic_core import to_json

from agent.analysis.analyze import analyze_deal
from agent.analysis.model import Analysis
from agent.analysis.probability import estimate_win_probability
from agent.analysis.stage import ProcessInView
from agent.capabilities.post_call_analysis.contract import NewInformation, ProbabilityChange
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.deal_patch import DealPatch
from agent.contracts.facts import Fact
from agent.formatting import human
from agent.grounding.citations import resolves
from agent.memo import PerObject
from agent.reading.constraint_details import REPLY_WINDOW
from agent.reading.dates import weeks_in
from agent.reading.read import read_deal
from knowledge.documents import KB_PREFIX

from .dates import lifts
from .record import patched_context
from .review import u_ref

_UTTERANCE = re.compile(r"^transcript\.utterances\[(\d+)\]")


@dataclass(frozen=True)
class CallAnalyses:
    """The deal without this call and with it, each with the context it was computed on."""

    before_ctx: DealContext
    before: Analysis
    after_ctx: DealContext
    after: Analysis


def analyse_call(
    ctx: DealContext,
    patch: DealPatch,
    t: Transcript,
    as_of: dt.date,
    on: dt.date,
    competitors: Sequence[str] = (),
    default_process: ProcessInView | None = None,
) -> CallAnalyses:
    """The call analysed on `ctx` with `patch` (the proposed update) applied, both sides on
    the same day, the later of today and the call's date. Kept per context object and call: the
    two sides read the whole record, which on a deal of thousands of activities takes seconds,
    and the same call about an unchanged deal gives the same sides. The record without the call
    is one object per context, so its reading is kept with it whatever call comes next."""
    process = default_process and (default_process.doc_id, default_process.standard)
    key = (digest(patch), digest(t), as_of, on, tuple(competitors), digest(process))

    def sides() -> CallAnalyses:
        day = max(as_of, on)
        before_ctx = _BEFORE.get(ctx, None, lambda: ctx.model_copy(update={"transcript": None}))
        after_ctx = patched_context(ctx, patch).model_copy(update={"transcript": t})
        before, after = (
            analyze_deal(c, day, read_deal(c, day, competitors, on), default_process)
            for c in (before_ctx, after_ctx)
        )
        return CallAnalyses(before_ctx, before, after_ctx, after)

    return _CALLS.get(ctx, key, sides)


_CALLS: PerObject[CallAnalyses] = PerObject(maxsize=16)
_BEFORE: PerObject[DealContext] = PerObject(maxsize=16)


def digest(value: object) -> bytes:
    """A short fingerprint of a model (or a pair holding one) by its JSON."""
    return hashlib.blake2b(to_json(value), digest_size=16).digest()


def probability_change(ctx: DealContext, call: CallAnalyses) -> ProbabilityChange:
    """The shared win-probability model on the deal without the call and with it; `ctx` is the
    input the debrief answers, the only thing its citations may point into."""
    before = estimate_win_probability(call.before_ctx, call.before)
    after = estimate_win_probability(call.after_ctx, call.after)
    fired_before = {s.id for s in call.before.signals}
    fired_after = {s.id for s in call.after.signals}
    resolved = sorted(fired_before - fired_after)
    added = sorted(fired_after - fired_before)
    moves = []
    if resolved:
        moves.append(f"no longer fires: {', '.join(human(s) for s in resolved)}")
    if added:
        moves.append(f"now fires: {', '.join(human(s) for s in added)}")
    detail = (
        f"Win probability {round(before.value * 100)}% before the call, "
        f"{round(after.value * 100)}% with the call recorded"
        + (f" ({'; '.join(moves)})" if moves else " (no risk signal changed)")
    )
    # A signal the call adds may cite what only the patched record holds (the competitor the
    # call named is deal.competitors[0] there): cite only what the input the debrief answers has.
    cites = [
        c
        for s in call.after.signals
        if s.id in added
        for c in s.citations
        if c.startswith(KB_PREFIX) or resolves(ctx, c)
    ]
    cites += [c for s in call.before.signals if s.id in resolved for c in s.citations]
    return ProbabilityChange(
        before=before.value,
        after=after.value,
        delta=round(after.value - before.value, 3),
        risks_resolved=resolved,
        risks_added=added,
        detail=detail,
        citations=list(dict.fromkeys(cites))[:8],
    )


def said_in_call(fact: Fact) -> int | None:
    """The utterance a fact was read from, when it was read from the call."""
    m = _UTTERANCE.match(fact.ref)
    return int(m.group(1)) if m else None


def _tokens(name: str) -> set[str]:
    return {w.lower().strip(".,") for w in name.split() if len(w) > 1}


def took_part(t: Transcript, name: str) -> bool:
    """Someone of that name spoke in the call (both names when the speaker label has two)."""
    wanted = _tokens(name)
    labels = [s.name or s.speaker for s in t.speakers] or [u.speaker for u in t.utterances]
    return any(len(wanted & _tokens(label)) >= min(2, len(wanted)) for label in labels)


def people_named(t: Transcript, call: CallAnalyses) -> list[NewInformation]:
    """People the customer named in the call who are neither contacts nor on the call: the
    buying group is bigger than the record says (a COO who wants the business case, a board
    the decision goes to). Someone the record's text already named is reported as confirmed."""
    earlier = {m.name.lower(): m for m in call.before.mentioned if m.name}
    out: list[NewInformation] = []
    seen: set[str] = set()
    for fact in call.after.reading.of("person"):
        i = said_in_call(fact)
        if i is None or fact.person is None or fact.contact_id is not None or fact.hedged:
            continue
        said = t.utterances[i]
        if said.side == "seller" or fact.person.lower() in seen:
            continue
        if took_part(t, fact.person):
            continue  # an unmapped speaker, reported as such
        seen.add(fact.person.lower())
        known = earlier.get(fact.person.lower())
        role = f"; the words make them a likely {human(fact.role)}" if fact.role else ""
        out.append(
            NewInformation(
                kind="new_person",
                compared_with_record="confirms" if known else "new",
                detail=f"{fact.person} ({fact.title}) was named by {said.speaker} but is not a "
                f'contact and was not on the call{role}: "{fact.quote}"'
                + ("; the record's notes name them too" if known else ""),
                citations=[u_ref(i)] + ([known.ref] if known else []),
            )
        )
    return out


def constraints_heard(
    ctx: DealContext, call: CallAnalyses, on: dt.date, t: Transcript
) -> list[NewInformation]:
    """Buying constraints the call revealed (a freeze, a review, a committee), with how long
    they hold and whether that runs past the expected close: a hard constraint is news the
    record must carry, however warm the call felt. One per kind; a kind the record already
    holds is reported as confirmed."""
    known = {f.constraint for f in call.before.reading.of("constraint")}
    close = ctx.deal.expected_close
    out: list[NewInformation] = []
    seen: set[str] = set()
    for fact in call.after.reading.of("constraint"):
        i = said_in_call(fact)
        kind = fact.constraint
        if i is None or kind is None or kind in seen:
            continue
        if kind == "legal_review" and fact.weeks is None:
            continue  # every deal has a contract review; only a timed one is a constraint
        seen.add(kind)
        parts = [f'{human(kind).capitalize()}: "{fact.quote}"']
        cites = [u_ref(i)]
        if fact.weeks is not None and weeks_in(fact.quote) is None:  # said in a later line
            told = next(
                (
                    k
                    for k in range(i + 1, min(len(t.utterances), i + 1 + REPLY_WINDOW))
                    if weeks_in(t.utterances[k].text) == fact.weeks
                ),
                None,
            )
            cites += [u_ref(told)] if told is not None else []
        if fact.weeks is not None:
            low, high = fact.weeks
            parts.append(f"it takes {low:g}-{high:g} weeks" if low != high else f"{low:g} weeks")
        if (end := lifts(fact, on)) is not None:  # a date worked out, not said: not quoted
            parts.append(
                f"it lifts after the expected close ({close.isoformat()})"
                if end > close
                else f"it lifts before the expected close ({close.isoformat()})"
            )
        out.append(
            NewInformation(
                kind="buying_constraint",
                compared_with_record="confirms" if kind in known else "new",
                detail="; ".join(parts),
                citations=cites,
            )
        )
    return out
