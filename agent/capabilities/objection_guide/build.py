"""Objection handling guide: the objections this deal is likely to meet, ranked, with what to
say, ask, prove, and when to escalate.

The ranking (why each objection is likely, with cited reasons) lives in objection_ranking;
this module turns the top of it into answers. The answers are the library's own text with the
deal's facts filled in; numbers appear only when the deal's value case or battle cards hold them.
"""

from __future__ import annotations

from collections.abc import Mapping

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.capabilities.common.competition import (
    competitor_view,
    no_card_advice,
    rivals,
    stale_note,
)
from agent.capabilities.common.playbook import deal_values, fill, list_items, paragraph
from agent.capabilities.common.stories import industry_note, none_in_industry
from agent.capabilities.next_best_action.build import Search
from agent.capabilities.objection_guide.contract import (
    ObjectionGuideResult,
    ObjectionPlan,
    Reason,
    StakeholderAngle,
)
from agent.capabilities.objection_guide.fit import signer_fit
from agent.capabilities.objection_guide.ranking import (
    HIGH,
    MEDIUM,
    PHASE_CATEGORIES,
    RAISED,
    Scored,
    category_of,
    competitors_of,
    has_value,
    matched,
    reasons_for,
)
from agent.contracts.base import Level
from agent.contracts.context import DealContext
from agent.formatting import human, money, shorten
from agent.reading.competitors import battle_card_competitors, deal_competitors
from knowledge.documents import Document
from knowledge.retriever import SearchFilters
from knowledge.sections import flag_token

PER_CATEGORY = 2  # one category's evidence lifts all its objections: keep the guide varied
# category: the buyer's underlying question (the guide's "typical concerns")
CONCERNS = {
    "price": "is the price justified by the value, against the alternatives?",
    "need": "is the problem big and urgent enough to fix?",
    "authority": "who signs, and have they heard the case first-hand?",
    "competitor": "why us rather than the option they already know?",
    "timing": "why now, and what does waiting cost?",
    "status_quo": "is change worth the disruption?",
    "trust": "will the vendor and the product deliver?",
    "contract": "can both sides live with the terms?",
    "security": "will security and compliance approve it?",
    "implementation": "can they implement it with the people they have?",
}
ROI_CATEGORIES = ("price", "need", "authority", "timing", "status_quo")
ROLE_SECTIONS = {
    "economic_buyer": "for-the-economic-buyer",
    "user": "for-the-end-user",
    "technical_evaluator": "for-the-technical-evaluator",
    "procurement": "for-procurement",
}


def _of_type(knowledge: Mapping[str, Document], kind: str, competitor: str) -> Document | None:
    return next(
        (
            d
            for d in knowledge.values()
            if d.meta.get("type") == kind and has_value(d, "competitors", competitor)
        ),
        None,
    )


def _stories(
    doc: Document,
    linked: list[str],
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    search: Search | None,
) -> list[Document]:
    """Customer stories worth naming: one that beat a competitor in this deal, else the one
    the library finds closest to the objection in the account's industry."""
    found = [d for c in linked if (d := _of_type(knowledge, "proof_point", c))][:1]
    if found or search is None:
        return found
    # A story about a competitor this deal does not face would confuse more than it proves.
    in_deal = {flag_token(c) for c in ctx.deal.competitors}
    hits = search(f"{doc.title} {ctx.deal.account.industry}", SearchFilters(type=["proof_point"]))
    fits = [knowledge[p.doc_id] for p in hits if p.doc_id in knowledge]
    return [d for d in fits if competitors_of(d) <= in_deal][:1]


