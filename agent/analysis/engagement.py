"""Who at the customer is engaged, from two-way interactions: recency, frequency, sentiment.

An email nobody answered, a voicemail, a bounce is outreach, not engagement (the reading layer
tells them apart, agent/reading/outreach.py); attempts since someone last took part are counted
separately, because silence after outreach is a signal of its own. A meeting the record says did
not take place (a no-show, cancelled, moved: agent/reading/occurrence.py) is no engagement
either; a no-show counts as an attempt nobody answered."""

from __future__ import annotations

import datetime as dt

from agent.analysis.model import EngagementLevel, StakeholderEngagement
from agent.analysis.thresholds import ACTIVE_DAYS as COOLING_DAYS
from agent.analysis.thresholds import QUIET_DAYS as ENGAGED_DAYS
from agent.contracts.deal import Deal
from agent.reading.activity_index import activity_index
from agent.reading.outreach import outcome_of


def level_for(days_since: int | None) -> EngagementLevel:
    if days_since is None:
        return "never"
    if days_since <= ENGAGED_DAYS:
        return "engaged"
    if days_since <= COOLING_DAYS:
        return "cooling"
    return "dark"


def stakeholder_engagement(deal: Deal, as_of: dt.date) -> list[StakeholderEngagement]:
    """One entry per contact. Future-dated (scheduled) activities do not count as contact."""
    result = []
    activities = activity_index(deal)  # who took part in what, built once per deal
    one_way, off = activities.one_way, activities.off
    for index, contact in enumerate(deal.contacts):
        theirs = [i for i in activities.of(contact.id) if deal.activities[i].date <= as_of]
        touched = [i for i in theirs if i not in one_way and i not in off]
        reached = {deal.activities[i].date for i in theirs if i in one_way or i in off}
        dates = [deal.activities[i].date for i in touched]
        # The CRM's "last contact" often records an attempt: it counts only when no unanswered
        # attempt explains it.
        if (
            contact.last_contact
            and contact.last_contact <= as_of
            and (contact.last_contact not in reached or contact.last_contact in dates)
        ):
            dates.append(contact.last_contact)
        last = max(dates) if dates else None
        since = [
            i for i in theirs if i in one_way and (last is None or deal.activities[i].date > last)
        ]
        bounced = bool(since) and (outcome_of(deal.activities[since[-1]]) or ("",))[0] == "bounced"
        days = (as_of - last).days if last else None
        recent = sum(1 for i in touched if (as_of - deal.activities[i].date).days <= COOLING_DAYS)
        result.append(
            StakeholderEngagement(
                contact_id=contact.id,
                index=index,
                name=contact.name,
                title=contact.title,
                role=contact.dmu_role,
                influence=contact.influence,
                sentiment=contact.sentiment,
                last_touch=last,
                days_since_touch=days,
                touches_30d=recent,
                activity_indices=touched,
                level=level_for(days),
                unanswered=len(since),
                unanswered_refs=[f"deal.activities[{i}]" for i in since],
                unreachable=bounced,
            )
        )
    return result


def is_active(e: StakeholderEngagement) -> bool:
    """Engaged or cooling: heard from within the last month."""
    return e.level in ("engaged", "cooling")
