"""Reading a methodology guide and scoring its elements against a deal's evidence.

The element tables live in maps.py and the behaviour scorers in behaviour.py; this module finds
the guide a rep named, reads its questions and stage advice, computes the evidence the tables
need beyond the analysis (a compelling event, quantified impact ...), three-valued like the
analysis's own, and scores each element: supported, partial, gap, or unknown when the only
evidence would come from a missing input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial

from agent.analysis.model import Analysis, Evidence
from agent.capabilities.common.playbook import list_items, paragraph, subsections
from agent.capabilities.methodology_coaching.behaviour import SCORERS, Read, approval_cap
from agent.capabilities.methodology_coaching.contract import ElementScore, ElementStatus
from agent.capabilities.methodology_coaching.maps import (
    FLAG,
    SPECS,
    Rule,
    Spec,
)
from agent.capabilities.methodology_coaching.text_evidence import (
    TEXT_FED,
    free_text_only,
    from_text,
    settled,
)
from agent.contracts.context import DealContext
from agent.errors import InvalidInput
from agent.formatting import human, shorten
from agent.memo import PerObject
from knowledge.documents import Document
from knowledge.sections import flag_token

_DEFINITION = re.compile(r"^\*\*(.+?)\*\*:\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Guide:
    """A methodology guide read once per request: its elements, questions and stage advice."""

    doc: Document
    name: str
    spec: Spec
    questions: dict[str, list[str]]
    stages: dict[str, str]

    def text(self, anchor: str) -> str:
        section = self.doc.section(anchor)
        return section.text if section else ""

    def rule(self, element: str) -> Rule:
        return next((r for e, r in self.spec.rules.items() if e.lower() == element.lower()), Rule())

    def definition(self, element: str) -> str:
        """The guide's 'Good evidence' bar for an element: what a manager could check."""
        for item in list_items(self.text("elements")):
            m = _DEFINITION.match(item)
            if m and m.group(1).lower() == element.lower():
                return m.group(2).partition("Good evidence:")[2].strip()
        return ""

    def stage(self, phase: str | None) -> str:
        """The stage-by-stage advice for a phase; prospecting reads as qualifying."""
        key = {"prospect": "qualify", "close": "negotiate"}.get(phase or "", phase or "")
        hit = next((t for h, t in self.stages.items() if flag_token(h).startswith(key)), None)
        return paragraph(hit if hit is not None else next(iter(self.stages.values()), ""))


def _names(doc: Document) -> tuple[str, ...]:
    """Display names: the table's, else the front matter's (files) or flags' (index)."""
    spec = SPECS.get(doc.id)
    flags = [f.removeprefix(FLAG) for f in doc.meta.get("flags", ()) if f.startswith(FLAG)]
    return spec.names if spec else tuple(doc.meta.get("methodology") or flags) or (doc.title,)


def _keys(doc: Document) -> set[str]:
    spec = SPECS.get(doc.id)
    names = (*_names(doc), *(spec.aliases if spec else ()), doc.title, doc.id)
    flags = {f.removeprefix(FLAG) for f in doc.meta.get("flags", ()) if f.startswith(FLAG)}
    return {flag_token(n) for n in names} | flags | {flag_token(doc.id.removeprefix("meth-"))}


def matches(doc: Document, name: str) -> bool:
    return flag_token(name) in _keys(doc)


def resolve_guide(name: str, knowledge: Mapping[str, Document]) -> Guide:
    """Finds a guide by methodology name, alias, title or id; an unknown name lists the known."""
    guides = sorted(
        (d for d in knowledge.values() if d.meta.get("type") == "methodology"), key=lambda d: d.id
    )
    doc = next((d for d in guides if matches(d, name)), None)
    if doc is None:
        known = sorted({n for d in guides for n in _names(d)}, key=str.lower)
        raise InvalidInput(
            f"unknown methodology '{name}'",
            where="request.methodology",
            fix=f"Known: {', '.join(known) or 'none (no methodology guides are loaded)'}",
        )
    names = _names(doc)
    stages = doc.section("stage-by-stage")
    return Guide(
        doc=doc,
        name=next((n for n in names if flag_token(n) == flag_token(name)), names[0]),
        spec=SPECS.get(doc.id, Spec(names=names, rules={})),
        questions={h: list_items(t) for h, t in subsections(_text(doc)).items()},
        stages=subsections(stages.text) if stages else {},
    )


def _text(doc: Document) -> str:
    section = doc.section("questions-by-element")
    return section.text if section else ""


def _ev(
    met: bool | None, detail: str, citations: list[str], missing: str | None = None
) -> Evidence:
    return Evidence(check="", met=met, detail=detail, citations=citations, missing=missing)


def _unknown(section: str, what: str) -> Evidence:
    """Evidence only a missing upstream section could give: unknown, never unmet."""
    return _ev(None, f"not known: no {section} data to show {what}", [section], section)


