"""Post-call analysis: a debrief the rep can act on within the day.

Everything is computed from the mapped transcript, the deal record and the knowledge base:
conversation metrics, the call's review, next steps with owner and date, progress on the
meeting's objectives and the stage's exit criteria, what the call changes in the record (a patch,
and the shared win-probability model before and after it), the follow-up email, and lessons for
similar deals. The graph node adds lessons from other deals (long-term store) and saves these.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from agent.analysis.conversation import conversation_metrics, elements_in
from agent.analysis.model import Analysis
from agent.analysis.stage import ProcessInView
from agent.capabilities.live_assist.engine import LiveAssist
from agent.capabilities.post_call_analysis.contract import (
    AdherenceCheck,
    CallFacts,
    MessageOutcome,
    NextStep,
    ObjectiveProgress,
    Obstacle,
    PostCallAnalysisResult,
)
from agent.contracts.context import DealContext
from agent.contracts.conversation import Transcript
from agent.contracts.conversation_metrics import ConversationMetrics
from agent.contracts.deal import ActivityType
from agent.contracts.facts import Fact
from agent.contracts.meeting_prep import Point
from agent.formatting import human
from agent.reading.commitments import find_commitments, not_speech
from agent.reading.identity import trusted, unconfirmed

from .adherence import adherence
from .change import (
    analyse_call,
    constraints_heard,
    people_named,
    probability_change,
    said_in_call,
)
from .dates import date_holds, lifts
from .follow_up import follow_up_email
from .lessons import lessons
from .new_information import new_information
from .recommend import meet_the_economic_buyer
from .record import call_outcome, gaps_by_element, propose_patch, stage_ready
from .review import (
    messages_that_landed,
    obstacles,
    pushbacks,
    receptiveness,
    review,
    u_ref,
)


def build_debrief(
    ctx: DealContext,
    analysis: Analysis,
    transcript: Transcript,
    on: dt.date,
    objective: str | None,
    activity_type: ActivityType,
    assist: LiveAssist,
    default_process: ProcessInView | None = None,
) -> PostCallAnalysisResult:
    """`analysis` is the request's (the call's transcript read with the record);
    `default_process` the stage model it used for a deal without process standards, so the
    debrief's before-and-after comparison reads the deal the same way. `transcript` has its
    speakers confirmed (identity.confirm_speakers): a speaker known only by a label is acted on
    as the customer side, never as the contact the label names."""
    doubtful = unconfirmed(transcript)
    t, deal = trusted(transcript), ctx.deal
    competitors = assist.known_competitors  # the deal's, the competitive agent's, the knowledge's
    m = conversation_metrics(t, deal, competitors)
    us = t.utterances
    steps = [
        NextStep(
            action=p.action,
            owner_id=p.owner_id,
            owner=p.owner,
            due=p.due,
            due_text=p.due_text,
            customer_commitment=p.commitment,  # type: ignore[arg-type]
            citations=[u_ref(p.index)] + ([u_ref(p.agreed_at)] if p.agreed_at is not None else []),
        )
        for p in find_commitments(us, deal, on)
    ]
    messages = messages_that_landed(us)
    pushed = pushbacks(us)
    mood = receptiveness(m, us, messages, pushed)
    blocks = obstacles(m, us, assist.answer, pushed)
    outcome = call_outcome(steps, sum(not o.handled for o in m.objections), mood.level)
    patch = propose_patch(ctx, t, m, steps, on, activity_type, outcome)
    call = analyse_call(
        ctx,
        patch,
        t,
        analysis.as_of,
        on,
        competitors.names,
        default_process,
    )
    before, after = call.before, call.after  # the record without this call, and with it
    moved = {"advance_stage_to": stage_ready(before, after), "stage_from": deal.stage}
    patch = patch.model_copy(update=moved)
    checks = adherence(before, after, m, ctx, activity_type)
    advanced = [
        Point(text=f"Advanced {c.description} ({c.detail}).", citations=c.citations)
        for c in checks
        if c.status == "advanced" and c.kind != "required_activity"
    ]
    went_well, to_improve = review(m, messages, steps, advanced)
    gaps = discovery_gaps(analysis, m, assist)
    heard = [f for f in after.reading.of("constraint") if said_in_call(f) is not None]
    assumptions = [_confirm_who(s.speaker, s.name) for s in doubtful]
    assumptions += [
        f"Line {u.index} reads like an instruction to a model, markup or a link, not like "
        "something said in a call: it was not taken as a next step or agreement."
        for u in us
        if not_speech(u.text)
    ]
    logged = next((a for a in deal.activities if patch.marker in a.summary), None)
    if logged is not None:
        assumptions.append(
            f"This call is already in the record as activity {logged.id}: the before and after "
            "comparison counts it twice, and the proposed update must not be applied again."
        )
    if objective is None:
        assumptions.append(
            "No meeting objective was given: progress is measured against the stage's open "
            "exit criteria."
        )
    return PostCallAnalysisResult(
        call=CallFacts(
            source=t.source,
            date=on,
            duration_minutes=round(m.duration_s / 60, 1) if m.duration_s else None,
            attendees=_attendees(ctx, t),
            unmapped_speakers=list(t.unmapped),
            unconfirmed_speakers=[s.speaker for s in doubtful],
            activity_type=activity_type,
        ),
        metrics=m,
        went_well=went_well,
        to_improve=to_improve,
        objectives=objectives(objective, ctx, t, m, steps, checks, heard, on),
        receptiveness=mood,
        new_information=[
            *constraints_heard(ctx, call, on, t),
            *new_information(ctx, t, m, before, competitors, assist.no_card),
            *people_named(t, call),
        ],
        obstacles=blocks,
        probability=probability_change(ctx, call),
        adherence=checks,
        messages=messages,
        discovery_gaps=gaps,
        next_steps=[*steps, *meet_the_economic_buyer(ctx, t, call, steps)],
        adjustments=[*replan(ctx, heard, on), *adjustments(blocks, steps, messages, gaps)],
        lessons=lessons(ctx, analysis, t, m, messages, on),
        lessons_saved=False,
        patch=patch,
        follow_up=follow_up_email(ctx, t, m, steps, gaps, on),
        assumptions=assumptions,
        citations=[f"deal.activities[{len(deal.activities) - 1}]"] if deal.activities else [],
    )


def _confirm_who(label: str, name: str | None) -> str:
    return (
        f"Confirm who spoke as '{label}': the label matches {name}, but no attendee list, CRM "
        "activity for this call or transcript header names them, so they are not counted as on "
        "the call (no contact update, not on the e-mail, no change to the win probability). "
        "Pass the attendees (--attendee) to count them."
    )


def _attendees(ctx: DealContext, t: Transcript) -> list[str]:
    seller = {ctx.deal.owner.id, *(p.id for p in ctx.deal.team)}
    mapped = [s for s in t.speakers if s.person_id and s.confirmed]
    mapped.sort(key=lambda s: s.person_id not in seller)
    return [s.name or s.speaker for s in mapped]


def objectives(
    objective: str | None,
    ctx: DealContext,
    t: Transcript,
    m: ConversationMetrics,
    steps: Sequence[NextStep],
    checks: Sequence[AdherenceCheck],
    heard: Sequence[Fact] = (),
    on: dt.date | None = None,
) -> list[ObjectiveProgress]:
    if objective is None:
        return [
            ObjectiveProgress(
                objective=c.description,
                source="exit_criterion",
                status="met" if c.status == "advanced" else "not_met",
                detail=c.detail,
                citations=c.citations,
            )
            for c in checks
            if c.kind == "exit_criterion" and c.status != "already_met"
        ]
    return [_explicit_objective(objective, ctx, t, m, steps, heard, on)]


def _explicit_objective(
    objective: str,
    ctx: DealContext,
    t: Transcript,
    m: ConversationMetrics,
    steps: Sequence[NextStep],
    heard: Sequence[Fact] = (),
    on: dt.date | None = None,
) -> ObjectiveProgress:
    """An objective in the rep's words is judged on what the rules can see in it: the people
    it names (did they take part, or own a next step?), the methodology elements it names
    (did the call evidence them?) and a date it names for a signature or a start (did the
    customer confirm it, or did the call show it cannot hold?). Anything else is left to the
    rep, and said so."""
    named = [c for c in ctx.deal.contacts if _says(objective, c.name.split()[0])]
    spoke = {u.person_id: u.index for u in t.utterances if u.person_id}
    stepped = {s.owner_id for s in steps} | {
        c.id for s in steps for c in named if _says(s.action, c.name.split()[0])
    }
    held = date_holds(objective, t, heard, on) if on is not None else None
    # "the 9 April signature" is judged by whether the date held, not as decision-process talk
    wanted = elements_in(objective.replace(held.goal, " ") if held else objective)
    shown = {e.element: e for e in m.methodology if e.evidenced and e.element in wanted}
    hits = [c for c in named if c.id in spoke] + [c for c in named if c.id in stepped]
    found = len({c.id for c in hits}) + len(shown)
    asked = len(named) + len(wanted)
    refs = [u_ref(spoke[c.id]) for c in named if c.id in spoke]
    refs += [u_ref(i) for e in shown.values() for i in e.indices[:1]]
    refs += [
        x for s in steps for c in named if _says(s.action, c.name.split()[0]) for x in s.citations
    ]
    if held is not None:
        asked += 1
        found += held.status == "holds"
        refs += held.citations
    if asked == 0:
        return ObjectiveProgress(
            objective=objective,
            source="meeting",
            status="not_assessed",
            detail="the objective names no contact or methodology element the rules can check",
        )
    status = "met" if found >= asked else "partial" if found else "not_met"
    reach = {c.id: "in a next step" for c in named if c.id in stepped}
    reach |= {c.id: "took part" for c in named if c.id in spoke}
    parts = [f"{c.name}: {reach.get(c.id, 'not reached')}" for c in named]
    parts += [
        f"{human(e)}: {'evidenced' if e in shown else 'not evidenced'}" for e in sorted(wanted)
    ]
    if held is not None:
        parts.append(held.detail)
    return ObjectiveProgress(
        objective=objective,
        source="meeting",
        status=status,  # type: ignore[arg-type]
        detail="; ".join(parts),
        citations=list(dict.fromkeys(refs)),
    )


def _says(text: str, name: str) -> bool:
    """The name as a word ("Ana" is not in "analytics")."""
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def discovery_gaps(analysis: Analysis, m: ConversationMetrics, assist: LiveAssist) -> list[Point]:
    """Methodology gaps the call did not close, each with the guide's question to ask next."""
    evidenced = {e.element for e in m.methodology if e.evidenced}
    out = []
    for key, g in sorted(
        gaps_by_element(analysis).items(), key=lambda kv: kv[1].status == "partial"
    ):
        if key in evidenced:
            continue
        questions, ref = assist.questions_for(g.element)
        ask = f" Ask: {questions[0]}" if questions else ""
        out.append(
            Point(
                text=f"{g.element} is still {g.status}.{ask}",
                citations=[*g.citations[:2], ref] if questions else g.citations[:2],
            )
        )
    return out


