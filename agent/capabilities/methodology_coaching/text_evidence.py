"""What the record's text shows for an element's checks, judged by whose words they are.

Every methodology asks for the customer's evidence, so one set of rules serves every element that
maps to a check (MEDDICC Metrics and Identify Pain, SPICED Critical Event and Impact, BANT Need and
Timeline, Gap Selling's states and Root Cause ...):

- A fact the customer states, or the record states without saying whose, is evidence; one present
  anywhere wins over one recorded as missing.
- The seller's own proposal is never the customer's: a date we proposed is not a compelling event,
  our estimate is not the customer's metric, our hunch is not their root cause. Alone, it leaves
  the check unmet, and the detail says whose it is.
- A customer saying there is none ("no hard date on our side", "we have never measured it")
  records the check as unmet.
- Only the customer's own words settle an element that asks for them: a baseline and a target the
  customer stated (metrics_stated), a quantified impact in their words (impact_stated).
- Elements that live only in free text (root cause, current state, future state) are read from it;
  when nothing is found they are unknown only if no problem is on record and the discovery input
  that would hold it is missing.

The phrase rules live in agent/reading (fields, stated, ownership).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from agent.analysis.model import Evidence
from agent.contracts.context import DealContext
from agent.formatting import shorten
from agent.reading.actors import Cue
from agent.reading.fields import Recorded
from agent.reading.stated import Stated

QUOTE_CHARS = 170
# Checks that free text may show even when an upstream section records them as absent.
TEXT_FED = ("compelling_event", "metrics_baselined", "impact_quantified")
# What the seller's proposal alone says, by check.
SELLER_ONLY = {
    "compelling_event": (
        "the only date on record is one we proposed, not one the customer named (a date we "
        "proposed is not a compelling event)"
    ),
    "metrics_baselined": "the only figures are our own estimate, not yet confirmed by the customer",
    "impact_quantified": "the impact is our estimate, not one the customer stated or agreed",
    "pain_confirmed": "the problem is stated by us, not by the customer",
    "budget_confirmed": "the budget is our proposal, not one the customer confirmed",
}


def quoted(text: str) -> str:
    return f'"{shorten(text, QUOTE_CHARS)}"'


def _whose(ctx: DealContext, who: str | None) -> str:
    contact = next((c for c in ctx.deal.contacts if c.id == who), None)
    return f"{contact.name} ({contact.title})" if contact else "the customer"


def _said(ctx: DealContext, items: Sequence[Recorded | Stated]) -> str:
    """'stated by Name (Title)' for a customer's words, 'recorded in the text' otherwise."""
    first = items[0]
    if first.owner == "customer":
        return f"stated by {_whose(ctx, first.who)}"
    return "recorded in the text"


def _refs(items: Sequence[Recorded | Stated]) -> list[str]:
    return list(dict.fromkeys(i.ref for i in items))


def _ev(check: str, met: bool, detail: str, items: Sequence[Recorded | Stated]) -> Evidence:
    return Evidence(check=check, met=met, detail=detail, citations=_refs(items))


def from_text(
    check: str, ctx: DealContext, fields: list[Recorded], stated: list[Stated], words: list[Cue]
) -> Evidence | None:
    """What the text shows for a check, by whose words: the customer's or the record's fact
    first, then a customer's 'there is none', then the seller's proposal alone; None when the
    text says nothing."""
    if check == "pain_confirmed":
        said = [c for c in words if c.kind == "stated_problem" and c.done]
        if said:
            detail = f"stated by the customer: {quoted(said[0].quote)}"
            return Evidence(check=check, met=True, detail=detail, citations=[said[0].ref])
    if check == "metrics_baselined" and (shown := _metrics(ctx, fields, stated)) is not None:
        return shown
    recorded = [r for r in fields if r.check == check]
    theirs = [r for r in recorded if r.owner != "seller"]
    ours = [r for r in recorded if r.owner == "seller"]
    if present := [r for r in theirs if r.met]:
        return _ev(check, True, f"{_said(ctx, present)}: {quoted(present[0].quote)}", present[:1])
    detail = ""
    if missing := [r for r in theirs if not r.met]:
        spoken = missing[0].owner == "customer"
        whose = f"{_whose(ctx, missing[0].who)} says there is none" if spoken else ""
        detail = f"{whose or 'recorded as missing in the text'}: {quoted(missing[0].quote)}"
    if ours:
        mine = f"{SELLER_ONLY.get(check, 'only our own proposal, not the customer’s')}: "
        detail = "; ".join(d for d in (detail, mine + quoted(ours[0].quote)) if d)
    return _ev(check, False, detail, missing[:1] + ours[:1]) if detail else None