def _data_answers(
    category: str,
    linked: list[str],
    ctx: DealContext,
    knowledge: Mapping[str, Document],
    analysis: Analysis | None = None,
) -> tuple[list[str], list[str]]:
    """ROI from the value agent and comparisons from battle cards: only what the data holds,
    with what to check first (a stale card, an unsourced line, a competitor figure heard)."""
    answers: list[str] = []
    refs: list[str] = []
    value = ctx.value
    if category in ROI_CATEGORIES and value and value.roi:
        roi, cur = value.roi, value.roi.currency
        payback = f", payback in {roi.payback_months:g} months" if roi.payback_months else ""
        percent = f", {roi.roi_percent:g}% ROI" if roi.roi_percent is not None else ""
        answers.append(
            f"The value case ({value.status}) shows {money(roi.annual_benefit, cur)} "
            f"a year of benefit for {money(roi.investment, cur)}{payback}{percent}"
        )
        refs.append("value.roi")
        drivers = [(d.annual_value or 0, i, d) for i, d in enumerate(value.value_drivers)]
        amount, i, d = max(drivers, default=(0.0, 0, None))
        if d is not None and amount > 0:
            change = (
                f" ({d.metric}: {d.baseline:g} to {d.target:g})"
                if (d.metric and d.baseline is not None and d.target is not None)
                else ""
            )
            answers.append(f"Largest driver: {d.name}{change}, {money(amount, cur)} a year")
            refs.append(f"value.value_drivers[{i}]")
    as_of, reading = (analysis.as_of, analysis.reading) if analysis else (None, None)
    for name in linked:
        view = competitor_view(name, ctx, knowledge, as_of, reading)
        if (card := view.card) is not None and (points := card.lead()):
            # The deal's own card leads with a weakness; the library's with its talking points.
            answers.append(f"Against {name}: " + " / ".join(p.rstrip(".") for p in points))
            refs += card.cite_lead()
        answers += [c for c in view.cautions if c not in answers]
        refs += [r for c in view.claims for r in c.refs]
    return answers, refs


def _pain(ctx: DealContext, analysis: Analysis, doc: Document) -> tuple[str, list[str]]:
    """The confirmed pain to answer with, preferring one owned by a role that raises it."""
    roles = {p.contact_id: p.role for p in analysis.engagement}
    pains = list(enumerate(ctx.discovery.pains if ctx.discovery else []))
    confirmed = sorted(
        ((i, p) for i, p in pains if p.confirmed),
        key=lambda x: not has_value(doc, "personas", roles.get(x[1].owner or "", "")),
    )
    if not confirmed:
        return "", []
    i, p = confirmed[0]
    impact = f" ({p.impact.rstrip('.')})" if p.impact else ""
    return (
        f" In this deal, anchor the response on the pain {ctx.deal.account.name} confirmed: "
        f"{p.description.rstrip('.')}{impact}.",
        [f"discovery.pains[{i}]"],
    )


