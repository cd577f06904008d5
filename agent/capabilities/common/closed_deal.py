"""What fits a closed deal, for every capability that advises on one: a won deal is handed over
to onboarding, debriefed and looked at for expansion; a lost deal gets a loss review and a
dated reminder to re-engage. One list, so next best action and deal strategy say the same.
"""

from __future__ import annotations

from agent.analysis.closure import Closure
from agent.contracts.base import Level, Timing

# (id, title, steps, expected outcome, success criteria, timing, effort level, hours)
Spec = tuple[str, str, list[str], str, list[str], Timing, Level, float]

_WON: tuple[Spec, ...] = (
    (
        "closed-won-handover",
        "Hand the account over to onboarding",
        [
            "Write the hand-over note: who signed, who uses it, what was promised and by when.",
            "Introduce the customer's team to the onboarding or customer success owner.",
            "Agree the first onboarding milestone with the customer and put it in the calendar.",
        ],
        "The customer starts onboarding with everything that was promised written down.",
        ["A hand-over note exists", "The first onboarding milestone has a date"],
        "this_week",
        "medium",
        2.0,
    ),
    (
        "closed-won-debrief",
        "Debrief the win with the team",
        [
            "List what decided the deal, from the record and the customer's own words.",
            "Note what took longer than expected and why.",
            "Share the lessons with the team.",
        ],
        "The team knows why this deal was won and can repeat it.",
        ["A written win debrief is shared"],
        "next_week",
        "low",
        1.0,
    ),
    (
        "closed-won-expansion",
        "Plan expansion once the customer is live",
        [
            "Note the teams and use cases that were left out of this deal.",
            "Agree with the account owner when to raise them, after a first success.",
        ],
        "A dated plan for the next opportunity in this account.",
        ["The next opportunity and its date are written down"],
        "next_week",
        "low",
        1.0,
    ),
)

_LOST: tuple[Spec, ...] = (
    (
        "closed-lost-review",
        "Run a loss review",
        [
            "Ask the customer for a short call on why they decided as they did.",
            "Compare their answer with the record: stages, stakeholders, competition, price.",
            "Write down what to do differently, and share it with the team.",
        ],
        "The team knows why this deal was lost and what to change.",
        ["A written loss review is shared"],
        "this_week",
        "low",
        1.5,
    ),
    (
        "closed-lost-reengage",
        "Set a date to re-engage",
        [
            "Ask the customer when they will review the decision (a renewal, a budget cycle).",
            "Put a dated reminder in the CRM to contact them before then.",
        ],
        "A dated reason to talk to the account again.",
        ["A re-engagement date is in the CRM"],
        "next_week",
        "low",
        0.5,
    ),
)


def closed_steps(closure: Closure) -> tuple[Spec, ...]:
    """The steps for a closed deal, the first the most pressing."""
    return _WON if closure.outcome == "won" else _LOST