def _pair(base: list[Stated], target: list[Stated]) -> tuple[Stated, Stated] | None:
    """The first baseline and target of the same measure, the customer's own words first:
    of the pairs (b, t) that pair (Stated.pairs_with), the one with the fewest non-customer
    sides, then the earliest baseline, then the earliest target. Each baseline looks up its
    first partner by unit, relative or same sentence (`_first_targets`), so hundreds of
    statements on a big deal are not paired every one with every one."""
    firsts = [_first_targets(target, customer) for customer in (True, False)]
    best: tuple[int, int, int] | None = None
    for i, b in enumerate(base):
        mine = b.owner != "customer"
        for theirs, (by_unit, relative, by_quote) in enumerate(firsts):
            found = [
                j for j in (by_unit.get(b.unit), relative, by_quote.get(b.quote)) if j is not None
            ]
            if found:
                key = (mine + theirs, i, min(found))
                best = key if best is None or key < best else best
                break
    return (base[best[1]], target[best[2]]) if best else None


def _first_targets(
    target: list[Stated], customer: bool
) -> tuple[dict[str, int], int | None, dict[str, int]]:
    """Among the customer's targets (or everyone else's): the first index per unit, of a
    relative one, and of a bare number per sentence (the three ways a target pairs)."""
    by_unit: dict[str, int] = {}
    by_quote: dict[str, int] = {}
    relative = None
    for j, t in enumerate(target):
        if (t.owner == "customer") != customer:
            continue
        if t.unit == "bare":
            by_quote.setdefault(t.quote, j)
            continue
        by_unit.setdefault(t.unit, j)
        if t.unit == "relative" and relative is None:
            relative = j
    return by_unit, relative, by_quote


def _metrics(ctx: DealContext, fields: list[Recorded], stated: list[Stated]) -> Evidence | None:
    """A baseline and a target of the same measure in the customer's (or the record's) numbers;
    a metric label; else why not: the customer disputes or has not measured our figures, or
    our estimate stands alone. Half a metric (a target with no baseline) says nothing either
    way on its own: the upstream agents decide; a baseline alone is still unknown, but named,
    so the question to ask builds on it."""
    check = "metrics_baselined"
    metric = [s for s in stated if s.kind == "metric"]
    base = [s for s in metric if s.part == "baseline" and s.theirs]
    target = [s for s in metric if s.part == "target" and s.theirs]
    if pair := _pair(base, target):
        return _baselined(ctx, check, *pair)
    labelled = [r for r in fields if r.check == check and r.owner != "seller" and r.met]
    if labelled:
        return _ev(check, True, f"{_said(ctx, labelled)}: {quoted(labelled[0].quote)}", labelled)
    disputed = [s for s in metric if s.part in ("disputed", "unmeasured")]
    ours: list[Recorded | Stated] = [s for s in metric if s.part == "estimate"]
    ours += [r for r in fields if r.check == check and r.owner == "seller"]
    if not ours and not disputed:
        if not base:
            return None
        # half a metric: still not known, but the question builds on the number on record
        detail = (
            f"a baseline {_said(ctx, base)}: {quoted(base[0].quote)}; no target yet: ask "
            "what number would make this worth doing, and by when"
        )
        return Evidence(check=check, met=None, detail=detail, citations=_refs(base[:1]))
    parts = []
    if ours:
        parts.append(f"{SELLER_ONLY[check]}: {quoted(ours[0].quote)}")
    if disputed:
        what = "disputes the figures" if disputed[0].part == "disputed" else "has not measured it"
        parts.append(f"{_whose(ctx, disputed[0].who)} {what}: {quoted(disputed[0].quote)}")
    if half := base or target:
        has, lacks = ("a baseline", "a target") if base else ("a target", "a baseline")
        parts.append(f"{_said(ctx, half)} {has} but not {lacks}: {quoted(half[0].quote)}")
    return _ev(check, False, "; ".join(parts), [*ours[:1], *disputed[:1], *half[:1]])