def _plan(
    item: Scored,
    rank: int,
    ctx: DealContext,
    analysis: Analysis,
    knowledge: Mapping[str, Document],
    search: Search | None,
    named: list[str] | None = None,
) -> tuple[ObjectionPlan, str]:
    """One objection made concrete for the deal, and its line for the keep-open card. The
    competitors it is about: those the entry names among the ones in play (the deal's, the
    competitive agent's cards', and for the one the customer raised, those `named` in it);
    for a competitor or price objection naming none, the ones the customer named, else all
    in play."""
    score, doc, category, reasons = item
    values = deal_values(ctx, analysis)

    def text(anchor: str) -> str:
        section = doc.section(anchor)
        return fill(section.text, values) if section else ""

    raised = reasons[0].factor == "raised"
    likelihood: Level = (
        "high" if raised or score >= HIGH else "medium" if score >= MEDIUM else "low"
    )
    said = (named or []) if raised else []
    in_play = rivals(ctx, said)
    linked = [c for c in in_play if flag_token(c) in competitors_of(doc)]
    if not linked and category in ("competitor", "price"):
        linked = said or in_play
    steps = [s.replace("**", "") for s in list_items(text("acknowledge-reframe-respond"))]
    reframe = next((s.split(":", 1)[1].strip() for s in steps if s.startswith("Reframe:")), "")
    pain, refs = _pain(ctx, analysis, doc)
    stories = _stories(doc, linked, ctx, knowledge, search)
    felt = paragraph(text("feel-felt-found"))
    industry = ctx.deal.account.industry
    felt += (
        f" A customer who found it: {stories[0].title}{industry_note(stories[0], industry)}."
        if stories
        else ""
    )
    proofs = list_items(text("proof-points"))[:3]
    if stories and (honest := none_in_industry(knowledge, industry)):
        proofs.append(honest)
    for story in stories:
        section = story.section("results")
        first = list_items(section.text)[:1] if section else []
        proofs.append(
            story.title
            + industry_note(story, industry)
            + (f": {first[0]}" if first else "")
            + stale_note(story, analysis.as_of)
        )
        refs.append(story.ref(section.anchor if section else story.sections[0].anchor))
    bridge = paragraph(text("bridge-back-to-value"))
    theme = ctx.argumentation.core_message if ctx.argumentation else None
    summary = ctx.value.summary if ctx.value else None
    if theme or summary:
        bridge += f" For {ctx.deal.account.name}: {theme or summary}"
        refs.append("argumentation.core_message" if theme else "value.summary")
    data, data_refs = _data_answers(category, linked, ctx, knowledge, analysis)
    people = [p for p in analysis.engagement if p.role in ROLE_SECTIONS]
    people = [p for p in people if has_value(doc, "personas", p.role)] or people
    angles = [
        StakeholderAngle(
            contact_id=p.contact_id,
            name=p.name,
            role=p.role,
            angle=paragraph(text(ROLE_SECTIONS[p.role])),
            citations=[f"deal.contacts[{p.index}]", doc.ref(ROLE_SECTIONS[p.role])],
        )
        for p in people
    ]
    manager = next((m for m in ctx.deal.team if "manager" in m.role.lower()), None)
    escalation = paragraph(text("when-and-how-to-escalate"))
    if manager:
        escalation += f" Who to bring in here: {manager.name} ({human(manager.role)})."
    questions = list_items(text("root-cause-questions"))
    answers = [s for s in doc.sections if s.anchor not in ROLE_SECTIONS.values()]
    plan = ObjectionPlan(
        objection_id=doc.id,
        title=doc.title,
        category=category,
        rank=rank,
        score=score,
        likelihood=likelihood,
        why=reasons,
        signer=signer_fit(doc, analysis),
        acknowledge_reframe_respond=" ".join(steps) + pain,
        feel_felt_found=felt,
        root_cause_questions=questions,
        proof_points=proofs,
        bridge_to_value=bridge,
        data_answers=data,
        by_stakeholder=angles,
        if_not_satisfied=paragraph(text("if-they-are-still-not-satisfied")),
        escalation=escalation,
        citations=[*(doc.ref(s.anchor) for s in answers), *refs, *data_refs],
    )
    card = f"{doc.title} ({likelihood}): ask {questions[0] if questions else 'why'}"
    card += f" Reframe: {shorten(reframe, 140)}" if reframe else ""
    card += f" Prove: {shorten(proofs[0], 100)}" if proofs else ""
    return plan, card


# Timing and delivery rules, each switched on by a fact of the deal (see _delivery).
DELIVERY = {
    "typed": 'Answer "{top}" first, in the same conversation or within a day: acknowledge it, '
    "ask one root-cause question, then respond",
    "predicted": 'Raise "{top}" yourself before {who} does: an objection you name first loses '
    "its sting",
    "always": "Ask a root-cause question and listen before you answer: the first objection is "
    "often not the real one",
    "commercial": "Handle price and terms live, in a call or meeting, then confirm in writing; "
    "trade every concession for something back",
    "eb_gap": "Hear {eb}'s objections first-hand: a concern relayed by {champion} can only be "
    "answered second-hand",
    "wary": "Meet {wary} one to one before any group session, so they do not hear the answer for "
    "the first time in front of others",
    "competitors": "Never criticise {competitors}: compare on the customer's criteria and let the "
    "evidence speak",
    "close_near": "The expected close is {close}, {days} days away: resolve the top objections "
    "this week, not at signature",
}


