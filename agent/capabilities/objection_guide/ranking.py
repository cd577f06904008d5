"""Why an objection is likely in this deal: the ranking half of the objection guide.

Ranking is arithmetic a rep can audit, not a model's guess: each library objection earns
points for fitting the deal's stage, its competitors, the roles in the buying group, the
signals that make its category likely and the upstream agents' words, and every point is a
cited reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agent.analysis.model import Analysis
from agent.capabilities.common.playbook import SEVERITY_FACTOR
from agent.capabilities.next_best_action.build import Search
from agent.capabilities.objection_guide.contract import Reason, ReasonFactor
from agent.contracts.context import DealContext
from agent.formatting import human
from agent.reading.comparisons import read_comparisons
from agent.reading.competitors import Competitors
from agent.reading.objection_phrases import classify_objection
from knowledge.documents import Document
from knowledge.retriever import SearchFilters
from knowledge.sections import flag, flag_token

# Points per factor: a customer raising it outweighs every inference; upstream text refines.
RAISED, STAGE, NAMED, FLAGGED, ROLE, MAX_ROLES, SIGNAL, MAX_UPSTREAM = 10, 2, 4, 1, 0.5, 3, 2, 3
# The record says the customer compared a rival's price with ours ("Nimbra offered the same
# scope for about 30% less"): as strong as the deal naming the rival an objection is about.
ON_RECORD = NAMED
HIGH, MEDIUM = 7.0, 4.0  # score thresholds for the likelihood label
# category: signals that make it likely; risk-factor categories; qualification elements
EVIDENCE = {
    "price": ("budget_unconfirmed value_case_missing", "budget commercial", "metrics"),
    "need": ("budget_unconfirmed value_case_missing pain_unconfirmed", "scope", "identify pain"),
    "authority": (
        "economic_buyer_not_engaged economic_buyer_unknown decision_process_unknown",
        "stakeholder organisation",
        "economic buyer|decision process|champion",
    ),
    "competitor": ("competitive_bakeoff competitor_present", "competition", "competition"),
    "timing": (
        "close_date_slipped close_date_passed no_recent_activity close_date_unreachable",
        "timeline momentum",
        "",
    ),
    "status_quo": ("negative_sentiment blocker_present", "", ""),
    "trust": ("negative_sentiment blocker_present", "", ""),
    "contract": ("procurement_not_engaged legal_not_started", "legal procurement", ""),
    "implementation": ("", "technical", ""),
}
# category: words that mention it in the upstream agents' text
WORDS = {
    "price": "price|discount|budget|expensive|roi",
    "need": "pain|priority|value case",
    "authority": "economic buyer|cfo|approv|sign-off|signatory",
    "competitor": "competit",
    "timing": "delay|postpone|next quarter|timeline|slipp",
    "status_quo": "status quo|spreadsheet|resist",
    "trust": "reference|reputation|viability",
    "contract": "liability|redline|contract|msa",
    "security": "security|residency|compliance|certif|privacy",
    "implementation": "integration|implementation|resourc|adoption",
}
PHASE_CATEGORIES = {
    "prospect": ("need", "timing", "trust"),
    "qualify": ("need", "timing", "authority"),
    "discover": ("need", "status_quo", "implementation"),
    "solution": ("implementation", "security", "competitor"),
    "proposal": ("price", "authority", "competitor"),
    "negotiate": ("price", "contract", "authority"),
    "close": ("contract", "timing", "authority"),
}
CONTRACT_PHASES = ("negotiate", "close")  # procurement and legal do their work here
Scored = tuple[float, Document, str, list[Reason]]


def has_value(doc: Document, field: str, value: str) -> bool:
    """Files carry list fields; index documents carry the same as filter flags."""
    return value in doc.meta.get(field, []) or flag(field, value) in doc.meta.get("flags", ())


def competitors_of(doc: Document) -> set[str]:
    listed = [flag("competitors", c) for c in doc.meta.get("competitors", [])]
    flags = [*doc.meta.get("flags", ()), *listed]
    return {f.split("__", 1)[1] for f in flags if f.startswith("competitors__")}


def competitors_about(doc: Document) -> set[str]:
    """Competitors an objection is specifically about: flagged and named in its id."""
    return {c for c in competitors_of(doc) if c in re.sub(r"[^a-z0-9]+", "_", doc.id)}


def category_of(doc: Document) -> str:
    return str(doc.meta.get("category", "other"))


def _upstream(ctx: DealContext, category: str, names: list[str]) -> list[Reason]:
    """The risk and qualification agents' words about this category (or the competitor it is
    about), strongest first, capped so upstream text refines the ranking rather than decides."""
    _, risk_kinds, elements = EVIDENCE.get(category, ("", "", ""))
    terms = [*WORDS.get(category, "").split("|"), *(n.lower() for n in names)]

    def mentions(text: str) -> bool:
        return any(t in text.lower() for t in terms)

    found: list[tuple[float, str, str]] = []
    for i, f in enumerate(ctx.risk.factors if ctx.risk else []):
        if f.category in risk_kinds.split() or mentions(f"{f.description} {f.evidence or ''}"):
            found.append(
                (
                    SEVERITY_FACTOR[f.severity],
                    f"the risk agent flags: {f.description}",
                    f"risk.factors[{i}]",
                )
            )
    for i, text in enumerate(ctx.risk.red_flags if ctx.risk else []):
        if mentions(text):
            found.append((1.0, f"the risk agent's red flag: {text}", f"risk.red_flags[{i}]"))
    q = ctx.qualification
    for i, e in enumerate(q.elements if q else []):
        if e.status != "confirmed" and (e.name.lower() in elements.split("|") or mentions(e.name)):
            detail = f": {e.evidence}" if e.evidence else ""
            found.append(
                (
                    1.0,
                    f"qualification rates {e.name} {e.status}{detail}",
                    f"qualification.elements[{i}]",
                )
            )
    summary = q.competitive_summary if q and q.competitive_summary else ""
    if any(n.lower() in summary.lower() for n in names):
        found.append(
            (
                1.0,
                f"the qualification agent's competitive view: {summary}",
                "qualification.competitive_summary",
            )
        )
    reasons, budget = [], float(MAX_UPSTREAM)
    for points, statement, ref in sorted(found, key=lambda f: -f[0]):
        if budget > 0:
            reasons.append(
                Reason(
                    factor="upstream",
                    points=min(points, budget),
                    statement=statement,
                    citations=[ref],
                )
            )
            budget -= points
    return reasons


def reasons_for(
    doc: Document, category: str, ctx: DealContext, analysis: Analysis
) -> list[Reason] | None:
    """Why this objection may come up in this deal; None when it cannot (it is about a
    competitor the deal does not face)."""
    deal = ctx.deal
    in_deal = {flag_token(c): i for i, c in enumerate(deal.competitors)}
    about, flagged = competitors_about(doc), competitors_of(doc)
    if about and not about & in_deal.keys():
        return None
    reasons: list[Reason] = []

    def add(factor: ReasonFactor, points: float, statement: str, refs: list[str]) -> None:
        reasons.append(Reason(factor=factor, points=points, statement=statement, citations=refs))

    stage_refs = [analysis.stage_ref or "deal.stage"]
    if analysis.phase and has_value(doc, "stages", analysis.phase):
        add(
            "stage",
            STAGE,
            f"it typically comes up at the {analysis.phase} stage, where the "
            f"deal is ({deal.stage})",
            stage_refs,
        )
    if category == "contract" and analysis.phase in CONTRACT_PHASES:
        add("stage", 1, "procurement and legal do their work at this stage", stage_refs)
    for slug, i in in_deal.items():
        name, refs = deal.competitors[i], [f"deal.competitors[{i}]"]
        if slug in about:
            add(
                "competitor",
                NAMED,
                f"the deal is competing against {name}, the competitor this objection is about",
                refs,
            )
        elif slug in flagged:
            add("competitor", FLAGGED, f"buyers comparing with {name} often raise it", refs)
    roles = [
        r
        for r in dict.fromkeys(p.role for p in analysis.engagement if not p.left)
        if has_value(doc, "personas", r)
    ]
    for role in roles[:MAX_ROLES]:
        person = analysis.contact(role)[0]
        add(
            "stakeholder",
            ROLE,
            f"{person.name} ({human(role)}) is in the buying group, and "
            "this objection typically comes from that role",
            [f"deal.contacts[{person.index}]"],
        )
    signals = EVIDENCE.get(category, ("", "", ""))[0].split()
    for s in analysis.signals:
        if s.id in signals:
            add(
                "signal",
                SIGNAL * SEVERITY_FACTOR[s.severity],
                f"{s.label}: {s.detail}",
                s.citations,
            )
    compared = analysis.fired("price_comparison")
    if compared is not None and _about_price(doc) and _rivals(doc):
        add("signal", ON_RECORD, f"{compared.label}: {compared.detail}", compared.citations)
    names = [deal.competitors[i] for slug, i in in_deal.items() if slug in about]
    return reasons + _upstream(ctx, category, names)


def matched(
    message: str,
    search: Search | None,
    knowledge: Mapping[str, Document],
    competitors: Competitors,
    in_play: Sequence[str] = (),
) -> tuple[Document, str] | None:
    """The library objection closest to what the rep typed, and the passage that matched.
    Words alone mislead ("your price is too high" shares "too" and "high" with "too busy"), so
    the objection's category is read first by the same phrase rules the call analysis uses (a
    competitor named next to "cheaper" or "quote" is a competitor objection), and the closest
    entry of that category wins; without a category, the closest entry overall. An entry about
    one competitor fits only when that competitor is in play (`in_play`, the deal's) or named
    in the message, as ranking does (reasons_for). A message that compares us with a rival on
    price ("X came in 30% cheaper") is a price comparison first: an entry about price (its
    category or tags) beats one about the rival in general, so the rep gets the like-for-like
    questions rather than the rival's positioning; among those, one about competing on price
    ("A competitor is cheaper") beats one about price alone ("You're too expensive")."""
    named = {flag_token(n) for n in competitors.names if competitors.pattern_for(n).search(message)}
    allowed = {flag_token(n) for n in in_play} | named
    hits = []
    for p in search(message, SearchFilters(type=["objection"])) if search else []:
        doc = knowledge.get(p.doc_id)
        if doc is None or doc.meta.get("type") != "objection":
            continue
        about = competitors_about(doc)
        if not about or about & allowed:
            hits.append((doc, p.ref))
    category = classify_objection(message, competitors.phrases)
    fitting = [h for h in hits if category_of(h[0]) == category]
    best = fitting or hits
    if any(f.claim == "price" for f in read_comparisons("message", message, competitors.phrases)):
        # A price comparison is with a rival, named or not: an entry about competition first.
        priced = sorted((h for h in hits if _about_price(h[0])), key=lambda h: not _rivals(h[0]))
        best = [h for h in fitting if h in priced] or priced or best
    return best[0] if best else None


def _tags(doc: Document) -> list[str]:
    return [str(t).lower() for t in doc.meta.get("tags") or []]


def _about_price(doc: Document) -> bool:
    return category_of(doc) == "price" or "price" in _tags(doc)


def _rivals(doc: Document) -> bool:
    """An entry about competing with another vendor (its category or tags)."""
    return category_of(doc) == "competitor" or bool({"competition", "competitor"} & {*_tags(doc)})
