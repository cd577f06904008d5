"""Short answers to what reps ask most that no capability answers whole: a deal summary, who
has gone quiet, a draft message to a named person, what changed lately, and why a number is
what it is. Each reads a capability's typed result (the same analysis, model and citations as
the full report) or the deal record, says it in eight lines at most with its references, and
keeps the report behind it for "full report" and "more on 2"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from agent.capabilities.next_best_action.contract import NextBestActionResult
from agent.capabilities.stakeholder_strategy.contract import (
    StakeholderPlan,
    StakeholderStrategyResult,
)
from agent.chat.more import Shown
from agent.chat.people import on_date, resolve
from agent.chat.requests import build_request, coach_on
from agent.chat.topic import mentions, topic_message
from agent.compose.brief import menu, steps
from agent.contracts.probability import FactorContribution, WinProbability
from agent.contracts.response import CoachingResponse
from agent.errors import InvalidInput
from agent.formatting import human, money, pct, shorten, signed_pct
from agent.routing.message_slots import Slots
from agent.sanitise import clean_text
from agent.settings import CoachContext
from tools.sources import workspace_source

QUICK = ("deal_summary", "gone_quiet", "draft_message", "what_changed", "explain_number")
QUIET = ("dark", "never", "cooling")
WINDOW_DAYS = 7
MAX_ITEMS = 5
_INFLUENCE = {"high": 0, "medium": 1, "low": 2}
_EMAIL = re.compile(r"\be-?mail", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|per cent)", re.IGNORECASE)


@dataclass(frozen=True)
class Quick:
    """The short answer, the report behind it (None: the answer is the whole of it), and what
    it showed for the follow-ups that point at it ("the second one", "why?")."""

    text: str
    report: str | None = None
    shown: Shown = field(default_factory=lambda: Shown(menu=False))


def _section_of(markdown: str, name: str) -> str:
    """The title of the report's section about a person (headings lead with the name)."""
    return next((t for t in menu(markdown) if t.startswith(name)), "")


def cite(refs: Iterable[str], limit: int = 2) -> str:
    return " ".join(f"`{r}`" for r in list(dict.fromkeys(refs))[:limit])


def _run(capability: str, deal_id: str, ctx: CoachContext) -> CoachingResponse:
    return coach_on(build_request(capability, ctx, deal_id=deal_id), ctx)


def more(*asks: str) -> str:
    return "More: " + ", ".join(f"“{a}”" for a in asks) + "."


def deal_summary(deal_id: str, slots: Slots, ctx: CoachContext) -> Quick:
    response = _run("next_best_action", deal_id, ctx)
    r = response.result
    assert isinstance(r, NextBestActionResult)
    s, action = r.snapshot, r.primary
    lines = [
        f"**Deal summary** · {deal_id}",
        f"- {s.stage}, {s.days_in_stage} days in stage"
        + (f" (expected {s.expected_days_in_stage})" if s.expected_days_in_stage else "")
        + f"; {money(s.amount, s.currency)}; closes in {s.days_to_close} days; momentum "
        f"{s.momentum} {cite(['deal.stage', 'deal.expected_close'])}",
    ]
    if (win := r.win_probability) is not None:
        top = _factors(win)[:1]
        why = f"; biggest factor: {top[0].label.lower()} {cite(top[0].citations)}" if top else ""
        lines.append(f"- Win probability {pct(win.value)}{why}")
    lines.append(f"- Next: **{action.title}** {cite(action.citations)}")
    if action.rationale:
        first = action.rationale[0]
        lines.append(f"- Why: {shorten(first.statement, 160)} {cite(first.citations)}")
    lines.append(
        more(
            "why " + (pct(win.value) if win else "that number") + "?",
            "who's gone quiet?",
            "full report",
        )
    )
    shown = Shown(steps=steps(response.markdown), menu=False)
    return Quick("\n".join(lines), response.markdown, shown)


def _factors(win: WinProbability) -> list[FactorContribution]:
    return sorted(win.factors, key=lambda f: -abs(f.log_odds))


