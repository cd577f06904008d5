"""Methodology coaching: the team's sales methodology explained through this deal.

A methodology is only useful when a rep sees it in their own deal, so everything here joins a
guide in knowledge/methodology (elements, questions, stage advice, mistakes) to the deal's
computed evidence: which elements the evidence supports, which questions close each gap, what
the activities and notes show the rep did, and what history says the missing steps are worth.
Every line carries its citations; what the methodology is made of lives in maps.py, and what
cannot be known because an input is missing is asked about, never counted as a gap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis, Evidence, StakeholderEngagement
from agent.analysis.thresholds import MIN_ANALYTICS_SAMPLE
from agent.capabilities.common.playbook import deal_values, fill, list_items, paragraph
from agent.capabilities.common.remedies import CHECK_PLAYS
from agent.capabilities.methodology_coaching.behaviour import read_text
from agent.capabilities.methodology_coaching.contract import (
    CitedPoint,
    ElementScore,
    GapQuestions,
    MethodologyCoachingResult,
)
from agent.capabilities.methodology_coaching.maps import (
    CHECK_ROLES,
    CHECK_TERMS,
    ELEMENT_TERMS,
    Rule,
)
from agent.capabilities.methodology_coaching.scoring import (
    Guide,
    extra_evidence,
    mentions,
    resolve_guide,
    score_element,
)
from agent.contracts.context import DealContext
from agent.formatting import human, money, opening, pct
from knowledge.documents import Document

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
STATE = {
    "supported": "holds",
    "partial": "is partly there",
    "gap": "is open",
    "unknown": "is not known yet",
}
OPEN = ("gap", "partial")  # what the record shows is missing
ASK = (*OPEN, "unknown")  # what the coaching asks about: gaps first, then the unknown


def _unknown_why(s: ElementScore) -> str:
    """Why an element is not known, without repeating 'not known'."""
    return s.evidence.removeprefix("not known: ").replace("; not known: ", "; ")


def _pt(text: str, *citations: str) -> CitedPoint:
    return CitedPoint(text=text, citations=list(dict.fromkeys(citations)))


def _feedback(
    ctx: DealContext, a: Analysis, guide: Guide, scores: list[ElementScore]
) -> list[CitedPoint]:
    """What the rep's own activities and notes show, element by element: work that is done,
    work raised but left open, and work nobody has started."""
    points = []
    for s in scores:
        rule = guide.rule(s.element)
        terms = (
            s.element.lower(),
            *ELEMENT_TERMS.get(s.element.lower(), ()),
            *(t for c in rule.checks for t in CHECK_TERMS.get(c, ())),
            *(ctx.deal.competitors if "competition_known" in rule.checks else ()),
        )
        hits = mentions(ctx, terms, a.as_of)
        took_part = [
            f"deal.activities[{p.activity_indices[-1]}]"
            for c in rule.checks
            if c in CHECK_ROLES
            for p in a.contact(CHECK_ROLES[c])[:1]
            if p.activity_indices
        ]
        acts = [c for c in s.citations if c.startswith("deal.activities[")]
        refs = list(dict.fromkeys([*acts, *took_part, *(ref for ref, _ in hits)]))[:3]
        trace = f" Latest trace: {hits[0][1]}" if hits else ""
        if s.status == "not_applicable":
            if not hits:
                continue
            text = (
                f"{s.element}: not scored, but {hits[0][1]} touches it; check it against the guide"
            )
        elif s.status == "supported":
            text = f"{s.element}: done. {opening(s.evidence)}"
        elif s.status == "partial":
            text = f"{s.element}: started, not finished. {opening(s.evidence)}.{trace}"
        elif s.status == "unknown":
            text = f"{s.element}: not known — ask ({_unknown_why(s)})"
        elif hits:
            text = f"{s.element}: raised but still open.{trace}"
        else:
            text = f"{s.element}: nothing in the activities or notes shows work on it yet"
            refs = ["deal.activities"] if ctx.deal.activities else []
        points.append(_pt(text, *(refs or s.citations[:2])))
    proposal = a.evidence.get("proposal_sent")
    gaps = [s.element for s in scores if s.status == "gap"]
    if proposal and proposal.met and gaps:
        text = (
            f"A proposal went out ({proposal.detail}) while {', '.join(gaps)} were still open: "
            "the guide's proposal stage assumes they are known"
        )
        points.append(_pt(text, *proposal.citations, guide.doc.ref("stage-by-stage")))
    return points


def _who(a: Analysis, rule: Rule) -> tuple[StakeholderEngagement | None, list[str]]:
    """Value and budget questions go to the economic buyer; the rest to the champion, who can
    also open the door to whoever is missing; else to the contact touched last."""
    eb, champion = a.contact("economic_buyer"), a.contact("champion")
    if eb and set(rule.checks) & {"budget_confirmed", "value_case_validated", "compelling_event"}:
        person: StakeholderEngagement | None = eb[0]
    else:
        last = max(a.engagement, key=lambda p: p.last_touch or dt.date.min, default=None)
        person = champion[0] if champion else last
    return person, [f"deal.contacts[{person.index}]"] if person else []


def _why(
    ctx: DealContext,
    guide: Guide,
    scores: list[ElementScore],
    open_: list[ElementScore],
    evidence: dict[str, Evidence],
    knowledge: Mapping[str, Document],
    values: dict[str, str],
) -> list[CitedPoint]:
    """The plays' reasons behind each gap, history's win rates with and without the related
    steps (gaps first, then what this deal already does), and the guide's mistakes."""
    points: list[CitedPoint] = []
    for s in open_:
        unmet = [
            c for c in guide.rule(s.element).checks if c in CHECK_PLAYS and evidence[c].met is False
        ]
        doc = knowledge.get(CHECK_PLAYS[unmet[0]]) if unmet else None
        why, ref = (doc.section("why-it-matters"), doc.ref("why-it-matters")) if doc else (None, "")
        if why and len(points) < 3 and all(ref not in p.citations for p in points):
            points.append(_pt(f"{s.element}: {fill(paragraph(why.text), values)}", ref))
    stages = ctx.process.stages if ctx.process else []
    actions: dict[str, ElementScore] = {}
    for s in [*open_, *(s for s in scores if s.status == "supported")]:
        for check in guide.rule(s.element).checks:
            steps = [c.id for st in stages for c in st.exit_criteria if c.check == check]
            for action in [CHECK_PLAYS.get(check, ""), *steps]:
                actions.setdefault(action, s)
    rates = ctx.analytics.win_rates_by_action if ctx.analytics else []
    index = {r.action: i for i, r in enumerate(rates)}
    for action, s in actions.items():
        r = rates[index[action]] if action in index else None
        if (
            r is None
            or r.sample < MIN_ANALYTICS_SAMPLE
            or None in (r.win_rate_with, r.win_rate_without)
        ):
            continue
        here = "open here" if s.status in OPEN else "in place here"
        with_, without = r.win_rate_with or 0.0, r.win_rate_without or 0.0
        text = (
            f"{s.element} ({here}): deals with `{action}` won {pct(with_)}, against "
            f"{pct(without)} without ({r.sample} deals)"
        )
        points.append(_pt(text, f"analytics.win_rates_by_action[{index[action]}]"))
    mistakes = list_items(guide.text("common-mistakes"))
    named = [m for m in mistakes if any(s.element.lower() in m.lower() for s in open_)]
    for m in (named or mistakes)[:2]:
        points.append(_pt(f"A common {guide.name} mistake: {m}", guide.doc.ref("common-mistakes")))
    return points