def replan(ctx: DealContext, heard: Sequence[Fact], on: dt.date) -> list[Point]:
    """A constraint the call revealed that lasts past the expected close: the close date and
    the plan to signature are reset around it now, however warm the call felt."""
    close = ctx.deal.expected_close
    for fact in heard:
        end = lifts(fact, on)
        if fact.constraint is None or end is None or end <= close:
            continue
        m = re.match(r"^transcript\.utterances\[(\d+)\]", fact.ref)
        length = (
            f" (it takes {fact.weeks[0]:g}-{fact.weeks[1]:g} weeks)"
            if fact.weeks and fact.weeks[0] != fact.weeks[1]
            else f" (it takes {fact.weeks[1]:g} weeks)"
            if fact.weeks
            else ""
        )
        return [
            Point(
                text=f"Reset the close date ({close.isoformat()}) and rebuild the plan to "
                f"signature around the {human(fact.constraint)} the call revealed{length}: it "
                "lasts beyond the close date, so the forecast and the mutual plan must move now.",
                citations=[u_ref(int(m.group(1)))] if m else [fact.ref],
            )
        ]
    return []


def adjustments(
    blocks: Sequence[Obstacle],
    steps: Sequence[NextStep],
    messages: Sequence[MessageOutcome],
    gaps: Sequence[Point],
) -> list[Point]:
    out = []
    for b in blocks:
        if b.kind == "objection" and not b.handled and b.suggested_response:
            out.append(
                Point(
                    text=f"Prepare for this again: {b.detail}. Next time: {b.suggested_response}",
                    citations=b.citations,
                )
            )
    for s in steps:
        if s.customer_commitment == "hedged":
            out.append(
                Point(
                    text=f'Confirm with {s.owner}: "{s.action}" was hedged, so set a date to '
                    "check it happened.",
                    citations=s.citations,
                )
            )
    for msg in messages:
        if not msg.landed:
            out.append(
                Point(
                    text=f'Do not repeat "{msg.message}"; it did not land. Lead with what '
                    f'the customer answered instead: "{msg.response}"',
                    citations=msg.citations,
                )
            )
    out.extend(gaps[:1])
    return out