def extra_evidence(ctx: DealContext, a: Analysis, read: Read) -> dict[str, Evidence]:
    """Evidence some methodologies need that the process checks do not compute, three-valued:
    what only discovery, the value case or the argumentation agent could show is unknown when
    that section is missing. The record's text can still show it (pain the customer names, a
    fact the rep wrote under a label such as "Budget:", a date the customer owns), and then it
    is known, by whose words it is: the seller's own proposal or estimate never meets a check
    (text_evidence.py). A date, a metric or an impact in the text also stands in for an
    upstream section that records none. Elements that live only in free text (root cause,
    current and future state) and what only the customer's words settle are read here too; an
    approval limit in the text the deal crosses caps who can commit it."""
    deal, d, value = ctx.deal, ctx.discovery, ctx.value
    event = d.compelling_event if d else None
    needs = d.needs if d else []
    pains = [(i, p) for i, p in enumerate(d.pains) if p.confirmed and p.impact] if d else []
    criteria = list(enumerate(d.decision_criteria)) if d else []
    strong = [(i, c) for i, c in criteria if c.our_position == "strong"]
    drivers = [
        (i, v)
        for i, v in enumerate(value.value_drivers if value else [])
        if v.baseline is not None and v.target is not None
    ]
    messages = list(enumerate(ctx.argumentation.messages))[:4] if ctx.argumentation else []
    dated = bool(deal.next_step and deal.next_step_date)
    if ctx.competitive:
        rivals = _ev(True, ctx.competitive.summary or "competitive intelligence", ["competitive"])
    elif deal.competitors:
        rivals = _ev(False, "named: " + ", ".join(deal.competitors), ["deal.competitors"])
    else:
        rivals = _ev(False, "no alternative recorded, not even doing nothing", [])
    audiences = ", ".join(human(deal.person_name(m.audience)) for _, m in messages)
    found = {
        "compelling_event": _ev(
            bool(event),
            event or "no compelling event recorded",
            ["discovery.compelling_event"] if event else [],
        )
        if d
        else _unknown("discovery", "a compelling event"),
        "impact_quantified": _ev(
            bool(pains),
            f"{pains[0][1].description}: {pains[0][1].impact}"
            if pains
            else "no confirmed pain with a stated impact",
            [f"discovery.pains[{pains[0][0]}]"] if pains else [],
        )
        if d
        else _unknown("discovery", "the impact of the pain"),
        "needs_recorded": _ev(
            bool(needs),
            "; ".join(needs[:3]) or "no needs recorded",
            ["discovery.needs"] if needs else [],
        )
        if d
        else _unknown("discovery", "the needs"),
        "metrics_baselined": _ev(
            bool(drivers),
            "; ".join(f"{v.name} ({v.metric or 'no metric'})" for _, v in drivers)
            or "no value driver with a baseline and a target",
            [f"value.value_drivers[{i}]" for i, _ in drivers],
        )
        if value
        else _unknown("value", "a baseline and a target"),
        "messages_tailored": _ev(
            bool(messages),
            f"messages for {audiences}" if messages else "no tailored stakeholder messages",
            [f"argumentation.messages[{i}]" for i, _ in messages],
        )
        if ctx.argumentation
        else _unknown("argumentation", "messages tailored by stakeholder"),
        "next_step_agreed": _ev(
            dated,
            f"{deal.next_step} ({deal.next_step_date})" if dated else "no dated next step",
            ["deal.next_step", "deal.next_step_date"] if dated else [],
        ),
        "differentiated": _ev(
            bool(strong),
            "strong on " + ", ".join(c.name for _, c in strong)
            if strong
            else "no decision criterion where our position is strong",
            [f"discovery.decision_criteria[{i}]" for i, _ in strong],
        )
        if d
        else _unknown("discovery", "where our position is strong"),
        "competition_known": rivals,
    }
    merged = {**a.evidence, **found}
    for check, e in merged.items():
        if e.met is None or (e.met is False and check in TEXT_FED):
            shown = from_text(check, ctx, read.fields, read.stated, read.words)
            if shown is not None and not (shown.met is None and e.met is False):
                found[check] = shown  # an unknown from the text never undoes a known gap
    found.update(settled(ctx, read.fields, read.stated))
    symptoms = found.get("pain_confirmed") or merged["pain_confirmed"]
    found.update(free_text_only(ctx, read.stated, symptoms))
    if (cap := approval_cap(ctx, a, read)) is not None:
        found["approval_threshold"] = cap
    return found


_QUALIFIED: dict[str, ElementStatus] = {
    "confirmed": "supported",
    "partial": "partial",
    "missing": "gap",
}


def _status(rule: Rule, found: list[Evidence]) -> ElementStatus:
    """Three-valued: unknown evidence is never counted as unmet. All met is supported, some
    met partial; none met is a gap when the record shows it unmet, and unknown when every
    check's evidence would come from a missing input."""
    met = [e for e in found if e.met]
    unmet = [e for e in found if e.met is False]
    if rule.any_of:
        return "supported" if met else ("gap" if len(unmet) == len(found) else "unknown")
    if not met and not unmet:
        return "unknown"
    if len(met) == len(found):
        return "supported"
    return "partial" if met else "gap"