def _next_call(
    ctx: DealContext,
    guide: Guide,
    a: Analysis,
    open_: list[ElementScore],
    unknown: list[ElementScore],
) -> list[CitedPoint]:
    """The guide's advice for the deal's stage, then the first gap as the call's purpose; what
    is not known is asked about, never counted as a gap."""
    stages, asked = guide.doc.ref("stage-by-stage"), guide.doc.ref("questions-by-element")
    points = [_pt(f"At {ctx.deal.stage}, {guide.name} says: {guide.stage(a.phase)}", stages)]
    if open_:
        top = open_[0]
        person, contact = _who(a, guide.rule(top.element))
        who = f" with {person.name}" if person else ""
        first = guide.questions.get(top.element, ["the questions below"])[0]
        text = f"Make {top.element} the purpose of the call{who}; open with {first}"
        points.append(_pt(text, asked, *contact))
    if len(open_) > 1:
        rest = ", ".join(s.element for s in open_[1:3])
        points.append(_pt(f"Then test {rest} with the questions below", asked))
    if unknown:
        names = ", ".join(s.element for s in unknown[:4])
        text = f"Not known yet, so ask rather than count them as gaps: {names}"
        points.append(_pt(text, asked, *(c for s in unknown[:4] for c in s.citations[:1])))
    if not open_ and not unknown:
        text = (
            "Every element the CRM can show is supported: confirm nothing changed, hold the dates"
        )
        points.append(_pt(text, stages))
    if ctx.deal.next_step:
        when = f" ({ctx.deal.next_step_date})" if ctx.deal.next_step_date else ""
        text = f"Tie it to the next step on record: {ctx.deal.next_step}{when}"
        points.append(_pt(text, "deal.next_step"))
    return points


