"""What came of each attempt to reach a customer: the activity's outcome in the CRM's own words
("No reply", "Bounced: 550 mailbox unavailable", "Out of office until 3 Dec", "Rescheduled to
Friday") and, when the outcome says nothing, its summary.

An activity is two-way when the customer took part (a meeting held, a call answered, an email
answered); an email, call or message whose outcome says nobody answered is outreach, and
silence after outreach is a signal of its own, not engagement. A meeting nobody came to is a
`no_show` (occurrence.py reads whether a logged meeting took place at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agent.contracts.deal import Activity, Deal
from agent.contracts.facts import Fact, OutreachOutcome
from agent.reading.occurrence import not_held
from agent.reading.texts import outcome_text

# Checked in this order: a bounce or a decline says more than "no reply".
_OUTCOMES: list[tuple[OutreachOutcome, re.Pattern[str]]] = [
    (
        "bounced",
        re.compile(
            r"\b(?:bounced?|undeliverable|mailbox (?:unavailable|full)|address not found|"
            r"(?:recipient|user) (?:unknown|not found)|returned to sender|non-?delivery|"
            r"no longer (?:with|at)|left the (?:company|business)|not in service|"
            r"disconnected|delivery fail(?:ed|ure))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "declined",
        re.compile(
            r"\b(?:declined|turned down|not interested|rejected the (?:meeting|invite|invitation)|"
            r"said no|refused)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "out_of_office",
        re.compile(
            r"\b(?:out of (?:the )?office|ooo|ooto|on (?:(?:annual|parental|paternity|maternity|"
            r"sick|medical|study|family|compassionate|extended|long-term)\s+)?leave|on holiday|"
            r"on vacation|away until|away from (?:the|my) (?:office|desk)|auto-?reply|"
            r"automatic reply|in my absence|licen[çc]a|f[ée]rias|vacaciones)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "rescheduled",
        re.compile(r"\b(?:rescheduled|postponed|moved to|pushed (?:back|to)|re-?booked)\b", re.I),
    ),
    (
        "no_reply",
        re.compile(
            r"\b(?:no (?:reply|response|call ?back|word)|not (?:replied|responded|answered)|"
            # "no answer on his mobile" is outreach; "she had no answer on budget" is not
            r"no answer(?!\s+(?:yet\s+)?(?:on|about|regarding)\s+(?!(?:his|her|their|the)\s+"
            r"(?:mobile|phone|cell|landline|line|number|desk)))|"
            r"(?:didn'?t|did not|hasn'?t|has not|haven'?t|have not) (?:replied|responded|"
            r"answered|called back|got back|heard back)|(?:not|never|n't) heard back|"
            r"nothing (?:back|heard)|unanswered|voicemail|left (?:a )?message|"
            r"(?:still )?waiting (?:for|on) (?:a )?(?:reply|response)|ghost(?:ed|ing)|silence)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "replied",
        re.compile(
            r"\b(?:replied|responded|answered|called back|got back to us|accepted|confirmed)\b",
            re.IGNORECASE,
        ),
    ),
]
ONE_WAY: frozenset[OutreachOutcome] = frozenset(
    {"no_reply", "bounced", "declined", "out_of_office", "no_show"}
)
# Activity types that reach out and may go unanswered; a meeting or demo that happened is two-way.
REACHING = frozenset({"email", "call", "other", "task", "proposal"})


def outcome_of(activity: Activity) -> tuple[OutreachOutcome, str, str] | None:
    """(outcome, which field said so, the words) for an activity, or None."""
    missed = not_held(activity)
    if missed is not None and missed.kind == "no_show":
        return "no_show", missed.field, missed.words
    own = outcome_text(activity.outcome)
    if own:
        for outcome, pattern in _OUTCOMES:
            if (m := pattern.search(own)) is not None:
                return outcome, "outcome", own if len(own) < 120 else m.group(0)
    if activity.outcome in (None, "pending") and activity.type in REACHING:
        for outcome, pattern in _OUTCOMES[:-1]:  # a summary says what we did, rarely "replied"
            if (m := pattern.search(activity.summary)) is not None:
                return outcome, "summary", m.group(0)
    return None


def read_outreach(deal: Deal) -> Iterator[Fact]:
    """An outreach fact per customer contact an activity tried to reach, with its outcome."""
    customers = {c.id for c in deal.contacts}
    for i, activity in enumerate(deal.activities):
        found = outcome_of(activity)
        if found is None:
            continue
        outcome, field, words = found
        for person in [p for p in activity.participants if p in customers]:
            yield Fact(
                kind="outreach",
                ref=f"deal.activities[{i}].{field}",
                quote=words,
                contact_id=person,
                outcome=outcome,
                on=activity.date,
            )


def is_one_way(activity: Activity) -> bool:
    """True when nobody on the customer side answered: outreach, not engagement. A pending
    email or proposal is waiting for its answer."""
    found = outcome_of(activity)
    if found is not None:
        return found[0] in ONE_WAY
    return activity.outcome == "pending" and activity.type in ("email", "proposal")
