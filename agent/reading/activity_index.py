"""The deal's activities indexed once: who took part in which, and which did not count as
contact (one-way outreach, meetings that did not take place).

Why: stakeholder engagement asked, for every contact, which activities they took part in by
scanning every activity, and the last-contact figure re-read every activity's outcome, so a deal
with 200 contacts and 5,000 activities cost a million membership tests per request. Built once
per deal object (agent/memo.py: a workspace hands out the same object while its files are
unchanged) and shared by every caller, the cost is linear in the deal's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.contracts.deal import Deal
from agent.memo import PerObject
from agent.reading.occurrence import NotHeld, not_held
from agent.reading.outreach import is_one_way


@dataclass(frozen=True)
class ActivityIndex:
    """`by_person[id]`: indices of the activities that person took part in, in record order.
    `one_way`: nobody answered (outreach). `off`: recorded as not having taken place, and not
    one-way (a no-show, a cancelled or moved meeting)."""

    by_person: dict[str, tuple[int, ...]]
    one_way: frozenset[int]
    off: frozenset[int]
    # `by_type[type]`: the indices of that type's activities, in record order; `missed[i]`:
    # how activity i did not take place, for every one the record says so of (one-way too)
    by_type: dict[str, tuple[int, ...]] = field(default_factory=dict)
    missed: dict[int, NotHeld] = field(default_factory=dict)

    def of(self, person_id: str) -> tuple[int, ...]:
        return self.by_person.get(person_id, ())


_INDEXES: PerObject[ActivityIndex] = PerObject(maxsize=256)


def activity_index(deal: Deal) -> ActivityIndex:
    """The index of `deal`'s activities (kept while the deal object lives)."""
    return _INDEXES.get(deal, None, lambda: _build(deal))


def _build(deal: Deal) -> ActivityIndex:
    by_person: dict[str, list[int]] = {}
    by_type: dict[str, list[int]] = {}
    one_way: set[int] = set()
    off: set[int] = set()
    missed: dict[int, NotHeld] = {}
    for i, activity in enumerate(deal.activities):
        for person in dict.fromkeys(activity.participants):
            by_person.setdefault(person, []).append(i)
        by_type.setdefault(activity.type, []).append(i)
        if (how := not_held(activity)) is not None:
            missed[i] = how
        if is_one_way(activity):
            one_way.add(i)
        elif how is not None:  # did not take place (occurrence.took_place)
            off.add(i)
    return ActivityIndex(
        {p: tuple(found) for p, found in by_person.items()},
        frozenset(one_way),
        frozenset(off),
        {t: tuple(found) for t, found in by_type.items()},
        missed,
    )
