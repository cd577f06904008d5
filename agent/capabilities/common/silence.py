"""What the record says of a stakeholder's silence since they last took part: a meeting they did
not come to, attempts to reach them nobody answered.

Why: a plan that says "validate the date with the finance director" reads differently when he
did not come to the last proposal review. Stakeholder engagement counts the attempts (a no-show
is one of them: agent/reading/outreach.py); this says which, in words a rep acts on, with the
activity to cite, for every answer that names the person (next best action's "With", the
stakeholder plan's caveat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.analysis.model import StakeholderEngagement
from agent.analysis.thresholds import UNANSWERED_ATTEMPTS
from agent.contracts.deal import Activity, Deal
from agent.reading.activity_index import activity_index
from agent.reading.contacts import name_forms
from agent.reading.occurrence import who_stayed_away
from agent.reading.refs import activity_at


@dataclass(frozen=True)
class Silence:
    """What to say (`words`, to follow a name), which kind it is, and the activities it rests on."""

    kind: Literal["no_show", "unanswered"]
    words: str
    refs: list[str]


def silence(person: StakeholderEngagement, deal: Deal) -> Silence | None:
    """When the latest attempt to reach `person` since they last took part was a meeting they
    did not come to (`_theirs`), or when at least UNANSWERED_ATTEMPTS attempts went
    unanswered; None otherwise (one unanswered e-mail is not news)."""
    if not person.unanswered_refs:
        return None
    last_ref = person.unanswered_refs[-1]
    index = activity_at(last_ref)
    if index is None:  # engagement counts only activities as attempts
        return None
    last = deal.activities[index]
    missed = activity_index(deal).missed.get(index)
    earlier = person.unanswered - 1
    if missed is not None and missed.kind == "no_show" and _theirs(last, person, deal):
        more = f", after {earlier} unanswered attempt{'s' * (earlier > 1)}" if earlier else ""
        words = f"did not come to the {last.type} on {last.date.isoformat()}{more}"
        return Silence("no_show", words, [last_ref])
    if person.unanswered >= UNANSWERED_ATTEMPTS:
        words = (
            f"{person.unanswered} attempts to reach them since they last took part unanswered, "
            f"the latest on {last.date.isoformat()}"
        )
        return Silence("unanswered", words, list(person.unanswered_refs))
    return None


def _theirs(missed: Activity, person: StakeholderEngagement, deal: Deal) -> bool:
    """Whether a no-show is this person's: they alone from the customer were to attend, or
    the activity's words name them as the one who did not come ("Jorge never dialled in; Ana
    joined alone"). With others invited and no such words, the record does not say who."""
    invited = [c for c in deal.contacts if c.id in set(missed.participants)]
    if [c.id for c in invited] == [person.contact_id]:
        return True
    names = {c.id: name_forms(c.name) for c in invited}
    return len(invited) > 1 and who_stayed_away(missed, names) == person.contact_id
