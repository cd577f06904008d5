"""A mutual plan paced by the customer's real steps, not squeezed into the days left.

Each step to signature takes as long as the record says it takes: the customer's own buying
process (discovery's steps), durations read from any text ("InfoSec review: about four weeks",
"ten business days after legal sign-off"), a weekday a committee meets on ("CFO approvals on
Thursdays"). A tender the customer must run comes first; security and legal reviews run side
by side from today; procurement follows legal; an approval follows both; signature follows the
approval. A step whose duration nothing records takes a week and says to confirm it. A dated
gate (a board that sits on 16 June, ExCo on the first Tuesday of July, a budget released on
1 April, a freeze until Q3) comes before signature, whatever the agreed plan says: signature
moves after it. When the paced plan signs after the expected close date, the plan says so: the
close date is not realistic, and the date the steps support is proposed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from agent.contracts.facts import ConstraintKind, Fact
from agent.reading.dates import weeks_in

DEFAULT_WEEKS = 1.0  # a step nothing gives a duration for: one week, said to be confirmed
_KINDS: list[tuple[ConstraintKind | str, re.Pattern[str]]] = [
    (
        "security_review",
        re.compile(r"\b(?:security|infosec|privacy|risk assessment|DPIA|SOC ?2)\b", re.I),
    ),
    (
        "legal_review",
        re.compile(r"\b(?:legal|MSA|contract review|redlines?|DPA|counsel)\b", re.I),
    ),
    (
        "tender",
        re.compile(
            r"\b(?:tender\w*|RFP|RFQ|ITT|bids?|bidding|(?:public|open) invitation|"
            r"(?:three|\d|several|competing) (?:quotes|offers))\b",
            re.I,
        ),
    ),
    (
        "procurement",
        re.compile(
            r"\b(?:procurement|supplier|vendor (?:onboarding|registration)|purchase order)\b",
            re.I,
        ),
    ),
    ("approval", re.compile(r"\b(?:approv\w*|committee|board)\b", re.I)),
    ("signature", re.compile(r"\b(?:signature|sign(?:ed|ing)?|countersign)\b", re.I)),
]
_WEEKDAY = re.compile(r"\b(" + "|".join(calendar.day_name) + r")s?\b", re.I)
# What each kind of step waits for: a tender comes first (the contract reviewed is the winning
# bid's); supplier onboarding follows legal sign-off; an approval follows the reviews;
# signature follows everything.
WAITS_FOR: dict[str, tuple[str, ...]] = {
    "procurement": ("legal_review", "tender"),
    "legal_review": ("tender",),
    "approval": ("security_review", "legal_review", "procurement", "tender", "other"),
    "signature": ("security_review", "legal_review", "procurement", "tender", "approval", "other"),
}


@dataclass(frozen=True)
class Step:
    name: str
    owner: str
    kind: str
    weeks: float | None  # None: nothing records how long it takes
    weekday: int | None  # a committee that meets on this weekday
    after: tuple[str, ...]  # kinds it waits for
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Dated:
    step: Step
    due: dt.date


def kind_of(text: str) -> str:
    """What kind of step a text names, read from its head ('Supplier onboarding - ten days
    after legal sign-off' is procurement, not legal), else from the whole text."""
    head = _HEAD.split(text, maxsplit=1)[0]
    for part in (head, text):
        for kind, pattern in _KINDS:
            if pattern.search(part):
                return kind
    return "other"


_HEAD = re.compile(r"\s+[-–—:]\s+|[:(;]")
_DONE_WORD = (
    r"(?:completed?|done|approved|agreed|signed(?: off)?|in place|finished|closed|passed|"
    r"(?:already )?(?:active|exists?|set up|registered))"
)
# The step's own status right after its name ("InfoSec review - completed 18 November"), or
# a past tense that says so ("has been approved", "already active").
_STATUS = re.compile(r"\s[-\u2013\u2014]\s|:")
_DONE = re.compile(rf"\b{_DONE_WORD}\b", re.I)
_PAST = re.compile(rf"\b(?:has been|have been|was|were|already)\s+{_DONE_WORD}\b", re.I)
_PREPOSITION = re.compile(
    r"\b(?:from|of|after|before|until|once|when|within|in|for|about|around|takes?)\b", re.I
)


def is_done(text: str) -> bool:
    """A step the text says is already behind them: its status after the name opens with it
    ("InfoSec review - completed 18 November", "Legal review - MSA and DPA agreed under ..."),
    or a past tense says so ("has been approved"); not a step that only mentions a finished
    thing ("about four weeks from receipt of the completed questionnaire")."""
    if _PAST.search(text):
        return True
    parts = _STATUS.split(text, maxsplit=1)
    if len(parts) < 2 or (done := _DONE.search(parts[1])) is None:
        return False
    before = _PREPOSITION.search(parts[1][: done.start()])
    return before is None


def _weekday(text: str) -> int | None:
    m = _WEEKDAY.search(text)
    return list(calendar.day_name).index(m.group(1).capitalize()) if m else None


def step_from(
    name: str, owner: str, citations: list[str], facts: list[Fact], ref: str | None = None
) -> Step:
    """A step, with the duration the text records for it: read from its own text (`ref`), else
    from any constraint of the same kind the record mentions."""
    kind = kind_of(name)
    written = weeks_in(name)  # the step's own words say how long it takes
    own = [f for f in facts if ref is not None and f.ref == ref and f.weeks]
    same = [f for f in facts if f.constraint == kind and f.weeks]
    found: Fact | None = (own or same or [None])[0]  # type: ignore[list-item]
    waits = WAITS_FOR.get(kind, ())
    if written is not None:
        found = None
    extra = [found.ref] if found is not None and found.ref not in citations else []
    weeks = written[1] if written else (found.weeks[1] if found and found.weeks else None)
    return Step(
        name=name,
        owner=owner,
        kind=kind,
        weeks=weeks,
        weekday=_weekday(name),
        after=waits,
        citations=(*citations, *extra),
    )


def schedule(steps: list[Step], today: dt.date) -> list[Dated]:
    """Due dates: each step ends its duration after the steps it waits for have ended;
    reviews start today; a committee step lands on its next meeting day."""
    ends: dict[str, dt.date] = {}
    dated: list[Dated] = []
    previous = today
    for step in steps:
        waited = [ends[k] for k in step.after if k in ends]
        if step.after:
            start = max([today, *waited])
        else:
            start = today if step.kind in ("security_review", "legal_review") else previous
        weeks = step.weeks
        if weeks is None:  # a signature, or a committee's next meeting, takes no time of its own
            weeks = 0.0 if step.kind == "signature" or step.weekday is not None else DEFAULT_WEEKS
        due = start + dt.timedelta(days=round(weeks * 7))
        if step.weekday is not None:
            due = due + dt.timedelta(days=(step.weekday - due.weekday()) % 7)
        if step.kind == "signature" and due <= start and waited:
            due = start + dt.timedelta(days=1)
        ends[step.kind] = max(ends.get(step.kind, due), due)
        previous = due
        dated.append(Dated(step, due))
    return dated


# Constraints that hold until a date and so gate signature: a committee that sits on a date,
# spending frozen until a date, a tender whose dates are set. Signature comes after the
# committee's session, on or after the other dates.
GATE_KINDS = ("approval", "budget_freeze", "tender")
GATE_LABEL = {
    "approval": "Approval session",
    "budget_freeze": "Budget available again",
    "tender": "Tender date",
}
PAPER_LEAD_DAYS = 7  # the paper a committee decides on is due about a week before it sits


@dataclass(frozen=True)
class Gate:
    kind: str
    on: dt.date
    quote: str
    ref: str

    @property
    def signs_from(self) -> dt.date:
        """The first day signature can follow it: the day after a committee sits."""
        return self.on + dt.timedelta(days=1) if self.kind == "approval" else self.on

    @property
    def label(self) -> str:
        return GATE_LABEL.get(self.kind, "Gate")


def gate_of(facts: list[Fact], today: dt.date) -> Gate | None:
    """The latest dated gate still ahead ("the next board session is 16 June", "frozen until
    Q3", "ExCo meets first Tuesday of July"); None when nothing dates one."""
    found = [
        Gate(f.constraint, f.until, f.quote, f.ref)
        for f in facts
        if f.constraint in GATE_KINDS and f.until is not None and f.until > today
    ]
    return max(found, key=lambda g: g.on, default=None)
