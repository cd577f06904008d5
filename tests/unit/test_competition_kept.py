"""A competitor's view (its vetted card, or the no-card advice, and the claims heard) is kept
per deal version: asked again about the same context, competitor, date, reading and documents,
it is the view already made; anything else that changes is a view made anew, equal to one made
without the memo."""

from __future__ import annotations

import datetime as dt

from agent.capabilities.common import competition
from agent.capabilities.common.competition import competitor_view
from agent.reading.read import read_deal
from agent.retrieval import citable_documents
from agent.settings import CoachContext
from tests.factories import AS_OF, days_ago, make_context

KNOWLEDGE = citable_documents(CoachContext(outbox=None, memory=None))


def test_the_same_question_gets_the_kept_view_and_any_change_a_new_one() -> None:
    name = "Taskline"  # the library has a card for it
    notes = [{"date": days_ago(2), "author": "rep-1", "text": f"{name} quoted 20% below us."}]
    ctx = make_context(deal={"competitors": [name], "notes": notes})
    reading = read_deal(ctx, AS_OF)
    first = competitor_view(name, ctx, KNOWLEDGE, AS_OF, reading)
    assert first.card is not None and first.claims  # a card, and the claim the note makes
    assert competitor_view(name, ctx, KNOWLEDGE, AS_OF, reading) is first
    assert first == competition._view(name, ctx, KNOWLEDGE, AS_OF, reading)
    later = AS_OF + dt.timedelta(days=400)  # a card this old is stale: another view
    changed = [
        (name, ctx, KNOWLEDGE, later, reading),
        (name, ctx, KNOWLEDGE, AS_OF, None),
        (name, ctx, {}, AS_OF, reading),
        (name, ctx.model_copy(deep=True), KNOWLEDGE, AS_OF, reading),
    ]
    for args in changed:
        view = competitor_view(*args)
        assert view is not first
        assert view == competition._view(*args)
    assert competitor_view(name, ctx, {}, AS_OF, reading).card is None  # no documents, no card
    assert competitor_view(name, ctx, KNOWLEDGE, later, reading).cautions != first.cautions
