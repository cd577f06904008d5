"""Who at the customer is engaged, from activity recency, frequency and sentiment."""

from __future__ import annotations

import datetime as dt

from agent.analysis.model import EngagementLevel, StakeholderEngagement
from agent.analysis.thresholds import ACTIVE_DAYS as COOLING_DAYS
from agent.analysis.thresholds import QUIET_DAYS as ENGAGED_DAYS
from agent.contracts.deal import Deal


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
    for index, contact in enumerate(deal.contacts):
        touched = [
            i
            for i, a in enumerate(deal.activities)
            if contact.id in a.participants and a.date <= as_of
        ]
        dates = [deal.activities[i].date for i in touched]
        if contact.last_contact and contact.last_contact <= as_of:
            dates.append(contact.last_contact)
        last = max(dates) if dates else None
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
            )
        )
    return result


def is_active(e: StakeholderEngagement) -> bool:
    """Engaged or cooling: heard from within the last month."""
    return e.level in ("engaged", "cooling")