def score_element(
    guide: Guide,
    element: str,
    evidence: dict[str, Evidence],
    ctx: DealContext,
    a: Analysis,
    read: Read,
) -> ElementScore:
    """Status from the element's behaviour scorer or its mapped checks, three-valued. What the
    qualification agent says of the same element fills in what is otherwise unknown."""
    rule = guide.rule(element)
    if not rule.checks and not rule.scorer:
        note = rule.note or "Not judged from CRM evidence: nothing is mapped to this element"
        return ElementScore(element=element, status="not_applicable", evidence=note)
    status: ElementStatus
    settling = [e for e in (evidence.get(c) for c in rule.settles) if e is not None and e.met]
    if rule.scorer:
        finding = SCORERS[rule.scorer](ctx, a, evidence, read)
        status, detail, cites = finding.status, finding.detail, list(finding.citations)
    elif settling:  # the customer's own words show what the element asks for
        status, detail = "supported", "; ".join(e.detail.rstrip(".") for e in settling)
        cites = [c for e in settling for c in e.citations]
    else:
        found = [evidence[c] for c in rule.checks]
        status = _status(rule, found)
        shown = [e for e in found if e.met] if rule.any_of and status == "supported" else found
        details = [e.detail.rstrip(".") for e in shown]
        if status == "unknown":  # say "not known" once
            details = ["not known: " + "; ".join(d.removeprefix("not known: ") for d in details)]
        detail = "; ".join(dict.fromkeys(details))
        cites = [c for e in shown for c in e.citations]
    for cap in (evidence[c] for c in rule.caps if c in evidence):
        if cap.met is False and status == "supported":
            status = "partial"
            detail += f"; {cap.detail.rstrip('.')}"
            cites += cap.citations
    q = ctx.qualification
    for i, el in enumerate(q.elements if q and matches(guide.doc, q.framework) else []):
        if el.name.lower() == element.lower():
            said = f" ({el.evidence.rstrip('.')})" if el.evidence else ""
            if status == "unknown" and el.status in _QUALIFIED:
                # the agent's score decides, so the record's "not known" is said as what it is
                status = _QUALIFIED[el.status]
                own = detail.removeprefix("not known: ")
                detail = f"the qualification agent scores it {el.status}{said}; "
                detail += f"the record alone leaves it open: {own}"
                cites.append(f"qualification.elements[{i}]")
            elif el.evidence:
                detail += f"; qualification: {el.evidence.rstrip('.')}"
                cites.append(f"qualification.elements[{i}]")
    text = " ".join(detail.split()).replace("|", "/")
    return ElementScore(
        element=element, status=status, evidence=text, citations=list(dict.fromkeys(cites))
    )


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + ")", re.IGNORECASE)


def mentions(ctx: DealContext, terms: tuple[str, ...], as_of: dt.date) -> list[tuple[str, str]]:
    """Activities and notes up to today that touch an element, newest first: (ref, excerpt).
    The texts come newest first from one list per deal and day, so an element stops at its
    second hit instead of searching every activity (8 elements on 5,000 activities)."""
    return list(_MENTIONS.get(ctx, (terms, as_of), lambda: _mentions(ctx, terms, as_of)))


def _mentions(ctx: DealContext, terms: tuple[str, ...], as_of: dt.date) -> tuple[_Hit, ...]:
    pattern = _pattern(terms)
    hits: list[_Hit] = []
    for ref, searched, excerpt in _newest_first(ctx, as_of):
        if pattern.search(searched):
            hits.append((ref, excerpt()))
            if len(hits) == 2:
                break
    return tuple(hits)


# An element's terms found in a deal's texts are kept per context object (agent/memo.py): an
# element nobody has worked on searches every activity, and the texts do not change.
_Hit = tuple[str, str]
_MENTIONS: PerObject[tuple[_Hit, ...]] = PerObject(maxsize=256)


_Dated = tuple[str, str, Callable[[], str]]
_NEWEST: PerObject[list[_Dated]] = PerObject(maxsize=64)


def _newest_first(ctx: DealContext, as_of: dt.date) -> list[_Dated]:
    """(ref, text searched, excerpt) of the activities and notes up to `as_of`, newest first,
    ties by ref as a string ("deal.notes[0]" before "deal.activities[9]"), as sorted before."""

    def build() -> list[_Dated]:
        deal = ctx.deal
        dated: list[tuple[dt.date, str, str, Callable[[], str]]] = [
            (
                a.date,
                f"deal.activities[{i}]",
                f"{a.summary} {a.next_step or ''}",
                partial(_excerpt, a.date, str(a.type), a.summary),
            )
            for i, a in enumerate(deal.activities)
            if a.date <= as_of
        ]
        dated += [
            (
                n.date,
                f"deal.notes[{i}]",
                n.text,
                partial(_excerpt, n.date, "note", n.text),
            )
            for i, n in enumerate(deal.notes)
            if n.date <= as_of
        ]
        dated.sort(key=lambda d: (d[0], d[1]), reverse=True)
        return [(ref, text, excerpt) for _, ref, text, excerpt in dated]

    return _NEWEST.get(ctx, as_of, build)


def _excerpt(date: dt.date, kind: str, text: str) -> str:
    return f'{date} {kind}: "{shorten(text, 140)}"'