def _buying_process(
    ctx: DealContext, guide: Guide, scores: list[ElementScore], evidence: dict[str, Evidence]
) -> list[CitedPoint]:
    """Adapting the methodology to how this customer buys, or saying that nobody knows yet."""
    bp = ctx.discovery.buying_process if ctx.discovery else None
    deal, points, where = ctx.deal, [], "discovery.buying_process"
    if bp and (bp.steps or bp.current_step):
        text = "Their buying process: " + " → ".join(bp.steps)
        text += f"; now at: {bp.current_step}" if bp.current_step else ""
        text += "" if bp.known else "; not yet confirmed by the customer, so walk it through"
        points.append(_pt(text, where))
        for needed, check, label in (
            (bp.procurement_required, "procurement_engaged", "Procurement"),
            (bp.legal_review_required, "legal_review_started", "Legal review"),
        ):
            if needed:
                ev = evidence[check]
                points.append(_pt(f"{label} is part of it: {ev.detail}", where, *ev.citations))
        limit = bp.approval_threshold
        if limit is not None and deal.amount >= limit:
            text = (
                f"At {money(deal.amount, deal.currency)} the deal crosses their approval "
                f"threshold of {money(limit, deal.currency)}: plan the approver's step"
            )
            points.append(_pt(text, f"{where}.approval_threshold", "deal.amount"))
    else:
        text = f"No buying process is recorded: map it before adapting {guide.name} to it"
        points.append(_pt(text, *([where] if ctx.discovery else [])))
    by_name = {s.element: s for s in scores}
    for element in guide.spec.process_elements:
        s = by_name.get(element)
        if s is None:
            continue
        ask = guide.questions.get(element, [])[:1] if s.status in ASK else []
        text = f"In {guide.name} terms this is {element} ({human(s.status)}): {s.evidence}"
        text += f". Ask: {ask[0]}" if ask else ""
        asked = [guide.doc.ref("questions-by-element")] if ask else []
        points.append(_pt(text, *s.citations, *asked))
    if deal.mutual_action_plan and deal.mutual_action_plan.agreed:
        text = "Hold each of their steps to a date in the agreed mutual action plan"
        points.append(_pt(text, "deal.mutual_action_plan"))
    return points