def _delivery(
    plans: list[ObjectionPlan], ctx: DealContext, analysis: Analysis, typed: bool
) -> list[str]:
    """When and how to use the answers: coaching rules switched on by the deal's facts."""
    top = plans[0] if plans else None
    wary = next((p.name for p in analysis.engagement if p.sentiment == "negative"), None)
    values = deal_values(ctx, analysis)
    facts = {
        "top": top.title if top else "",
        "who": top.by_stakeholder[0].name if top and top.by_stakeholder else "the customer",
        "eb": values["economic_buyer"],
        "champion": values["champion"],
        "wary": wary,
        "competitors": ", ".join(ctx.deal.competitors),
        "close": ctx.deal.expected_close.isoformat(),
        "days": analysis.days_to_close,
    }
    on = {
        "typed": top and typed,
        "predicted": top and not typed,
        "always": True,
        "commercial": {p.category for p in plans} & {"price", "contract"},
        "eb_gap": analysis.fired("economic_buyer_not_engaged")
        or analysis.fired("economic_buyer_unknown"),
        "wary": wary,
        "competitors": ctx.deal.competitors,
        "close_near": 0 <= analysis.days_to_close <= 30,
    }
    return [text.format(**facts) for key, text in DELIVERY.items() if on[key]]


def build_objection_guide(
    ctx: DealContext,
    analysis: Analysis,
    knowledge: Mapping[str, Document],
    search: Search | None,
    message: str | None = None,
    limit: int = 5,
) -> ObjectionGuideResult:
    """The ranked guide; with `message` (what the customer said, as the rep typed it) the
    matching library objection comes first, because a raised objection beats a predicted one.
    A competitor with no battle card is said to have none, with what to ask."""
    typed = message.strip() if message and message.strip() else None
    # Who the rep's words may name: the deal's competitors and the knowledge's battle cards.
    competitors = deal_competitors(ctx, battle_card_competitors(knowledge.values()))
    match = matched(typed, search, knowledge, competitors, ctx.deal.competitors) if typed else None
    # The competitors the rep's words name, as their listed spelling ("Quorra" is Quorra Automate).
    named = [n for n in competitors.names if typed and competitors.pattern_for(n).search(typed)]
    limitations = limitations_for(ctx)
    if typed and match is None:
        limitations.append(
            "No library objection matched what the customer said"
            + ("" if search else " (no knowledge search was available)")
            + ": the guide covers the objections this deal is likely to meet."
        )
    scored: list[Scored] = []
    for doc in (d for d in knowledge.values() if d.meta.get("type") == "objection"):
        category = category_of(doc)
        reasons = reasons_for(doc, category, ctx, analysis)
        if match and doc.id == match[0].id:
            reasons = [
                Reason(
                    factor="raised",
                    points=RAISED,
                    statement="raised by the customer",
                    citations=[match[1]],
                ),
                *(reasons or []),
            ]
        if reasons:
            scored.append((round(sum(r.points for r in reasons), 2), doc, category, reasons))
    chosen: list[Scored] = []
    for item in sorted(scored, key=lambda s: (-s[0], s[1].id)):
        if len(chosen) < limit and sum(c[2] == item[2] for c in chosen) < PER_CATEGORY:
            chosen.append(item)
    built = [
        _plan(item, n, ctx, analysis, knowledge, search, named) for n, item in enumerate(chosen, 1)
    ]
    plans = [plan for plan, _ in built]
    order = [p.category for p in plans] + list(PHASE_CATEGORIES.get(analysis.phase or "", ()))
    concerns = [
        f"{human(c).capitalize()}: {CONCERNS[c]}" for c in dict.fromkeys(order) if c in CONCERNS
    ]
    unknown, asked = no_card_advice(ctx, knowledge)
    return ObjectionGuideResult(
        typed_objection=typed,
        objections=plans,
        typical_concerns=concerns[:5],
        delivery_advice=_delivery(plans, ctx, analysis, match is not None) + unknown,
        reference_card=[card for _, card in built],
        citations=[*([match[1]] if match else []), *(p.citations[0] for p in plans), *asked],
        limitations=limitations,
    )