def explain_number(deal_id: str, slots: Slots, ctx: CoachContext, message: str = "") -> Quick:
    response = _run("next_best_action", deal_id, ctx)
    r = response.result
    assert isinstance(r, NextBestActionResult)
    win = r.win_probability
    if win is None:
        raise InvalidInput(f"there is no win probability for {deal_id}", where="chat message")
    lines = [
        f"**Win probability {pct(win.value)}** for {deal_id} (range {pct(win.low)}–"
        f"{pct(win.high)}, {win.confidence} confidence)"
    ]
    asked = _PERCENT.search(message)
    action = r.primary.probability
    if (
        asked
        and action.value is not None
        and _same(asked.group(1), action.value)
        and not _same(asked.group(1), win.value)
    ):
        return _explain_action(deal_id, r, response)
    if asked and not _same(asked.group(1), win.value):
        lines.append(
            f"- You asked about {asked.group(1)}%: as of {response.as_of.isoformat()} I compute "
            f"{pct(win.value)} for this deal."
        )
    base = cite([win.baseline_citation] if win.baseline_citation else [])
    lines.append(
        f"- Starts from {pct(win.baseline)} ({human(win.baseline_source)}) {base}".rstrip()
    )
    for f in _factors(win)[: 7 - len(lines)]:
        direction = "lowers" if f.log_odds < 0 else "raises"
        lines.append(f"- {direction} it: {shorten(f.label, 120)} {cite(f.citations)}".rstrip())
    lines.append(more("full report"))
    return Quick("\n".join(lines), response.markdown)


def _same(asked: str, value: float) -> bool:
    return abs(float(asked) - value * 100) < 1


def _explain_action(deal_id: str, r: NextBestActionResult, response: CoachingResponse) -> Quick:
    """The number asked about is the next action's chance of working, not the deal's."""
    p = r.primary.probability
    assert p.value is not None and p.base is not None  # only called when the number matched
    lines = [
        f"**{pct(p.value)} is the chance that “{r.primary.title}” works** on {deal_id}",
        f"- Starts from {pct(p.base)}: {shorten(p.explanation, 160)} {cite(p.citations)}".rstrip(),
    ]
    for a in p.adjustments[:4]:
        lines.append(f"- {signed_pct(a.delta)}: {shorten(a.reason, 120)} {cite(a.citations)}")
    lines.append(more("why is the win probability what it is?", "full report"))
    return Quick("\n".join(lines), response.markdown)


def _stakeholders(
    deal_id: str, ctx: CoachContext
) -> tuple[CoachingResponse, StakeholderStrategyResult]:
    response = _run("stakeholder_strategy", deal_id, ctx)
    assert isinstance(response.result, StakeholderStrategyResult)
    return response, response.result


def _quiet(plans: list[StakeholderPlan]) -> list[StakeholderPlan]:
    quiet = [p for p in plans if p.contact_id and p.engagement in QUIET]
    never = dt.date.min
    return sorted(quiet, key=lambda p: (_INFLUENCE.get(p.influence, 3), p.last_touch or never))


def gone_quiet(deal_id: str, slots: Slots, ctx: CoachContext) -> Quick:
    response, r = _stakeholders(deal_id, ctx)
    quiet = _quiet(r.stakeholders)
    today = response.as_of
    if not quiet:
        text = f"**Nobody has gone quiet** on {deal_id}: every contact took part recently."
        return Quick(text + "\n" + more("full report"), response.markdown)
    lines = [f"**{len(quiet)} of {len(r.stakeholders)} contacts have gone quiet** on {deal_id}"]
    for p in quiet[: MAX_ITEMS - 1]:
        when = (
            f"last touch {p.last_touch.isoformat()} ({(today - p.last_touch).days} days ago)"
            if p.last_touch
            else "never in an activity"
        )
        lines.append(f"- **{p.name}** ({p.title}, {human(p.role)}): {when} {cite(p.citations)}")
    first = quiet[0]
    lines.append(f"Do: {shorten(first.approach, 160)}")
    lines.append(
        more(f"draft a message to {first.name.split()[0]}", "the second one", "full report")
        if len(quiet) > 1
        else more(f"draft a message to {first.name.split()[0]}", "full report")
    )
    listed = quiet[: MAX_ITEMS - 1]
    items = [(p.name, _section_of(response.markdown, p.name)) for p in listed]
    return Quick(
        "\n".join(lines),
        response.markdown,
        Shown(items=items, why=items[0][1] or None, menu=False, person=items[0][0]),
    )


