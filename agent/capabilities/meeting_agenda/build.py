"""Meeting agenda and conversation framework. Time is shared out to fit the meeting length;
the customer's own agenda items keep their place; the agenda sent to the customer is built
only from neutral topics and the customer's own words, never from internal notes."""

from __future__ import annotations

from agent.analysis.missing import limitations_for
from agent.analysis.model import Analysis
from agent.capabilities.common.competition import competitor_points, rivals
from agent.capabilities.meeting_agenda.contract import MeetingAgendaResult
from agent.capabilities.pre_call_brief.build import (
    MeetingInputs,
    gap_questions,
    proof_points,
    value_summary,
)
from agent.contracts.deal import Deal
from agent.contracts.meeting_prep import AgendaItem, Point
from agent.formatting import human

# Share of the meeting per block; the customer's items share the "customer" block.
SHARES = {"open": 0.1, "customer": 0.35, "discovery": 0.25, "value": 0.2, "close": 0.1}


def _minutes(total: int, customer_items: int) -> dict[str, int]:
    shares = dict(SHARES)
    if not customer_items:
        shares["discovery"] += shares.pop("customer") * 0.6
        shares["value"] += 0.35 * 0.4
    minutes = {k: max(1, round(total * v)) for k, v in shares.items()}
    minutes["close"] += total - sum(minutes.values())  # rounding lands on the wrap-up
    if minutes["close"] < 1:
        minutes["discovery"] += minutes["close"] - 1
        minutes["close"] = 1
    return minutes


def build_agenda(given: MeetingInputs) -> MeetingAgendaResult:
    ctx, analysis, knowledge, concerns = given.ctx, given.analysis, given.knowledge, given.concerns
    deal, meeting = ctx.deal, given.meeting
    primary, frame, focus = given.plan()
    asked = list((meeting.customer_agenda if meeting else []) or [])
    minutes = _minutes(frame.duration_minutes, len(asked))
    questions = gap_questions(analysis, knowledge, focus.settled)
    open_gaps = [g.element for g in analysis.methodology_gaps if g.element not in focus.settled]
    products = " and ".join(deal.products[:2]) or "our platform"
    items = [
        AgendaItem(
            minutes=minutes["open"],
            topic="Introductions and objectives",
            purpose=f"Agree the objective: {frame.objective}",
            transition="Before we go further, what would make this time worthwhile for you?",
        )
    ]
    if asked:
        each = max(1, minutes["customer"] // len(asked))
        for i, topic in enumerate(asked):
            extra = minutes["customer"] - each * len(asked) if i == len(asked) - 1 else 0
            items.append(
                AgendaItem(
                    minutes=each + extra,
                    topic=topic,
                    purpose="The customer's own agenda item: answer it fully",
                    transition="Does that cover it, or should we stay on it?",
                )
            )
    items.append(
        AgendaItem(
            minutes=minutes["discovery"],
            topic="Your priorities and process",
            purpose="Close the open gaps: "
            + (", ".join(open_gaps[:3]) or "confirm what has changed"),
            transition="That helps: let me show how this maps to what you just described.",
            citations=[q.citations[0] for q in questions[:1]],
        )
    )
    items.append(
        AgendaItem(
            minutes=minutes["value"],
            topic=f"How {products} would work for {deal.account.name}",
            purpose="Tie capabilities to their priorities and the value case",
            transition="What would you need to see to be confident?",
        )
    )
    items.append(
        AgendaItem(
            minutes=minutes["close"],
            topic="Questions and next steps",
            purpose=f"Agree the next step: {focus.close_on}",
            transition="",
            citations=[*primary.citations[:1], *focus.citations],
        )
    )
    pains = ctx.discovery.pains if ctx.discovery else []
    opening = _opening(deal, analysis, frame.objective, pains[0].description if pains else None)
    alternatives = [
        Point(
            text="If they want to go straight to price: give the range, then ask what it is "
            "being compared with before going deeper",
            citations=[],
        ),
        Point(
            text="If someone new joins: pause, ask their role and what they need from the "
            "meeting, and adjust the agenda",
            citations=[],
        ),
        Point(
            text="If time is cut short: skip to questions and next steps and book the rest",
            citations=[],
        ),
        *[
            Point(
                text=f"If they raise '{c.text.split(':')[0]}': acknowledge it and ask a "
                "root-cause question before answering",
                citations=c.citations,
            )
            for c in concerns[:2]
        ],
        # each competitor as every capability speaks of it: its vetted card, or that it has none
        *[
            p
            for name in rivals(ctx)
            for p in competitor_points(
                name, ctx, knowledge, analysis.as_of, analysis.reading, f"If they bring up {name}: "
            )
        ],
    ]
    materials = proof_points(ctx, knowledge, given.search, analysis.as_of)
    if ctx.value and ctx.value.roi:
        materials.append(Point(text="The value case and ROI model", citations=["value.roi"]))
    if analysis.phase in ("discover", "solution"):
        materials.append(
            Point(text=f"A demo of {products} on their process", citations=["deal.products"])
        )
    customer_agenda = [f"{items[0].minutes} min: Introductions and objectives"]
    customer_agenda += [f"{it.minutes} min: {it.topic}" for it in items[1:]]
    limitations = limitations_for(ctx) + frame.assumptions
    return MeetingAgendaResult(
        meeting=frame,
        objectives=[
            Point(text=frame.objective, citations=primary.citations[:1]),
            Point(text=primary.expected_outcome, citations=primary.citations[:1]),
        ],
        opening=opening,
        agenda=items,
        alternative_paths=alternatives,
        discovery_questions=questions,
        value_summary=[
            Point(text=f"{a.name}: {a.value_message}", citations=a.citations)
            for a in frame.attendees
            if a.side == "customer" and a.value_message
        ]
        + value_summary(ctx),
        contingencies=concerns,
        closing_statement=(
            f"To recap: we covered your priorities and how we would meet them. "
            f"The next step I would suggest is {focus.close_on}. Can we put a date on it now?"
        ),
        materials=materials,
        customer_agenda=customer_agenda,
        citations=[*primary.citations[:1], *filter(None, [analysis.last_activity_ref])],
        limitations=limitations,
    )


def _opening(deal: Deal, analysis: Analysis, objective: str, pain: str | None) -> str:
    """What the rep says first, to the customer: the last conversation by its kind and date,
    the customer's own words about their problem when discovery has them, and the objective.
    Never the activity's summary: it is the rep's note ("Owen hesitant - she is in budget
    season"), not something to read to the customer. The objective keeps its names' case."""
    last = analysis.last_activity_ref
    recent = deal.activities[int(last.split("[")[1].rstrip("]"))] if last else None
    parts = ["Thank you for making time."]
    if recent is not None:
        parts.append(f"Picking up from our {human(recent.type)} on {recent.date.isoformat()}:")
    if pain:
        parts.append(
            f"you told us '{pain}' matters." if recent else f"You told us '{pain}' matters."
        )
    ask = f"I would like to {objective[:1].lower()}{objective[1:]}."
    parts.append(("today " if recent and not pain else "Today ") + ask)
    return " ".join(parts)
