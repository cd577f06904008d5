"""What the offline chat says when it does not run a capability: what it can do, a greeting,
a clarifying question, which deals there are. Every line comes from intents.yaml or the
workspace, nothing made up."""

from __future__ import annotations

import re

from agent.chat.more import Shown, cited
from agent.compose.brief import brief, lead, menu, section, steps
from agent.contracts.response import CoachingResponse
from agent.routing.intent import FOLLOWUP, HELP, OFF_TOPIC, SMALLTALK, Intent
from agent.routing.intent_file import load_intents
from tools.sources import WorkspaceSource


def capabilities_list() -> str:
    spec = load_intents()
    return "\n".join(
        f"- **{i.title}**: try “{i.try_}”"
        for name, i in spec.intents.items()
        if name not in (HELP, SMALLTALK, FOLLOWUP, OFF_TOPIC)
    )


_THANKS = re.compile(
    r"^\W*(?:(?:ok|great|perfect|cool|brilliant|awesome)[,!.]?\s+)?"
    r"(?:thanks|thank you|thx|ty|cheers|much appreciated)\b",
    re.IGNORECASE,
)


def explain(intent: Intent, deal_id: str | None, message: str = "") -> str:
    focus = f" We are on **{deal_id}**." if deal_id else " Name a deal (e.g. D-1003) to start."
    if intent.name == HELP:
        return (
            "I coach you on your deals from the CRM record, the upstream agents' data and the "
            f"coaching knowledge, and cite every source.{focus} I can do:\n\n"
            f"{capabilities_list()}\n\nType `exit` to leave; the conversation is kept."
        )
    if intent.name == SMALLTALK and _THANKS.match(message):
        return f"You're welcome. Ask me anything else about the deal.{focus}"
    if intent.name == SMALLTALK:
        return f"Hello! Ask me about a deal, or ask “what can you do?”.{focus}"
    spec = load_intents().intents
    readings = [spec[n] for n in intent.choices if n in spec and n not in (FOLLOWUP, SMALLTALK)]
    if len(readings) >= 2:  # one question, the two likeliest readings
        first, second = readings[:2]
        return (
            f"Do you mean **{first.title}** (like “{first.try_}”) or **{second.title}** "
            f"(like “{second.try_}”)?{focus} Say which, or ask “what can you do?”."
        )
    runner_up = intent.runner_up
    closest = spec[runner_up].title if runner_up in spec and runner_up != FOLLOWUP else None
    guess = f" Did you mean **{closest}**?" if closest else ""
    return f"I'm not sure what you need.{guess} Here is what I can do:\n\n{capabilities_list()}"


def which_deal(source: WorkspaceSource, title: str) -> str:
    """Asks which deal, naming open ones: a CRM's deals are mostly won or lost, and a
    capability is about a deal still to act on (all of them when none is open)."""
    from agent.analysis.closure import deal_states

    every = source.list_deals()
    states = deal_states(source, every)
    deals = [d for d in every if states[d.id] == "open"] or every
    listing = "\n".join(f"- {d.id}: {d.name} ({d.account}, {d.stage})" for d in deals[:20])
    return f"Which deal should the **{title}** be for? Name its id, for example:\n\n{listing}"


def from_response(
    title: str,
    response: CoachingResponse,
    notes: list[str],
    question: str = "",
    people: list[str] | None = None,
) -> tuple[str, Shown]:
    """The brief view (agent/compose/brief.py: the action, why, what to say, and the sections
    behind it), led by the section the question is about ("who is my champion?", "they want a
    discount": agent/chat/focus.py) or by the first of the `people` it is about; and what it
    showed: the plan whose first step it gives, and the section behind its reasons. The report
    itself stays in the thread."""
    from agent.chat.focus import asked_section, focus

    subject = response.deal_id or response.rep_id or ""
    named = [t for t in menu(response.markdown) for p in people or [] if t.startswith(p)]
    about = named[0] if named else asked_section(question, response.markdown)
    asked = about or (focus(question, response) if question else "")
    lines = [brief(response.markdown, subject=subject, asked=asked)]
    lines += [f"\n> note: {note}" for note in notes]
    titles = menu(response.markdown)
    why = asked or next((t for t in titles if t.lower().startswith("why")), None)
    person = about.split(",")[0] if about else None  # headings: "Name, Title (role)"
    text = "\n".join(lines)
    first = lead(response.markdown, asked)  # its sources: the brief's and its lead section's
    block = (section(response.markdown, first.title) or "") if first else ""
    shown = Shown(
        steps=steps(response.markdown, asked), why=why, person=person, cited=cited(text + block)
    )
    return text, shown
