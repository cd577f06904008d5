"""Elements scored from behaviour in the deal's text, as each method defines them.

A role tag, a dated next step or our own value case is not what these elements ask for:
MEDDICC's Champion is tested (access to power, inside information, selling for us), Challenger
finds Mobilizers by what they get others to do, SPIN's Need-payoff is the buyer's own statement of
the benefit, Sandler's Up-Front Contract is an agreed agenda, time and outcomes for a meeting and
its Pain reaches the buyer personally, and Challenger's Take Control is leading the process and
holding value under pressure. The phrase rules live in agent/reading (behaviour, buyer_words,
agreements); this module turns what they found into a status, the quoted words and their paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.analysis.model import Analysis, Evidence
from agent.capabilities.methodology_coaching.contract import ElementStatus
from agent.contracts.context import DealContext
from agent.formatting import human, money, shorten
from agent.memo import PerObject
from agent.reading.actors import SELLER, Cue, deal_text
from agent.reading.agreements import (
    Threshold,
    UpFrontContract,
    read_negotiation,
    read_thresholds,
    read_upfront_contracts,
)
from agent.reading.behaviour import read_behaviour
from agent.reading.buyer_words import read_buyer_words
from agent.reading.fields import Recorded, read_fields
from agent.reading.stated import Stated, read_stated

QUOTE_CHARS = 170
CHAMPION_TESTS = {
    "access": "arranged access to power",
    "inside_info": "shared inside information",
    "advocacy": "sold for us inside the account",
}
FAILED_TESTS = {
    "access": "no access to power",
    "inside_info": "no inside information",
    "advocacy": "not selling for us",
}
MOBILIZING = ("mobilizing", "advocacy", "access")


@dataclass(frozen=True)
class Finding:
    status: ElementStatus
    detail: str
    citations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Read:
    """What the deal's text shows, read once per request."""

    behaviour: list[Cue]
    words: list[Cue]
    negotiation: list[Cue]
    contracts: list[UpFrontContract]
    thresholds: list[Threshold]
    fields: list[Recorded]
    stated: list[Stated]


_READS: PerObject[Read] = PerObject()


def read_text(ctx: DealContext) -> Read:
    """Read once per context object (agent/memo.py): the phrase rules over every text of the
    deal are most of a warm methodology request."""
    return _READS.get(ctx, None, lambda: _read_text(ctx))


def _read_text(ctx: DealContext) -> Read:
    shared = deal_text(ctx)
    return Read(
        read_behaviour(ctx, shared),
        read_buyer_words(ctx, shared),
        read_negotiation(ctx, shared),
        read_upfront_contracts(ctx, shared),
        read_thresholds(ctx, shared),
        read_fields(ctx, shared),
        read_stated(ctx, shared),
    )


def quoted(cue: Cue | str) -> str:
    return f'"{shorten(cue if isinstance(cue, str) else cue.quote, QUOTE_CHARS)}"'


def quotes(cues: list[Cue], limit: int = 3) -> str:
    """Each sentence once, however many cues it holds."""
    return "; ".join(quoted(q) for q in list(dict.fromkeys(c.quote for c in cues))[:limit])


def labelled(items: list[tuple[str, Cue]]) -> str:
    """'label and label: "sentence"', one entry per sentence."""
    by_quote: dict[str, list[str]] = {}
    for label, cue in items:
        by_quote.setdefault(cue.quote, []).append(label)
    return "; ".join(f"{' and '.join(labels)}: {quoted(q)}" for q, labels in by_quote.items())


def _refs(cues: list[Cue]) -> list[str]:
    return list(dict.fromkeys(c.ref for c in cues))


def _name(ctx: DealContext, who: str | None) -> str:
    contact = next((c for c in ctx.deal.contacts if c.id == who), None)
    return f"{contact.name} ({contact.title})" if contact else "the customer"


def _role(ctx: DealContext, who: str | None) -> str:
    return next((c.dmu_role for c in ctx.deal.contacts if c.id == who), "unknown")