def _present_and_close(
    ctx: DealContext, guide: Guide, a: Analysis, values: dict[str, str]
) -> list[CitedPoint]:
    """The guide's proposal and closing advice, then the deal's own value, pain and signer."""
    stages = guide.doc.ref("stage-by-stage")
    points = [
        _pt(f"{label}: {guide.stage(phase)}", stages)
        for label, phase in (("Present", "proposal"), ("Close", "negotiate"))
        if guide.stages
    ]
    value = ctx.value
    if value and value.summary:
        payback = value.roi.payback_months if value.roi else None
        text = f"Lead with the value case ({value.status}): {value.summary.rstrip('.')}"
        text += f", payback in {payback:g} months" if payback else ""
        points.append(_pt(text, "value.summary", *(["value.roi"] if payback else [])))
    else:
        text = f"No value case yet: build the numbers with {values['champion']} before price"
        points.append(_pt(text, *a.evidence["value_case_shared"].citations))
    pains = enumerate(ctx.discovery.pains if ctx.discovery else [])
    if found := next(((i, p) for i, p in pains if p.confirmed), None):
        i, pain = found
        impact = f" ({pain.impact})" if pain.impact else ""
        text = f"Restate the problem in their words: {pain.description}{impact}"
        points.append(_pt(text, f"discovery.pains[{i}]"))
    close, eb = ctx.deal.expected_close.isoformat(), a.contact("economic_buyer")
    if eb:
        text = f"Ask {eb[0].name} for the decision by {close}"
        points.append(_pt(text, f"deal.contacts[{eb[0].index}]", "deal.expected_close"))
    else:
        text = (
            "Do not ask for the business yet: nobody who can sign is known. Find the economic "
            f"buyer before {close}"
        )
        points.append(_pt(text, "deal.expected_close"))
    return points


def coach_methodology(
    ctx: DealContext,
    analysis: Analysis,
    knowledge: Mapping[str, Document],
    methodology: str | None = None,
    default: str = "MEDDICC",
) -> MethodologyCoachingResult:
    """Coaches one methodology (the one named, else the team's default) on one deal. Gaps the
    guide's advice for the current stage names come first: that is what the next call needs."""
    guide = resolve_guide((methodology or "").strip() or default, knowledge)
    read = read_text(ctx)
    evidence = {**analysis.evidence, **extra_evidence(ctx, analysis, read)}
    values = deal_values(ctx, analysis)
    scores = [score_element(guide, e, evidence, ctx, analysis, read) for e in guide.questions]
    stage_text = guide.stage(analysis.phase).lower()
    open_ = sorted(
        (s for s in scores if s.status in OPEN),
        key=lambda s: (s.element.lower() not in stage_text, s.status != "gap", scores.index(s)),
    )
    unknown = [s for s in scores if s.status == "unknown"]
    asked, account = guide.doc.ref("questions-by-element"), ctx.deal.account.name
    questions = []
    for s in [*open_, *unknown]:
        person, contact = _who(analysis, guide.rule(s.element))
        questions.append(
            GapQuestions(
                element=s.element,
                status=s.status,
                ask=f"{person.name} ({person.title})" if person else "your main contact",
                questions=guide.questions[s.element],
                citations=[asked, *contact],
            )
        )
    examples = []
    for s in [s for s in scores if s.status != "not_applicable"][:6]:
        bar = guide.definition(s.element)
        why = _unknown_why(s) if s.status == "unknown" else s.evidence
        text = f"{s.element} at {account} {STATE[s.status]}: {why}."
        text += f" The guide's test: {bar}" if bar else ""
        examples.append(_pt(text, *s.citations, guide.doc.ref("elements")))
    intro = paragraph(guide.text("elements").split("\n- ")[0])
    fits = _SENTENCE.split(paragraph(guide.text("when-it-fits")))[0]
    unscored = [s.element for s in scores if s.status == "not_applicable"]
    limitations = limitations_for(ctx)
    if unscored:
        limitations.append(
            f"Not scored from CRM evidence: {', '.join(unscored)}; see the scorecard."
        )
    return MethodologyCoachingResult(
        methodology=guide.name,
        guide_id=guide.doc.id,
        summary=f"{intro} {fits}".strip(),
        scorecard=scores,
        examples=examples,
        next_conversation=_next_call(ctx, guide, analysis, open_, unknown),
        buying_process_fit=_buying_process(ctx, guide, scores, evidence),
        questions_per_gap=questions,
        present_and_close=_present_and_close(ctx, guide, analysis, values),
        rep_feedback=_feedback(ctx, analysis, guide, scores),
        why_it_matters=_why(ctx, guide, scores, open_, evidence, knowledge, values),
        citations=[guide.doc.ref("elements"), guide.doc.ref("when-it-fits")],
        limitations=limitations,
    )