def _baselined(ctx: DealContext, check: str, base: Stated, target: Stated) -> Evidence:
    """'a baseline and a target, stated by X: "..."', or each with its own source."""
    if base.quote == target.quote:
        detail = f"a baseline and a target, {_said(ctx, [base])}: {quoted(base.quote)}"
    elif _said(ctx, [base]) == _said(ctx, [target]):
        quotes = f"{quoted(base.quote)}; {quoted(target.quote)}"
        detail = f"a baseline and a target, {_said(ctx, [base])}: {quotes}"
    else:
        detail = (
            f"a baseline, {_said(ctx, [base])}: {quoted(base.quote)}; and a target, "
            f"{_said(ctx, [target])}: {quoted(target.quote)}"
        )
    return _ev(check, True, detail, [base, target])


def settled(ctx: DealContext, fields: list[Recorded], stated: list[Stated]) -> dict[str, Evidence]:
    """Checks only the customer's own words meet: a baseline and a target they stated, a
    quantified impact in their words. Never unmet: their absence leaves the mapped checks to
    decide."""
    found: dict[str, Evidence] = {}
    metric = [s for s in stated if s.kind == "metric" and s.owner == "customer"]
    base = [s for s in metric if s.part == "baseline"]
    target = [s for s in metric if s.part == "target"]
    if pair := _pair(base, target):
        found["metrics_stated"] = _baselined(ctx, "metrics_stated", *pair)
    impact = [
        r
        for r in fields
        if r.check == "impact_quantified"
        and r.met
        and r.owner == "customer"
        and re.search(r"\d", r.quote)
    ]
    if impact:
        detail = f"{_said(ctx, impact)}, in numbers: {quoted(impact[0].quote)}"
        found["impact_stated"] = _ev("impact_stated", True, detail, impact[:1])
    return found


def free_text_only(
    ctx: DealContext, stated: list[Stated], symptoms: Evidence
) -> dict[str, Evidence]:
    """Elements that live only in free text: the root cause of the problem, the current state and
    the future state, each from the customer's or the record's words, never from ours. Nothing
    found is unmet, unless the discovery input that would hold it is missing (then unknown)."""

    def pick(kind: str, part: str) -> list[Stated]:
        found = [s for s in stated if s.kind == kind and s.part == part]
        return sorted(found, key=lambda s: (not s.theirs, s.ref.startswith("deal.account")))

    def nothing(check: str, what: str) -> Evidence:
        if ctx.discovery is None:
            detail = f"not known: no discovery data, and the text does not show {what}"
            return Evidence(check=check, met=None, detail=detail, missing="discovery")
        return Evidence(check=check, met=False, detail=f"nothing in the record shows {what}")

    cause = _cause(ctx, pick, symptoms)
    found = {"root_cause_found": cause or nothing("root_cause_found", "a cause of the problem")}
    for check, kind, what in (
        ("current_state_described", "state", "how the work is done today"),
        ("future_state_described", "future", "where the customer wants to be"),
    ):
        items = [s for s in pick(kind, "described") if s.theirs]
        detail = f"{what}, {_said(ctx, items)}: {quoted(items[0].quote)}" if items else ""
        found[check] = _ev(check, True, detail, items[:1]) if items else nothing(check, what)
    return found


def _cause(
    ctx: DealContext, pick: Callable[[str, str], list[Stated]], symptoms: Evidence
) -> Evidence | None:
    """The customer's (or the record's) diagnosis of why; else why not: only our hunch, a cause
    recorded as not known, only load named as the cause, or only symptoms."""
    check = "root_cause_found"
    causes = pick("cause", "cause")
    if causes and causes[0].theirs:
        detail = f"the cause, {_said(ctx, causes)}: {quoted(causes[0].quote)}"
        return _ev(check, True, detail, causes[:1])
    reasons: list[tuple[str, Stated]] = []
    if causes:
        reasons.append(("a cause we suspect, not one the customer confirmed", causes[0]))
    for part, why in (
        ("open", "a possible cause was raised, not diagnosed"),
        ("none", "recorded as not known"),
        ("surface", "the only cause named is load, a symptom and not a root cause"),
    ):
        reasons += [(why, s) for s in pick("cause", part)[:1]]
    if reasons:
        detail = "; ".join(f"{why}: {quoted(s.quote)}" for why, s in reasons)
        return _ev(check, False, detail, [s for _, s in reasons])
    if symptoms.met:
        detail = (
            f"only symptoms are recorded ({symptoms.detail.rstrip('.')}); nothing says why they "
            "happen"
        )
        return Evidence(check=check, met=False, detail=detail, citations=symptoms.citations)
    return None
