"""What the deal says about a topic a rep names ("draft an email to Hamish about the payback
timeline"), and a message to one person about it.

The record's texts (activities, notes, the mutual action plan's milestones, the next step, a
contact's note) are scored by the topic's word stems, each weighed by how rare it is in this
deal (a word every activity has, like the product's name, says little), so nothing here is
keyed on any deal's wording. A text the person took part in or owns ranks first among equals,
then the newest.

The message is customer-facing, so it is written in our own words (Trust, DESIGN.md): the
topic as the rep typed it, the person's role in the buying group, and typed fields of the
record (an activity's kind and date, a milestone's due date), never a sentence of the input.
What the deal says is shown to the rep beside it, cited, so the rep can check it and say more.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from agent.chat.people import words
from agent.contracts.context import DealContext
from agent.contracts.deal import Contact
from agent.formatting import shorten
from agent.reading.talk_cues import sentences
from agent.reading.texts import free_texts
from agent.routing.intent_features import content_stems
from agent.sanitise import clean_text

EXCERPT = 150
# Read above (the record), or not about this deal: the org's process and pipeline analytics.
NOT_ABOUT_THE_DEAL = frozenset({"deal", "transcript", "process", "analytics"})
OWN_BONUS = 1.5  # a text the person took part in, owns or names
KEEP = 0.6  # of the best score: a weaker match is noise beside it


@dataclass(frozen=True)
class Mention:
    """One place in the deal about the topic: its reference, date and kind, the sentence
    that matched (for the rep's eyes only), and whether it is the person's."""

    ref: str
    date: dt.date | None
    kind: str
    excerpt: str
    theirs: bool
    score: float


@dataclass(frozen=True)
class _Text:
    ref: str
    date: dt.date | None
    kind: str
    text: str
    theirs: bool
    label: str = ""  # words of its field's name, matched but never shown


def _texts(ctx: DealContext, person: Contact | None) -> list[_Text]:
    """Every text of the record (activities with their kind, date and participants, notes,
    the plan's milestones, the next step, contact notes), then every free text of the
    deal's upstream sections (agent/reading/texts.py), matched with its field's name too
    ("budget_notes" is about the budget) and the person's when it names them."""
    deal = ctx.deal
    pid = person.id if person else None
    found: list[_Text] = []
    for i, a in enumerate(deal.activities):
        text = f"{a.summary} {a.next_step or ''}"
        found.append(
            _Text(f"deal.activities[{i}]", a.date, str(a.type), text, pid in a.participants)
        )
    for i, n in enumerate(deal.notes):
        found.append(_Text(f"deal.notes[{i}]", n.date, "note", n.text, False))
    if deal.mutual_action_plan is not None:
        for i, m in enumerate(deal.mutual_action_plan.milestones):
            ref = f"deal.mutual_action_plan.milestones[{i}]"
            found.append(_Text(ref, m.due, "milestone", m.name, m.owner == pid))
    if deal.next_step:
        found.append(
            _Text("deal.next_step", deal.next_step_date, "next step", deal.next_step, False)
        )
    for i, c in enumerate(deal.contacts):
        if c.notes:
            found.append(_Text(f"deal.contacts[{i}]", None, "contact note", c.notes, c.id == pid))
    names = words(person.name) if person else set()
    for t in free_texts(ctx):
        section, _, field = t.ref.partition(".")
        if section in NOT_ABOUT_THE_DEAL:
            continue
        label = re.sub(r"\[\d+\]|[._]", " ", field)
        found.append(_Text(t.ref, None, section, t.text, bool(names & words(t.text)), label))
    return found


def mentions(
    ctx: DealContext, topic: str, person: Contact | None = None, limit: int = 2
) -> list[Mention]:
    """The deal's texts about `topic`, best first; [] when none shares a word with it."""
    asked = content_stems(topic)
    if not asked:
        return []
    texts = _texts(ctx, person)
    stems = [content_stems(f"{t.text} {t.label}") for t in texts]
    df = {s: sum(s in seen for seen in stems) for s in asked}
    n = len(texts)
    weight = {s: math.log((1 + n) / (1 + df[s])) + 1.0 for s in asked if df[s]}
    found = []
    for t, seen in zip(texts, stems, strict=True):
        score = sum(w for s, w in weight.items() if s in seen) * (OWN_BONUS if t.theirs else 1)
        if score <= 0:
            continue
        best = max(
            sentences(t.text) or [t.text],
            key=lambda s: sum(w for st, w in weight.items() if st in content_stems(s)),
        )
        excerpt = clean_text(shorten(best, EXCERPT))
        found.append(Mention(t.ref, t.date, t.kind, excerpt, t.theirs, score))
    never = dt.date.min
    found.sort(key=lambda m: (-m.score, not m.theirs, -(m.date or never).toordinal()))
    return [m for m in found if m.score >= KEEP * found[0].score][:limit]


# What the message asks of each role in the buying group about the topic ("it"): our words.
ROLE_ASK = {
    "economic_buyer": "I'd like to make sure it gives you what you need for the investment "
    "decision, and hear what you would want to see from us before you decide.",
    "champion": "Could you tell me where it stands on your side, and whether anything from us "
    "would help you take it forward internally?",
    "technical_evaluator": "I'd like to confirm the technical questions around it are settled, "
    "and answer anything your team still has open.",
    "business_evaluator": "I'd like to check it against the outcomes the project has to "
    "deliver for your team.",
    "user": "I'd like to hear how it would work for your team day to day.",
    "procurement": "Could you tell me what you need from us on this to keep the buying "
    "process moving?",
    "legal": "Could you tell me whether anything in it needs to be reflected in the contract "
    "terms?",
    "coach": "I'd value your view on how it is seen on your side.",
    "blocker": "I'd like to understand any concerns you have about it, so we can address them "
    "properly.",
}
DEFAULT_ASK = "I'd like to make sure we have it right from your side."
# Where we discussed it, by the activity's kind.
AT = {
    "call": "on our call",
    "meeting": "at our meeting",
    "demo": "at the demo",
    "workshop": "at the workshop",
    "presentation": "at the presentation",
    "proposal": "when we went through the proposal",
    "visit": "during the visit",
}

QUIET = ("dark", "never", "cooling")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B}"


def topic_message(
    person: Contact,
    topic: str,
    found: list[Mention],
    engagement: str,
    sender: str,
    account: str,
) -> str:
    """A short message to `person` about `topic`: where we last discussed it with them (a
    typed kind and date from the record), the role's question about it, and an easy ask."""
    first = person.name.split()[0]
    topic = clean_text(" ".join(topic.split()))
    topic = "our " + topic[3:] if topic.lower().startswith("my ") else topic
    spoke = next((m for m in found if m.theirs and m.kind in AT and m.date), None)
    due = next((m for m in found if m.theirs and m.kind == "milestone" and m.date), None)
    if spoke is not None and spoke.date is not None:
        opener = (
            f"Following up on {topic}, which we discussed {AT[spoke.kind]} on {_day(spoke.date)}."
        )
    elif due is not None and due.date is not None:
        opener = f"A note on {topic}, ahead of the milestone in our plan due on {_day(due.date)}."
    else:
        opener = f"A short note on {topic} for {account}."
    ask = ROLE_ASK.get(person.dmu_role, DEFAULT_ASK)
    close = (
        "If now is not a good time, just say so and I will follow up later."
        if engagement in QUIET
        else "Happy to send a short written summary, or take 15 minutes this week."
    )
    return f"Hi {first}, {opener[:1].lower()}{opener[1:]} {ask} {close} Best regards, {sender}"