def _tagged(ctx: DealContext, role: str) -> list[str]:
    return [c.id for c in ctx.deal.contacts if c.dmu_role == role]


def _by_person(cues: list[Cue], kinds: tuple[str, ...]) -> dict[str, list[Cue]]:
    people: dict[str, list[Cue]] = {}
    for c in cues:
        if c.kind in kinds and c.who not in (None, SELLER, "customer"):
            people.setdefault(str(c.who), []).append(c)
    return people


def champion(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Tested by behaviour: two of the three tests passed is a champion, whatever the tag; one
    is partial; a tag with failed tests is a gap, a tag with no test either way is partial."""
    people = _by_person(read.behaviour, tuple(CHAMPION_TESTS))
    tagged = _tagged(ctx, "champion")

    def passed(who: str) -> dict[str, Cue]:
        return {c.kind: c for c in reversed(people.get(who, [])) if c.done}

    ranked = sorted(people, key=lambda w: (-len(passed(w)), w not in tagged))
    best = ranked[0] if ranked and passed(ranked[0]) else None
    if best is not None:
        shown = passed(best)
        tests = labelled([(CHAMPION_TESTS[k], c) for k, c in shown.items()])
        cites = _refs(list(shown.values()))
        if len(shown) >= 2:
            detail = f"{_name(ctx, best)} passes the champion tests by behaviour: {tests}"
            if _role(ctx, best) != "champion":
                detail += f"; the record tags them {human(_role(ctx, best))}: update the role"
            return Finding("supported", detail, cites)
        untested = [v for k, v in CHAMPION_TESTS.items() if k not in shown]
        detail = f"{_name(ctx, best)} passes one champion test ({tests}); not yet shown: "
        return Finding("partial", detail + " or ".join(untested), cites)
    if tagged:
        failed = list(
            {(c.kind, c.quote): c for c in people.get(tagged[0], []) if not c.done}.values()
        )
        if failed:
            tests = labelled([(FAILED_TESTS[c.kind], c) for c in failed[:3]])
            detail = f"{_name(ctx, tagged[0])} is tagged champion but fails the tests: {tests}"
            return Finding("gap", detail, _refs(failed))
        detail = (
            f"{_name(ctx, tagged[0])} is tagged champion, untested: nothing in the record shows "
            "access to power, inside information or selling for us"
        )
        return Finding("partial", detail, [_contact_ref(ctx, tagged[0])])
    return Finding(
        "gap",
        "no contact is tagged champion and nobody in the record shows access to power, "
        "inside information or selling for us",
    )


def _contact_ref(ctx: DealContext, who: str) -> str:
    return next(f"deal.contacts[{i}]" for i, c in enumerate(ctx.deal.contacts) if c.id == who)


def mobilizer(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Found by behaviour, not title: two behaviours that move others (convening, taking the case
    to leadership, challenging resisters, arranging the signer) make a Mobilizer; one is partial."""
    people = _by_person(read.behaviour, MOBILIZING)
    done = {w: [c for c in cues if c.done] for w, cues in people.items()}
    ranked = sorted(done, key=lambda w: -len(done[w]))
    tagged = [t for t in _tagged(ctx, "champion") if not done.get(t)]
    talker = (
        f"; {_name(ctx, tagged[0])}, tagged champion, shows no such behaviour" if tagged else ""
    )
    if ranked and done[ranked[0]]:
        best, shown = ranked[0], done[ranked[0]]
        said = quotes(shown)
        if len(shown) >= 2:
            detail = f"{_name(ctx, best)} behaves as a Mobilizer, whatever the title: {said}"
            return Finding("supported", detail + talker, _refs(shown))
        detail = f"{_name(ctx, best)} shows one Mobilizer behaviour: {said}; test whether they "
        return Finding("partial", detail + "can get a group to act" + talker, _refs(shown))
    refs = [_contact_ref(ctx, tagged[0])] if tagged else []
    detail = (
        "nobody in the record is seen getting others to act (convening colleagues, taking the "
        "case to leadership, challenging resisters)"
    )
    return Finding("gap", detail + talker, refs)


def need_payoff(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """The buyer's own statement of the benefit; a value case they validated is partial; the
    rep's claim of the benefit is not theirs."""
    stated = [c for c in read.words if c.kind == "stated_value" and c.done and c.who != SELLER]
    if stated:
        detail = f"{_name(ctx, stated[0].who)} stated the payoff in their own words: "
        return Finding("supported", detail + quotes(stated, 2), _refs(stated))
    validated = ev["value_case_validated"]
    if validated.met:
        detail = (
            "the customer validated our value case, but no payoff in the buyer's own words is "
            "recorded"
        )
        return Finding("partial", detail, validated.citations)
    seller = [c for c in read.words if c.kind == "value_by_seller"]
    hedged = [c for c in read.words if c.kind == "stated_value" and not c.done]
    detail = "no payoff stated by the buyer in the record"
    if seller:
        detail += f"; the benefit was stated by the seller, not the buyer: {quoted(seller[0])}"
    if hedged:
        detail += f"; the buyer only hedged: {quoted(hedged[0])}"
    return Finding("gap", detail, _refs(seller[:1] + hedged[:1]))


def upfront_contract(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """An agreed purpose, time, agenda and outcomes ('no' included) for a meeting: agreement and
    outcomes with a time or an agenda is supported; some of it is partial; a date is not one."""
    deal = ctx.deal

    def rank(u: UpFrontContract) -> int:
        return len(u.parts) + 2 * ("agreed" in u.parts) + 2 * ("outcome" in u.parts)

    for u in sorted(read.contracts, key=rank, reverse=True):
        have = set(u.parts)
        quotes = "; ".join(quoted(q) for q in u.quotes[:3])
        if {"agreed", "outcome"} <= have and have & {"time", "agenda"}:
            detail = f"an up-front contract is recorded ({', '.join(sorted(have))}): {quotes}"
            return Finding("supported", detail, [u.ref])
        if ("agreed" in have and len(have) >= 2) or len(have - {"agreed"}) >= 2:
            lacking = [p for p in ("agreed", "time", "agenda", "outcome") if p not in have]
            detail = (
                f"part of an up-front contract ({', '.join(sorted(have))}), without "
                f"{', '.join(lacking)}: {quotes}"
            )
            return Finding("partial", detail, [u.ref])
    if deal.next_step:
        when = f" ({deal.next_step_date})" if deal.next_step_date else ""
        detail = (
            f"only a next step on the calendar: {deal.next_step}{when}; nothing records an agreed "
            "purpose, time, agenda or outcomes (no included) for it"
        )
        return Finding("gap", detail, ["deal.next_step"])
    return Finding("gap", "no meeting has an agreed purpose, time, agenda or outcomes on record")


def personal_pain(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Business pain and what it costs the buyer personally: the personal level is supported
    (it is reached through the business problem), business pain alone is partial."""
    personal = [c for c in read.words if c.kind == "personal_pain" and c.done]
    business = ev["pain_confirmed"]
    if personal:
        detail = f"what it costs {_name(ctx, personal[0].who)} personally: "
        detail += quotes(personal, 2)
        extra = business.citations if business.met else []
        return Finding("supported", detail, [*_refs(personal), *extra])
    if business.met:
        detail = f"business pain only ({business.detail}); nothing records what it costs the buyer "
        return Finding("partial", detail + "personally", business.citations)
    if business.met is None:
        return Finding("unknown", business.detail, business.citations)
    return Finding("gap", business.detail, business.citations)


def take_control(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Leading the process (a mutual plan, steps we proposed and they adopted) and holding value
    under pressure (trade, don't give). A concession given for nothing is a gap, whatever else."""
    cues = read.negotiation
    given = [c for c in cues if c.kind == "given"]
    held = [c for c in cues if c.kind in ("traded", "held", "reanchored") and c.done]
    unanchored = [c for c in cues if c.kind == "reanchored" and not c.done]
    led = [c for c in cues if c.kind == "led"]
    customer_led = [c for c in cues if c.kind == "customer_led"]
    plan = ev["mutual_action_plan_agreed"]
    if given:
        detail = f"a concession given for nothing in return: {quoted(given[0])}"
        if customer_led:
            detail += f"; the customer set the process: {quoted(customer_led[0])}"
        return Finding("gap", detail, _refs(given[:1] + unanchored[:1] + customer_led[:1]))
    leads = bool(plan.met or led)
    parts, cites = [], []
    if held:
        parts.append(f"held value under pressure: {quotes(held, 2)}")
        cites += _refs(held[:2])
    if leads:
        parts.append(f"leads the process: {quoted(led[0]) if led else plan.detail}")
        cites += _refs(led[:1]) or plan.citations
    elif customer_led:
        parts.append(f"the customer set the process: {quoted(customer_led[0])}")
        cites += _refs(customer_led[:1])
    else:
        parts.append(plan.detail)
        cites += plan.citations
    status: ElementStatus = (
        "supported" if held and leads else ("partial" if held or leads else "gap")
    )
    return Finding(status, "; ".join(parts), cites)


def outcomes(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Outcomes the customer wants, in their words or in a value case they validated; our value
    case shared but not confirmed is partial."""
    stated = [c for c in read.words if c.kind == "stated_value" and c.done and c.who != SELLER]
    if stated:
        detail = f"{_name(ctx, stated[0].who)} stated the outcome: {quoted(stated[0])}"
        return Finding("supported", detail, _refs(stated[:1]))
    shared, validated = ev["value_case_shared"], ev["value_case_validated"]
    if validated.met:
        return Finding("supported", validated.detail, validated.citations)
    if shared.met:
        detail = f"{shared.detail}: our case, not yet outcomes the customer confirmed"
        return Finding("partial", detail, shared.citations)
    if shared.met is None:
        return Finding("unknown", shared.detail, shared.citations)
    return Finding("gap", shared.detail, shared.citations)


def competition(ctx: DealContext, a: Analysis, ev: dict[str, Evidence], read: Read) -> Finding:
    """Known from the competitive agent; named alternatives alone are partial."""
    found = ev["competition_known"]
    if found.met:
        return Finding("supported", found.detail, found.citations)
    return Finding("partial" if ctx.deal.competitors else "gap", found.detail, found.citations)


def approval_cap(ctx: DealContext, a: Analysis, read: Read) -> Evidence | None:
    """A written approval threshold this deal crosses, with an approver who is not an engaged
    contact: whoever we engaged cannot commit this spend alone."""
    deal = ctx.deal
    engaged = {p.title.lower() for p in a.engagement if p.activity_indices}
    for t in read.thresholds:
        if not t.crossed_by(deal.amount, deal.currency):
            continue
        approver = t.approver or "a higher approval"
        if approver.lower().removeprefix("the ") in engaged:
            continue
        decides = f"{approver} may have to approve" if t.hedged else f"{approver} decides"
        detail = (
            f"at {money(deal.amount, deal.currency)} this deal crosses the approval limit the "
            f"record states, so {decides}: {quoted(t.quote)}"
        )
        return Evidence(check="approval_threshold", met=False, detail=detail, citations=[t.ref])
    return None


Scorer = Callable[[DealContext, Analysis, dict[str, Evidence], Read], Finding]
SCORERS: dict[str, Scorer] = {
    "champion": champion,
    "mobilizer": mobilizer,
    "need_payoff": need_payoff,
    "upfront_contract": upfront_contract,
    "personal_pain": personal_pain,
    "take_control": take_control,
    "outcomes": outcomes,
    "competition": competition,
}