def draft_message(deal_id: str, slots: Slots, ctx: CoachContext, message: str = "") -> Quick:
    """A message to the person named (else the quiet one who matters most). With a topic
    ("about the payback timeline") the body is about it, in our words for that person's role,
    and what the deal says about it is shown to the rep, cited (agent/chat/topic.py); without
    one, the stakeholder plan's outreach for them."""
    response, r = _stakeholders(deal_id, ctx)
    source = workspace_source(ctx.workspace, ctx.principal)
    deal = source.get_deal(deal_id)
    if slots.person:
        ids = {c.id for c in resolve(slots.person, deal, source)}
        plans = [p for p in r.stakeholders if p.contact_id in ids]
    else:  # nobody named: the quiet one who matters most, else the first plan
        plans = _quiet(r.stakeholders) or r.stakeholders
    if not plans:
        raise InvalidInput(f"no contact to write to on {deal_id}", where="chat message")
    p = plans[0]
    contact = next((c for c in deal.contacts if c.id == p.contact_id), None)
    kind = "email" if _EMAIL.search(message) else "message"
    shown = Shown(why=_section_of(response.markdown, p.name) or None, menu=False, person=p.name)
    head = f"**Draft {kind} to {p.name}** ({p.title}, {human(p.role)})"
    if slots.topic and contact is not None:
        topic = clean_text(slots.topic)
        found = mentions(source.load_context(deal_id), topic, contact)
        body = topic_message(
            contact, topic, found, p.engagement, deal.owner.name, deal.account.name
        )
        said = (
            [f"- {m.excerpt} `{m.ref}`" for m in found]
            if found
            else [
                f"- The record says nothing about “{topic}”: the draft asks, check before sending."
            ]
        )
        lines = [
            head,
            f"> Subject: {topic[:1].upper()}{topic[1:]}",
            f"> {body}",
            f"What the deal says about {topic} (for you, not in the draft):",
            *said,
            f"Why: {shorten(p.approach, 160)} {cite(p.citations)}",
            more("why?", "show the sources", "full report"),
        ]
        return Quick("\n".join(lines), response.markdown, shown)
    lines = [
        f"{head} · suggested: {p.channel}, {human(p.timing)}",
        f"> {p.message_draft}",
        f"Why: {shorten(p.approach, 200)} {cite(p.citations)}",
        more("why?", "show the sources", "full report"),
    ]
    return Quick("\n".join(lines), response.markdown, shown)


def _since(slots: Slots, today: dt.date) -> dt.date:
    """'since monday' is the last Monday; no time named: a week back."""
    if slots.when:
        ahead = on_date(slots.when, today)
        if ahead is not None:
            return ahead - dt.timedelta(days=7) if ahead > today else ahead
    return today - dt.timedelta(days=WINDOW_DAYS)


def what_changed(deal_id: str, slots: Slots, ctx: CoachContext) -> Quick:
    """From the record's own dates: activities, stage moves, close-date changes and notes."""
    source = workspace_source(ctx.workspace, ctx.principal)
    deal = source.get_deal(deal_id)
    today = source.as_of or dt.date.today()
    since = _since(slots, today)
    names = {c.id: c.name for c in deal.contacts} | {m.id: m.name for m in [deal.owner, *deal.team]}
    events: list[tuple[dt.date, str]] = []
    for i, a in enumerate(deal.activities):
        if since < a.date <= today:
            who = ", ".join(names.get(p, p) for p in a.participants[:3])
            outcome = f" ({a.outcome})" if a.outcome else ""
            summary = clean_text(shorten(a.summary, 90))
            events.append(
                (a.date, f"{a.type} with {who}{outcome}: {summary} `deal.activities[{i}]`")
            )
    for i, st in enumerate(deal.stage_history):
        if since < st.entered <= today:
            events.append((st.entered, f"moved to **{st.stage}** `deal.stage_history[{i}]`"))
    for i, ch in enumerate(deal.close_date_history):
        if since < ch.changed_on <= today:
            events.append(
                (
                    ch.changed_on,
                    f"close date {ch.from_date} → **{ch.to_date}** `deal.close_date_history[{i}]`",
                )
            )
    for i, note in enumerate(deal.notes):
        if since < note.date <= today:
            events.append((note.date, f"note by {note.author} `deal.notes[{i}]`"))
    head = f"**Since {since.isoformat()}** on {deal_id} (as of {today.isoformat()})"
    if not events:
        last = max(range(len(deal.activities)), key=lambda i: deal.activities[i].date, default=None)
        tail = (
            f"; the last activity was on {deal.activities[last].date} `deal.activities[{last}]`"
            if last is not None
            else ""
        )
        return Quick(f"{head}: nothing recorded{tail}.")
    events.sort(key=lambda e: e[0], reverse=True)
    lines = [f"{head}: {len(events)} change(s)"]
    lines += [f"- {day.isoformat()} {text}" for day, text in events[:MAX_ITEMS]]
    if len(events) > MAX_ITEMS:
        lines.append(f"- and {len(events) - MAX_ITEMS} earlier")
    lines.append(more("what should I do next?", "who's gone quiet?"))
    return Quick("\n".join(lines))


ANSWERS: dict[str, Callable[[str, Slots, CoachContext], Quick]] = {
    "deal_summary": deal_summary,
    "gone_quiet": gone_quiet,
    "what_changed": what_changed,
}


def answer(name: str, deal_id: str, slots: Slots, ctx: CoachContext, message: str) -> Quick:
    if name == "explain_number":
        return explain_number(deal_id, slots, ctx, message)
    if name == "draft_message":
        return draft_message(deal_id, slots, ctx, message)
    return ANSWERS[name](deal_id, slots, ctx)
