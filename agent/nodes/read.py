"""read: the facts in the deal's free text (agent/reading), each with the words it came from,
and a warning for any input text that reads like instructions to a model: on every carrier
(notes, activities, contact fields, upstream agents' text, the transcript, the request's
message), whether or not a model is configured.

The rules always read; with a chat model configured, one structured call also reads and only
the facts code verifies are merged in (agent/reading/reader.py). A failed call leaves the
rules' reading and adds a warning: reading never fails a request."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.contracts.response import Warning
from agent.model.injection import suspects
from agent.reading.read import read_deal
from agent.reading.reader import read_with_model, reads_with_model
from agent.reading.texts import Text, every_string, flagged_passages, suspects_in
from agent.retrieval import known_competitors
from agent.settings import CoachContext
from agent.settings_json import settings
from agent.state import CoachState


def read(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx, request, run = state["deal"], state["request"], settings(runtime.context)
    call = request.meeting.date if request.meeting and request.meeting.date else None
    known = known_competitors(run)
    reading = read_deal(ctx, state["as_of"], known, call or state["as_of"])
    texts: list[Text] = []
    if request.message:
        texts.append(Text("request.message", request.message))
    if request.meeting is not None:  # a customer's agenda is the customer's text
        meeting = request.meeting
        texts += [
            Text(f"request.meeting.customer_agenda[{i}]", a)
            for i, a in enumerate(meeting.customer_agenda)
        ]
        texts += [
            Text(f"request.meeting.{k}", v)
            for k in ("title", "objective")
            if (v := getattr(meeting, k))
        ]
    # every string, in full: the deal's (scanned once per deal version), then the request's
    found = [*suspects_in(ctx), *suspects((t.ref, t.text) for t in texts)]
    warnings = [Warning(code="suspected_injection", ref=s.ref, message=s.message()) for s in found]
    flagged = {s.ref for s in found}
    withheld = flagged_passages([*every_string(ctx), *texts], flagged) if flagged else frozenset()
    down = False
    if reads_with_model(run):
        reading, failed, down = read_with_model(
            ctx, reading, run, state["as_of"], call or state["as_of"], known
        )
        warnings += failed
    return {"reading": reading, "warnings": warnings, "model_down": down, "withheld": withheld}
